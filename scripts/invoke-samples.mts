/**
 * `npm run invoke:samples`: every sample event in events/ through `serverless invoke local`
 * against the served simulated account (`npm run sim:serve`, started here on a free port), in an
 * order that tells one node's story, checking after each what AWS would then hold: the launch
 * completed and the node in DNS, its Elastic IP moved to a peer on ALARM and home after OK and
 * the hold-down, Spot and stop announcements acted on, the node deregistered, drained and its
 * termination let go. CI runs it (.ci/run); it fails on the first step that does not hold.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { resolve } from 'node:path';

type State = {
  now: string;
  fleets: {
    group: string;
    instances: { instanceId: string; lifecycleState: string; ec2State: string }[];
    records: { setIdentifier: string; values: string[] }[];
    elasticIps: { publicIp: string; associatedWith?: string; tags: Record<string, string> }[];
  }[];
  alarms: { name: string; state: string }[];
};

const SAMPLE = 'i-0a1b2c3d4e5f60718';

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

async function startServer(port: number): Promise<ChildProcess> {
  // Its own process group, so stopping it stops tsx's node too.
  const child = spawn('npx', ['tsx', 'scripts/sim-serve.mts', '--port', String(port), '--quiet'], { stdio: ['ignore', 'pipe', 'inherit'], detached: true });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('sim:serve did not start within 60 s')), 60000);
    child.stdout!.on('data', (d: Buffer) => {
      if (d.toString().includes('serving on')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.on('exit', (code) => reject(new Error(`sim:serve exited with ${code}`)));
  });
  return child;
}

const port = await freePort();
const url = `http://127.0.0.1:${port}`;
const server = await startServer(port);
const env = {
  ...process.env,
  AWS_ENDPOINT_URL: url,
  AWS_ACCESS_KEY_ID: 'sim',
  AWS_SECRET_ACCESS_KEY: 'sim',
  AWS_REGION: 'eu-west-1',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  SLS_TELEMETRY_DISABLED: '1',
  // The functions follow the account's clock when the control endpoint moves it on.
  HFC_SIM_CLOCK_FILE: resolve('.sim', `clock-${port}`),
  NODE_OPTIONS: `--require ${resolve('scripts', 'sim-clock.cjs')}`,
};

const control = async (method: string, path: string) => {
  const res = await fetch(`${url}${path}`, { method });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return res.json();
};
const state = () => control('GET', '/_sim/state') as Promise<State>;

function invoke(fn: string, event: string): { out: string; ok: boolean } {
  // timeout: an invoke local that hangs must fail the run, not stall it (docs/toolchain notes).
  const r = spawnSync('timeout', ['180', 'npx', 'serverless', 'invoke', 'local', '-f', fn, '-p', `events/${event}.json`], { env, encoding: 'utf8' });
  return { out: `${r.stdout}${r.stderr}`, ok: r.status === 0 };
}

const fleet = (s: State) => s.fleets[0]!;
const node = (s: State, id: string) => fleet(s).instances.find((i) => i.instanceId === id);
const recordOf = (s: State, id: string) => fleet(s).records.find((r) => r.setIdentifier.endsWith(id));
const homeOf = (s: State, id: string) => fleet(s).elasticIps.find((e) => e.tags['hfc:home'] === id);

interface Step {
  event?: string;
  fn?: string;
  prepare?: boolean;
  advance?: number;
  /** What must hold afterwards, as problems (empty: it holds), and what to print. */
  check: (s: State, out: string) => { problems: string[]; said: string };
}

