/** Scale out and in, through both transports, with the real handlers on the simulated account. */
import { describe, expect, it } from 'vitest';
import { FleetWorld, GROUP, type Via } from '../../sim/fleetWorld';

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
    expect(world.dnsTable().map((r) => r.setIdentifier).sort()).toEqual(ids.map((id) => `hfc:edge:${id}`).sort());
    expect(world.nodes().every((n) => n.state === 'InService')).toBe(true);
    // CONTINUE only after the record batch: every completion comes after the ChangeResourceRecordSets.
    const change = world.account.calls.findIndex((c) => c.op === 'ChangeResourceRecordSets' && !c.error);
    const firstComplete = world.account.calls.findIndex((c) => c.op === 'CompleteLifecycleAction');
    expect(change).toBeGreaterThan(-1);
    expect(firstComplete).toBeGreaterThan(change);
  });

  it('scale in 3 -> 1: leaving nodes lose record and check before their termination continues', async () => {
    // Prepare
    const { world, ids } = launchedWorld(via, 3);
    await world.deliverAll();
    world.account.advance(1);
    const [keep, ...leave] = ids;

    // Act
    for (const id of leave) world.account.autoScaling.terminate(id);
    expect(world.nodes().filter((n) => n.state === 'Terminating:Wait')).toHaveLength(2);
    await world.deliverAll();
    world.account.advance(1);

    // Assess
    expect(world.nodes().map((n) => n.instanceId)).toEqual([keep]);
    expect(world.dnsTable().map((r) => r.setIdentifier)).toEqual([`hfc:edge:${keep}`]);
    expect(world.ourHealthChecks().map((h) => h.instanceId)).toEqual([keep]);
    expect(world.convergenceProblems()).toEqual([]);
    for (const id of leave) expect(world.account.ec2.instance(id)?.state).toBe('terminated');
  });
});

it('the first launch event of a scale-out registers every new node in one batch (README call budget)', async () => {
  // Prepare
  const { world } = launchedWorld('sns', 3);
  const [first] = world.account.autoScaling.takeNotifications();

  // Act
  const mark = world.account.mark();
  await world.deliver(first!);

  // Assess
  const ops = world.account.callsSince(mark).map((c) => c.op);
  expect(ops).toHaveLength(14);
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
  expect(calls.map((c) => c.op).sort()).toEqual(['DescribeAutoScalingGroups', 'DescribeInstances', 'ListHealthChecks', 'ListResourceRecordSets', 'ListTagsForResources']);
  expect(report?.actions).toEqual([]);
});
