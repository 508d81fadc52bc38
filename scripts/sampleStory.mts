/**
 * One node's story told with the sample events in events/, each step with what AWS must hold
 * afterwards: launched and registered, its Elastic IP moved to a peer on ALARM and home after OK
 * and the hold-down, announced ends (Spot, rebalance, stop) acted on, scaled in, deregistered,
 * drained and its termination let go. Run through `serverless invoke local` by
 * scripts/invoke-samples.mts (CI) and through the handlers in-process by
 * test/scenario/served.test.ts, both against the served account (`/_sim/state` is what is checked).
 */

export type State = {
  now: string;
  fleets: {
    group: string;
    instances: { instanceId: string; lifecycleState: string; ec2State: string }[];
    records: { setIdentifier: string; values: string[] }[];
    elasticIps: { publicIp: string; associatedWith?: string; tags: Record<string, string> }[];
  }[];
  alarms: { name: string; state: string }[];
};

/** The instance the sample events name. */
export const SAMPLE = 'i-0a1b2c3d4e5f60718';

export interface Step {
  event: string;
  fn: 'lifecycle' | 'reconcile' | 'alarm';
  /** Make what the event announces true first (POST /_sim/prepare). */
  prepare?: boolean;
  /** Move the account's clock on first, in seconds. */
  advance?: number;
  /** What must hold afterwards, as problems (empty: it holds), and what to print. */
  check: (s: State, out: string) => { problems: string[]; said: string };
}

const fleet = (s: State) => s.fleets[0]!;
const node = (s: State, id: string) => fleet(s).instances.find((i) => i.instanceId === id);
const recordOf = (s: State, id: string) => fleet(s).records.find((r) => r.setIdentifier.endsWith(id));
const homeOf = (s: State, id: string) => fleet(s).elasticIps.find((e) => e.tags['hfc:home'] === id);

export const steps: Step[] = [
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
  // The node is healthy and its address home: EC2 announces its end, and the address moves at once.
  ...['ec2-rebalance-recommendation', 'ec2-spot-interruption-warning', 'ec2-state-change-stopping'].map(
    (event, i): Step => ({
      event,
      fn: 'alarm',
      prepare: true,
      check: (s, out) => {
        const handled = /"status": "handled"/.test(out);
        const reason = /"reason": "([^"]*)"/.exec(out)?.[1] ?? '';
        // Its home address moves to a peer (a node that stays down gives the address a new home).
        const held = fleet(s).elasticIps.filter((e) => e.associatedWith === SAMPLE);
        const moved = fleet(s).elasticIps.find((e) => e.publicIp === '52.16.0.1');
        return {
          problems: [...(handled ? [] : [`not acted on: ${reason}`]), ...held.map((e) => `${e.publicIp} is still on ${SAMPLE}`)],
          said: `${handled ? 'handled' : 'ignored'}: ${reason}${i === 0 ? `; ${moved?.publicIp} moved to ${moved?.associatedWith}` : ''}`,
        };
      },
    }),
  ),
  {
    // The node, stopping, also fails its alarm (a Lambda alarm action this time): nothing of the pool comes back to it.
    event: 'alarm-lambda-action-alarm',
    fn: 'alarm',
    prepare: true,
    check: (s, out) => {
      const held = fleet(s).elasticIps.filter((e) => e.associatedWith === SAMPLE);
      const status = /"status": "(\w+)"/.exec(out)?.[1];
      return {
        problems: [...(status ? [] : ['no outcome']), ...held.map((e) => `${e.publicIp} is on ${SAMPLE}`)],
        said: `ALARM (Lambda alarm action): ${status}; no pool address on ${SAMPLE}`,
      };
    },
  },
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
    check: (s, out) => ({
      problems: [
        ...(node(s, SAMPLE)?.lifecycleState === 'Terminating:Wait' ? [] : [`${SAMPLE} is ${node(s, SAMPLE)?.lifecycleState}, not still draining`]),
        ...(recordOf(s, SAMPLE) ? [`${SAMPLE} has a record again`] : []),
        ...(/"status": "(reconciled|ignored)"/.test(out) ? [] : ['no outcome']),
      ],
      said: `the same termination again: ${node(s, SAMPLE)?.lifecycleState}, nothing undone`,
    }),
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
    check: (s, out) => ({
      problems: [...(/"status": "(handled|ignored)"/.test(out) ? [] : ['no outcome']), ...(recordOf(s, SAMPLE) ? [`${SAMPLE} has a record`] : [])],
      said: /"reason": "([^"]*)"/.exec(out)?.[1] ?? /"status": "(\w+)"/.exec(out)?.[1] ?? '',
    }),
  },
];

export interface StoryDriver {
  control(method: string, path: string): Promise<unknown>;
  /** Invokes a function with a sample event; `out` is its printed result (JSON, 4-space indent). */
  invoke(fn: string, event: string): Promise<{ out: string; ok: boolean }>;
  log(line: string): void;
}

/** Runs the steps in order; stops at the first that does not hold. Returns the problems. */
export async function runStory(driver: StoryDriver): Promise<string[]> {
  for (const step of steps) {
    if (step.advance) await driver.control('POST', `/_sim/advance?seconds=${step.advance}`);
    if (step.prepare) await driver.control('POST', `/_sim/prepare?event=events/${step.event}.json`);
    const started = Date.now();
    const { out, ok } = await driver.invoke(step.fn, step.event);
    const { problems, said } = step.check((await driver.control('GET', '/_sim/state')) as State, out);
    const all = ok ? problems : [`the invocation failed:\n${out.slice(-3000)}`, ...problems];
    const secs = ((Date.now() - started) / 1000).toFixed(1);
    driver.log(`${all.length ? 'FAIL' : 'ok  '} ${step.advance ? `+${step.advance}s ` : ''}${step.fn} ${step.event} (${secs} s): ${said}`);
    for (const p of all) driver.log(`       ${p}`);
    if (all.length) return all.map((p) => `${step.event}: ${p}`);
  }
  return [];
}