const steps: Step[] = [
  {
    event: 'sns-test-notification',
    fn: 'lifecycle',
    check: (_s, out) => ({ problems: /"status": "ignored"/.test(out) ? [] : ['not acknowledged and ignored'], said: 'acknowledged and ignored' }),
  },
  {
    event: 'sns-lifecycle-launching',
    fn: 'lifecycle',
    check: (s) => {
      const n = node(s, SAMPLE);
      const r = recordOf(s, SAMPLE);
      // Completed: Pending:Proceed, then InService a moment later.
      const completed = n?.lifecycleState === 'InService' || n?.lifecycleState === 'Pending:Proceed';
      const problems = [...(completed ? [] : [`${SAMPLE} is ${n?.lifecycleState}: its launch was not completed`]), ...(r ? [] : [`no record for ${SAMPLE}`])];
      return { problems, said: `launch completed (${n?.lifecycleState}), record ${r?.setIdentifier} -> ${r?.values.join(',')}` };
    },
  },
  {
    event: 'eventbridge-lifecycle-launching',
    fn: 'lifecycle',
    check: (s, out) => ({
      problems: /"status": "ignored"/.test(out) && recordOf(s, SAMPLE) ? [] : ['the duplicate launch was not ignored'],
      said: 'the same launch again: ignored, nothing changed',
    }),
  },
  {
    event: 'scheduled',
    fn: 'reconcile',
    check: (s) => ({
      problems: fleet(s).records.length === 3 ? [] : [`${fleet(s).records.length} records, expected the 3 nodes'`],
      said: `the nodes already in service registered too: ${fleet(s).records.length} records, ${s.alarms.length} alarms`,
    }),
  },
  {
    event: 'alarm-sns-alarm',
    fn: 'alarm',
    prepare: true,
    check: (s) => {
      const e = homeOf(s, SAMPLE);
      return {
        problems: e?.associatedWith && e.associatedWith !== SAMPLE ? [] : [`${e?.publicIp} still on ${e?.associatedWith}`],
        said: `ALARM: ${e?.publicIp} moved to ${e?.associatedWith}`,
      };
    },
  },
  {
    event: 'alarm-eventbridge-ok',
    fn: 'alarm',
    prepare: true,
    check: (s) => {
      const e = homeOf(s, SAMPLE);
      return {
        problems: e?.associatedWith !== SAMPLE ? [] : ['moved home before the hold-down'],
        said: `OK: ${e?.publicIp} stays on ${e?.associatedWith} for the hold-down`,
      };
    },
  },
  {
    advance: 61,
    event: 'scheduled',
    fn: 'reconcile',
    check: (s) => {
      const e = homeOf(s, SAMPLE);
      return {
        problems: e?.associatedWith === SAMPLE ? [] : [`${e?.publicIp} is on ${e?.associatedWith}, not home`],
        said: `61 s later, the schedule: ${e?.publicIp} home on ${e?.associatedWith}`,
      };
    },
  },
  {
    event: 'alarm-lambda-action-alarm',
    fn: 'alarm',
    prepare: true,
    check: (s) => {
      const e = homeOf(s, SAMPLE);
      return {
        problems: e?.associatedWith && e.associatedWith !== SAMPLE ? [] : ['the address did not move'],
        said: `ALARM (Lambda alarm action): ${e?.publicIp} moved to ${e?.associatedWith}`,
      };
    },
  },
  ...['ec2-rebalance-recommendation', 'ec2-spot-interruption-warning', 'ec2-state-change-stopping'].map(
    (event): Step => ({
      event,
      fn: 'alarm',
      prepare: true,
      check: (_s, out) => {
        const handled = /"status": "handled"/.test(out);
        const reason = /"reason": "([^"]*)"/.exec(out)?.[1] ?? '';
        return {
          problems: handled || event === 'ec2-rebalance-recommendation' ? [] : [`not acted on: ${reason}`],
          said: `${handled ? 'handled' : 'ignored'}: ${reason}`,
        };
      },
    }),
  ),
  {
    event: 'sns-lifecycle-terminating',
    fn: 'lifecycle',
    prepare: true,
    check: (s) => ({
      problems: recordOf(s, SAMPLE) ? [`${SAMPLE} still has a record`] : [],
      said: `scaled in (${node(s, SAMPLE)?.lifecycleState}): deregistered, draining`,
    }),
  },
  {
    event: 'eventbridge-lifecycle-terminating',
    fn: 'lifecycle',
    prepare: true,
    check: (s) => ({ problems: [], said: `the same termination again: ${node(s, SAMPLE)?.lifecycleState}` }),
  },
  {
    advance: 301,
    event: 'scheduled',
    fn: 'reconcile',
    check: (s) => {
      const n = node(s, SAMPLE);
      return {
        problems: !n || /Terminat(ing:Proceed|ed)/.test(n.lifecycleState) ? [] : [`${SAMPLE} is ${n.lifecycleState}: its termination was not let go`],
        said: `after the drain, the schedule lets the termination go: ${n?.lifecycleState ?? 'gone'}`,
      };
    },
  },
  {
    event: 'ec2-state-change-shutting-down',
    fn: 'alarm',
    prepare: true,
    check: (_s, out) => ({ problems: [], said: /"reason": "([^"]*)"/.exec(out)?.[1] ?? /"status": "(\w+)"/.exec(out)?.[1] ?? '' }),
  },
];

let failed = 0;
try {
  for (const step of steps) {
    if (step.advance) await control('POST', `/_sim/advance?seconds=${step.advance}`);
    if (step.prepare) await control('POST', `/_sim/prepare?event=events/${step.event}.json`);
    const started = Date.now();
    const { out, ok } = invoke(step.fn!, step.event!);
    const { problems, said } = step.check(await state(), out);
    const all = ok ? problems : [`serverless invoke local failed:\n${out.slice(-3000)}`, ...problems];
    const secs = ((Date.now() - started) / 1000).toFixed(1);
    console.log(`${all.length ? 'FAIL' : 'ok  '} ${step.advance ? `+${step.advance}s ` : ''}${step.fn} ${step.event} (${secs} s): ${said}`);
    for (const p of all) console.log(`       ${p}`);
    failed += all.length ? 1 : 0;
    if (all.length) break;
  }
} finally {
  process.kill(-server.pid!, 'SIGTERM');
}
if (failed) {
  console.error('invoke:samples: FAILED');
  process.exit(1);
}
console.log(`invoke:samples: all ${steps.length} steps held (every sample event in events/ through serverless invoke local against the served account)`);
