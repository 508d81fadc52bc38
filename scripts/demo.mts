/**
 * `npm run demo`: a scripted story on the simulated AWS account, run through the real handlers.
 * A fleet with one node that predates the hooks, and a pool of Elastic IPs, is picked up by the
 * schedule, scales out (one event arrives twice), has a node fail and recover (its Elastic IP
 * moves to a healthy peer and, after the hold-down, back), loses a node (deregistered at once,
 * its address moved, released after the deregistration delay), and has a record deleted by hand
 * that the schedule repairs. Prints each event, each planned change, each address move, each
 * lifecycle action completed, the AWS calls of each step, where every Elastic IP is after each
 * step, and the Route 53 table at the end.
 */
import type { AlarmOutcome } from '../lib/handlers/alarm';
import type { MessageOutcome } from '../lib/handlers/lifecycle';
import type { AddressAction } from '../lib/plan/addressTypes';
import { formatReason } from '../lib/plan/reasons';
import type { FleetReport } from '../lib/reconcile/reconcileFleet';
import type { LifecycleNotification, TestNotification } from '../sim/autoscaling';
import { FailoverWorld } from '../test/harness/failoverWorld';
import { GROUP } from '../test/harness/fleetWorld';
import { configDemo } from './demoConfig.mjs';

const world = new FailoverWorld({ seed: 2026, preexisting: 1, via: 'sns', eips: 4 });
const { account } = world;
let step = 0;

function describeEvent(n: LifecycleNotification | TestNotification): string {
  if ('Event' in n) return `SNS  autoscaling:TEST_NOTIFICATION for ${n.AutoScalingGroupName}`;
  const t = n.LifecycleTransition.endsWith('LAUNCHING') ? 'LAUNCHING  ' : 'TERMINATING';
  return `SNS  ${t} ${n.EC2InstanceId} (hook ${n.LifecycleHookName})`;
}

function printMoves(actions: AddressAction[]): void {
  for (const a of actions) {
    if (a.kind === 'associateAddress')
      console.log(
        `       move: ${a.publicIp} ${a.from ? `${a.from.instanceId}/${a.from.privateIp}` : 'unassociated'} -> ${a.to.instanceId}/${a.to.privateIp}  (${formatReason(a.reason)})`,
      );
    else if (a.kind === 'claimAddress') console.log(`      claim: ${a.allocationId} for ${a.instanceId}`);
    else if (a.kind === 'releaseAddress') console.log(`    release: ${a.allocationId} from ${a.instanceId}  (${formatReason(a.reason)})`);
    else console.log(`       ips: ${a.count} secondary private IP(s) for ${a.instanceId}`);
  }
}

function printReport(r: FleetReport): void {
  printMoves(r.addressActions);
  for (const a of r.alarmActions)
    console.log(`      alarm: ${a.kind === 'putAlarm' ? `create ${a.spec.name}` : `delete ${a.name}`}  (${formatReason(a.reason)})`);
  if (r.actions.length === 0) console.log('       plan: no DNS change');
  for (const a of r.actions) {
    const what = a.kind === 'createRecord' || a.kind === 'updateRecord' ? ` ${a.record.values.join(',')} weight ${a.record.weight}` : '';
    console.log(`       plan: ${a.kind.padEnd(17)} ${a.instanceId}${what}  (${formatReason(a.reason)})`);
  }
  for (const w of r.waiting) console.log(`       wait: ${w.instanceId}: ${formatReason(w.reason)}`);
  for (const d of r.draining) console.log(`      drain: ${d.instanceId} keeps running until ${d.until} at the latest (deregistration delay, then its drain)`);
  for (const c of r.completions) console.log(`       hook: ${c.transition} action of ${c.instanceId} -> CONTINUE (${c.outcome})`);
}

function printOutcomes(outcomes: MessageOutcome[]): void {
  for (const o of outcomes) {
    if (o.status === 'ignored') console.log(`       ignored: ${o.reason}`);
    else if (o.status === 'reconciled') printReport(o.report);
  }
}

async function chapter(title: string, body: () => Promise<void>): Promise<void> {
  step += 1;
  console.log(`\n[${step}] ${title}`);
  const mark = account.mark();
  await body();
  const calls = account.callsSince(mark);
  const byOp = new Map<string, number>();
  for (const c of calls) byOp.set(c.op, (byOp.get(c.op) ?? 0) + 1);
  const mutating = calls.filter((c) => !/^(Describe|List|Get)/.test(c.op)).length;
  const failed = calls.filter((c) => c.error).length;
  console.log(
    `     AWS calls: ${calls.length} (${mutating} mutating${failed ? `, ${failed} failed and retried` : ''})  ${[...byOp].map(([op, n]) => `${op} x${n}`).join(', ')}`,
  );
  console.log(
    `     Elastic IPs: ${world
      .eipTable()
      .map((e) => `${e.publicIp} home ${e.home} on ${e.holder === '-' ? 'nothing' : `${e.holder}/${e.privateIp}`}`)
      .join('; ')}`,
  );
}

