/**
 * `npm run invoke:samples`: every sample event in events/ through `serverless invoke local`
 * against the served simulated account (`npm run sim:serve`, started here on a free port), in an
 * order that tells one node's story, checking after each what AWS would then hold: the launch
 * completed and the node in DNS, its Elastic IP moved to a peer on ALARM and home after OK and
 * the hold-down, Spot and stop announcements acted on, the node deregistered, drained and its
 * termination let go. CI runs it (.ci/run); it fails on the first step that does not hold.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { freePort } from '../test/haproxy/live';
import { runStory, steps } from './sampleStory.mjs';

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

function invoke(fn: string, event: string): { out: string; ok: boolean } {
  // timeout: an invoke local that hangs must fail the run, not stall it (docs/toolchain notes).
  const r = spawnSync('timeout', ['180', 'npx', 'serverless', 'invoke', 'local', '-f', fn, '-p', `events/${event}.json`], { env, encoding: 'utf8' });
  return { out: `${r.stdout}${r.stderr}`, ok: r.status === 0 };
}

let problems: string[] = [];
try {
  problems = await runStory({
    control,
    invoke: async (fn, event) => invoke(fn, event),
    log: (line) => console.log(line),
  });
} finally {
  process.kill(-server.pid!, 'SIGTERM');
}
if (problems.length) {
  console.error('invoke:samples: FAILED');
  process.exit(1);
}
console.log(`invoke:samples: all ${steps.length} steps held (every sample event in events/ through serverless invoke local against the served account)`);
