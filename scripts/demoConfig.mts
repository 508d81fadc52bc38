/**
 * Part two of `npm run demo`: the HAProxy configuration follows the fleet. Three load balancers
 * launch (each receives its configuration through SSM Run Command before its launch completes),
 * then the application tier scales out by two: one command pushes the new configuration to every
 * load balancer, and the new servers are put in service only after that. Then a server is scaled
 * in while it still has sessions and a long-lived stream runs through another: it is drained
 * (weight 0) on every load balancer, measured until its sessions end, then removed and let go,
 * all at run time (no reload), the long stream untouched. Prints the diff each node receives and
 * the calls each step made.
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

  // A long-lived client stream runs through one server; the application tier scales in another.
  const [streaming, leaving] = [added[0]!, world.appServers().find((id) => id !== added[0])!];
  const first = lbs[0]!;
  world.node(first).setSessions(streaming, 1);
  world.node(first).setSessions(leaving, 2);
  const paths = () => lbs.map((id) => `${id}: ${world.node(id).reloads} reload(s), ${world.node(id).runtimeApplies} change(s) at run time`).join('; ');
  const stream = () =>
    `the long stream through ${streaming} on ${first}: ${world.node(first).sessionsOf(streaming)} session, ${world.node(first).cut.size ? 'CUT' : 'untouched'}`;
  console.log(`\n     so far: ${paths()}`);
  const reloadsBefore = lbs.map((id) => world.node(id).reloads);

  mark = account.mark();
  account.advance(1);
  account.autoScaling.terminate(leaving);
  const pendingOf = (reports: { pending: { instanceId: string; reason: { code: string; message: string } }[] }[]) =>
    reports.flatMap((r) => r.pending).find((p) => p.instanceId === leaving);
  const [outcome] = await world.deliverAll();
  const started = outcome?.status === 'reconciled' ? pendingOf([outcome.report]) : undefined;
  console.log(`\n[D] the application tier scales in ${leaving} (2 sessions on ${first}): ${calls(mark)}`);
  console.log(`     it is put in drain on every load balancer: ${lbs.map((id) => `${id} weight ${world.node(id).servers().get(leaving)}`).join(', ')}`);
  console.log(`     waits: ${started ? `${started.reason.message} [${started.reason.code}]` : '(not waiting?)'}`);

  mark = account.mark();
  account.advance(60);
  const busy = pendingOf(await world.schedule());
  console.log(`\n[E] a minute later the schedule measures the load balancers (SSM, no port opened): ${calls(mark)}`);
  console.log(`     waits: ${busy ? `${busy.reason.message} [${busy.reason.code}]` : '(not waiting?)'}`);

  mark = account.mark();
  world.node(first).setSessions(leaving, 0);
  account.advance(60);
  await world.schedule();
  account.advance(1);
  const gone = !world.appServers().includes(leaving) && lbs.every((id) => !world.serversOn(id).includes(leaving));
  console.log(`\n[F] its sessions have ended; the next run removes it and lets it go: ${calls(mark)}`);
  console.log(`     ${leaving}: ${gone ? 'removed from every load balancer, terminated' : 'STILL THERE'}`);
  console.log(`     ${stream()}`);
  console.log(`     ${paths()}`);
  const noReload = lbs.every((id, i) => world.node(id).reloads === reloadsBefore[i]);
  console.log(noReload ? 'Application servers came and went without a single reload.' : 'A RELOAD happened for a server-only change');
  return same && gone && noReload && world.node(first).sessionsOf(streaming) === 1 && world.node(first).cut.size === 0;
}