async function alarms(): Promise<void> {
  for (const o of (await world.deliverAlarms()) as AlarmOutcome[]) {
    console.log(`  -> event: SNS  alarm ${o.status === 'handled' ? `${o.report.instanceId} is ${o.report.alarmState}` : o.alarm}`);
    if (o.status === 'ignored') console.log(`       ignored: ${o.reason}`);
    else if (o.report.actions.length === 0) console.log('       plan: addresses already where they belong');
    else printMoves(o.report.actions);
    if (o.status === 'handled') for (const st of o.report.stuck) console.log(`      stuck: ${st.allocationId}: ${formatReason(st.reason)}`);
  }
}

async function deliver(n: LifecycleNotification | TestNotification): Promise<void> {
  console.log(`  -> event: ${describeEvent(n)}`);
  printOutcomes(await world.deliver(n));
}

async function schedule(): Promise<void> {
  console.log('  -> event: EventBridge Scheduled Event (reconcile every fleet)');
  for (const r of await world.schedule()) printReport(r);
}

console.log('haproxy-fleet-control demo on the simulated AWS account');
console.log(`fleet "${world.fleet.name}": group ${GROUP}, weighted A records ${world.fleet.dns.recordName} in zone ${world.zoneId}`);
console.log("configuration: the demo's own, not fleet.config.json: a pool of 4 Elastic IPs with managed alarms (like docs/fleet.config.elastic-ip.json);");
console.log('part two adds an haproxy section with an application group (like docs/fleet.config.haproxy.json)');
console.log(`node ${world.preexisting[0]} was InService before the lifecycle hooks existed`);

await chapter('The hooks are created; Auto Scaling sends its test notifications', async () => {
  for (const n of account.autoScaling.takeNotifications()) await deliver(n);
});

await chapter('The schedule runs: the node no hook told us about is registered', schedule);

await chapter('The group scales out by 3; one launch notification is delivered twice', async () => {
  account.autoScaling.scaleOut(GROUP, 3);
  const events = account.autoScaling.takeNotifications();
  for (const n of [...events, events[1]!]) await deliver(n);
  account.advance(1);
  console.log(
    `     group now: ${world
      .nodes()
      .map((n) => `${n.instanceId} ${n.state}`)
      .join(', ')}`,
  );
});

const failing = world.nodes()[2]!.instanceId;
await chapter(`Node ${failing} fails: its alarm goes to ALARM, its Elastic IP moves to a healthy peer`, async () => {
  world.fail(failing);
  await alarms();
});

await chapter(`It recovers 20 s later: inside the ${world.fleet.elasticIps!.failbackHoldDownSeconds} s hold-down its address stays on the peer`, async () => {
  account.advance(20);
  world.recover(failing);
  await alarms();
});

await chapter('The hold-down is over: the scheduled run moves the address home', async () => {
  account.advance(world.fleet.elasticIps!.failbackHoldDownSeconds);
  await schedule();
});

await chapter('The group scales in: one node terminates; it leaves DNS at once, its address moves, it drains', async () => {
  account.autoScaling.terminate(world.nodes()[1]!.instanceId);
  for (const n of account.autoScaling.takeNotifications()) await deliver(n);
  console.log(
    `     group now: ${world
      .nodes()
      .map((n) => `${n.instanceId} ${n.state}`)
      .join(', ')}`,
  );
});

await chapter(`${world.fleet.dns.deregistrationDelaySeconds} s later the schedule releases the drained node`, async () => {
  account.advance(world.fleet.dns.deregistrationDelaySeconds);
  await schedule();
  account.advance(1);
  console.log(
    `     group now: ${world
      .nodes()
      .map((n) => `${n.instanceId} ${n.state}`)
      .join(', ')}`,
  );
});

await chapter('An operator deletes a record by hand; the next scheduled run restores it', async () => {
  const victim = world.dnsTable()[0]!;
  account.route53.deleteRecordByHand(world.zoneId, victim.name, 'A', victim.setIdentifier);
  console.log(`  -> by hand: DELETE ${victim.setIdentifier}`);
  await schedule();
});

await chapter('The schedule runs again on a converged fleet', schedule);

console.log('\nRoute 53 at the end:');
console.table(
  world.dnsTable().map((r) => ({ name: r.name, 'set identifier': r.setIdentifier, weight: r.weight, value: r.value, 'health check': r.healthCheckId })),
);
const problems = world.convergenceProblems();
console.log(
  problems.length === 0
    ? 'Converged: every InService node has exactly one record and one health check; nothing else of ours exists.'
    : `NOT converged:\n  ${problems.join('\n  ')}`,
);
const configOk = await configDemo();
process.exitCode = problems.length === 0 && configOk ? 0 : 1;
