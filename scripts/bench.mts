/**
 * `npm run bench`: what a reconcile costs as the fleet grows, on the simulated account.
 *
 * For each fleet size N: N nodes launch at once and their N lifecycle events are delivered one
 * after another (the lifecycle function runs with reserved concurrency 1). Reported: AWS calls
 * (all / mutating), ChangeResourceRecordSets batches, the wall time until every launch was
 * completed with CONTINUE, and the cost of a reconcile of the converged fleet.
 *
 * Every simulated AWS call is given a fixed latency (default 30 ms, `--latency MS`) so the wall
 * times reflect the number of sequential round trips, not the simulation's own speed.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { FleetWorld, GROUP } from '../test/harness/fleetWorld';
import { conditions, saveResults } from './results.mjs';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const latency = arg('latency', 30);
const sizes = process.argv.includes('--quick') ? [3, 10] : [3, 10, 25, 50, 100];

interface Row {
  nodes: number;
  calls: number;
  mutating: number;
  batches: number;
  'first event (s)': string;
  'all events (s)': string;
  'converged calls': number;
  'converged (s)': string;
}

const ran = conditions();
const rows: Row[] = [];
for (const n of sizes) {
  const world = new FleetWorld({ seed: n, logger: new Logger({ logLevel: 'SILENT' }) });
  world.account.autoScaling.takeNotifications();
  world.account.route53.healthCheckLimit = 1000; // measure the algorithm, not the default quota of 200
  world.account.faults.latency({ ms: latency });
  world.account.autoScaling.scaleOut(GROUP, n);
  const events = world.account.autoScaling.takeNotifications();

  const mark = world.account.mark();
  const t0 = performance.now();
  await world.deliver(events[0]!);
  const first = performance.now() - t0;
  for (const e of events.slice(1)) await world.deliver(e);
  const all = performance.now() - t0;
  const calls = world.account.callsSince(mark);
  world.account.advance(1);
  if (world.convergenceProblems().length > 0) throw new Error(`N=${n} did not converge: ${world.convergenceProblems().join('; ')}`);

  const m2 = world.account.mark();
  const t1 = performance.now();
  await world.schedule();
  const converged = performance.now() - t1;

  rows.push({
    nodes: n,
    calls: calls.length,
    mutating: calls.filter((c) => !/^(Describe|List|Get)/.test(c.op)).length,
    batches: calls.filter((c) => c.op === 'ChangeResourceRecordSets').length,
    'first event (s)': (first / 1000).toFixed(2),
    'all events (s)': (all / 1000).toFixed(2),
    'converged calls': world.account.callsSince(m2).length,
    'converged (s)': (converged / 1000).toFixed(2),
  });
}

console.log(`scale-out of N nodes at once, events delivered serially, ${latency} ms per simulated AWS call`);
console.table(rows);
console.log('first event: its reconcile registers every new node and completes every launch with CONTINUE.');
console.log('On real AWS, CreateHealthCheck refills at one per 2 s after a burst of 50 (docs/aws-facts.md, Route 53: API throttling):');
console.log('a scale-out of more than 50 nodes at once is bounded by that, not by these round trips.');
saveResults('bench', { conditions: ran, latencyMs: latency, rows }, { partial: process.argv.includes('--quick') || latency !== 30 });
