/** Scale out and in, through both transports, with the real handlers on the simulated account. */
import { describe, expect, it } from 'vitest';
import { setIdentifier } from '../../lib/plan/naming';
import { FleetWorld, GROUP, type Via } from '../harness/fleetWorld';

function launchedWorld(via: Via, count: number) {
  const world = new FleetWorld({ via });
  world.account.autoScaling.takeNotifications(); // the hooks' test notifications (SNS only)
  const ids = world.account.autoScaling.scaleOut(GROUP, count);
  return { world, ids };
}

describe.each(['sns', 'eventbridge'] as const)('via %s', (via) => {
  it('scale out 0 -> 3: each node gets a record and a check before CONTINUE', async () => {
    // Prepare
    const { world, ids } = launchedWorld(via, 3);

    // Act
    await world.deliverAll();
    world.account.advance(1);

    // Assess
    expect(world.convergenceProblems()).toEqual([]);
    expect(
      world
        .dnsTable()
        .map((r) => r.setIdentifier)
        .sort(),
    ).toEqual(ids.map((id) => setIdentifier(world.fleet, id)).sort());
    expect(world.nodes().every((n) => n.state === 'InService')).toBe(true);
    // CONTINUE only after the record batch: every completion comes after the ChangeResourceRecordSets.
    const change = world.account.calls.findIndex((c) => c.op === 'ChangeResourceRecordSets' && !c.error);
    const firstComplete = world.account.calls.findIndex((c) => c.op === 'CompleteLifecycleAction');
    expect(change).toBeGreaterThan(-1);
    expect(firstComplete).toBeGreaterThan(change);
  });

  it('scale in 3 -> 1: leaving nodes lose record and check, drain, and only then continue terminating', async () => {
    // Prepare
    const { world, ids } = launchedWorld(via, 3);
    await world.deliverAll();
    world.account.advance(1);
    const [keep, ...leave] = ids;

    // Act: the terminate events
    for (const id of leave) world.account.autoScaling.terminate(id!);
    await world.deliverAll();

    // Assess: out of DNS at once, but still running through the deregistration delay
    expect(world.dnsTable().map((r) => r.setIdentifier)).toEqual([setIdentifier(world.fleet, keep!)]);
    expect(world.ourHealthChecks().map((h) => h.instanceId)).toEqual([keep]);
    expect(
      world
        .nodes()
        .filter((n) => n.state === 'Terminating:Wait')
        .map((n) => n.instanceId)
        .sort(),
    ).toEqual([...leave].sort());
    for (const id of leave) expect(world.account.ec2.instance(id!)?.tags['hfc:deregistered-at']).toBe(world.account.now().toISOString());

    // Act: the delay passes; the schedule releases them
    const [report] = await world.drain();

    // Assess
    expect(report?.completions.map((c) => [c.instanceId, c.transition, c.outcome]).sort()).toEqual(leave.map((id) => [id, 'terminating', 'completed']).sort());
    expect(world.nodes().map((n) => n.instanceId)).toEqual([keep]);
    expect(world.convergenceProblems()).toEqual([]);
    for (const id of leave) expect(world.account.ec2.instance(id!)?.state).toBe('terminated');
    // Order, per leaving node: its record DELETE and its check deletion before its CONTINUE.
    const calls = world.account.calls;
    for (const id of leave) {
      const deleted = calls.findIndex(
        (c) => c.op === 'ChangeResourceRecordSets' && !c.error && JSON.stringify(c.input).includes(`"DELETE"`) && JSON.stringify(c.input).includes(id!),
      );
      const checkGone = calls.findIndex((c) => c.op === 'DeleteHealthCheck' && !c.error);
      const released = calls.findIndex((c) => {
        const input = c.input as { InstanceId?: string; LifecycleHookName?: string };
        return c.op === 'CompleteLifecycleAction' && input.InstanceId === id && input.LifecycleHookName === world.fleet.lifecycleHooks.terminating.name;
      });
      expect(deleted).toBeGreaterThan(-1);
      expect(released).toBeGreaterThan(Math.max(deleted, checkGone));
    }
  });

  it('a deregistration delay of 0 continues the termination in the same run', async () => {
    // Prepare
    const world = new FleetWorld({ via, dns: { deregistrationDelaySeconds: 0 } });
    world.account.autoScaling.takeNotifications();
    const [id] = world.account.autoScaling.scaleOut(GROUP, 1);
    await world.deliverAll();
    world.account.advance(1);

    // Act
    world.account.autoScaling.terminate(id!);
    await world.deliverAll();
    world.account.advance(1);

    // Assess
    expect(world.nodes()).toEqual([]);
    expect(world.convergenceProblems()).toEqual([]);
  });
});

it('the first launch event of a scale-out registers every new node in one batch (docs/operations.md, AWS calls per run)', async () => {
  // Prepare
  const { world } = launchedWorld('sns', 3);
  const [first] = world.account.autoScaling.takeNotifications();

  // Act
  const mark = world.account.mark();
  await world.deliver(first!);

  // Assess
  const ops = world.account.callsSince(mark).map((c) => c.op);
  expect(ops).toHaveLength(15); // with DescribeAutoScalingInstances for the event's instance (late.ts)
  expect(ops.filter((op) => op === 'ChangeResourceRecordSets')).toHaveLength(1);
  expect(ops.filter((op) => op === 'CreateHealthCheck')).toHaveLength(3);
  expect(ops.filter((op) => op === 'CompleteLifecycleAction')).toHaveLength(3);
  expect(ops.filter((op) => !/^(Describe|List|Get)/.test(op))).toHaveLength(10);
});

it('a second reconcile of a converged fleet makes zero mutating calls', async () => {
  // Prepare
  const { world } = launchedWorld('sns', 3);
  await world.deliverAll();
  world.account.advance(1);
  await world.schedule();

  // Act
  const mark = world.account.mark();
  const [report] = await world.schedule();

  // Assess
  const calls = world.account.callsSince(mark);
  expect(calls.filter((c) => !/^(Describe|List|Get)/.test(c.op))).toEqual([]);
  expect(calls.map((c) => c.op).sort()).toEqual([
    'DescribeAutoScalingGroups',
    'DescribeInstances',
    'ListHealthChecks',
    'ListResourceRecordSets',
    // No ListTagsForResources: a warm container has read these checks' tags already (tags are
    // for people; ownership rests on the CallerReference, read with every ListHealthChecks).
  ]);
  expect(report?.actions).toEqual([]);
});
