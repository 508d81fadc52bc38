/**
 * Part two of `npm run demo`: the HAProxy configuration follows the fleet. Three load balancers
 * launch (each receives its configuration through SSM Run Command before its launch completes),
 * then the application tier scales out by two: one command pushes the new configuration to every
 * load balancer, and the new servers are put in service only after that. Prints the diff each
 * node receives and the calls each step made.
 */
import { APP_GROUP, ConfigWorld } from '../test/harness/configWorld';
import { GROUP } from '../test/harness/fleetWorld';

/** Lines removed (-) and added (+) between two configurations. */
function diff(before: string, after: string): string[] {
  const a = new Set(before.split('\n'));
  const b = new Set(after.split('\n'));
  return [...[...a].filter((l) => l.trim() && !b.has(l)).map((l) => `- ${l}`), ...[...b].filter((l) => l.trim() && !a.has(l)).map((l) => `+ ${l}`)];
}

export async function configDemo(): Promise<boolean> {
  const world = new ConfigWorld({ seed: 4 });
  const { account } = world;
  account.autoScaling.takeNotifications();
  const calls = (mark: number) => {
    const byOp = new Map<string, number>();
    for (const c of account.callsSince(mark)) byOp.set(c.op, (byOp.get(c.op) ?? 0) + 1);
    return [...byOp]
      .filter(([op]) => /SendCommand|GetCommandInvocation|CompleteLifecycleAction|DescribeInstanceInformation/.test(op))
      .map(([op, n]) => `${op} x${n}`)
      .join(', ');
  };

  console.log('\n=== Part 2: the HAProxy configuration follows the fleet (SSM Run Command) ===');
  console.log(`backend "app" takes its servers from Auto Scaling group ${APP_GROUP} (${world.appServers().length} servers)`);

  let mark = account.mark();
  const lbs = account.autoScaling.scaleOut(GROUP, 3);
  for (const n of account.autoScaling.takeNotifications()) await world.deliver(n);
  account.advance(1);
  console.log(`\n[A] 3 load balancers launch: ${calls(mark)}`);
  for (const id of lbs)
    console.log(
      `     ${id}: peers ${world.peersOn(id).length}, servers ${world.serversOn(id).length}, state ${world.nodes().find((n) => n.instanceId === id)?.state}`,
    );
  const before = new Map(lbs.map((id) => [id, world.running.get(id)!.text]));

  mark = account.mark();
  const added = account.autoScaling.scaleOut(APP_GROUP, 2);
  for (const n of account.autoScaling.takeNotifications()) await world.deliver(n);
  account.advance(1);
  console.log(`\n[B] the application tier scales out by 2 (${added.join(', ')}): ${calls(mark)}`);
  for (const id of lbs) {
    console.log(`     ${id} received version ${world.running.get(id)!.version}, digest ${world.running.get(id)!.digest.slice(0, 12)}:`);
    for (const line of diff(before.get(id)!, world.running.get(id)!.text)) console.log(`        ${line}`);
  }
  console.log(
    `     app servers now: ${account.autoScaling
      .instances(APP_GROUP)
      .map((i) => `${i.instanceId} ${i.state}`)
      .join(', ')}`,
  );

  mark = account.mark();
  await world.schedule();
  console.log(`\n[C] the schedule on an unchanged fleet: ${calls(mark) || 'no push'}`);
  const same = new Set(lbs.map((id) => world.running.get(id)!.digest)).size === 1;
  console.log(same ? 'Every load balancer runs the same configuration, with every peer and every app server.' : 'NOT converged: load balancers disagree');
  return same && added.every((id) => lbs.every((lb) => world.serversOn(lb).includes(id)));
}
