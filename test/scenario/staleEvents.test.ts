/**
 * Do no harm: a lifecycle event that contradicts Auto Scaling (a delayed replay, or a message
 * forged by whoever may publish to the topic) changes nothing, while a genuine event whose
 * describe lags is still honoured. Every "forged" test here fails on a build that trusts a
 * terminating or launching hint over DescribeAutoScalingGroups without confirming the action.
 */
import { describe, expect, it } from 'vitest';
import type { LifecycleNotification } from '../../sim/autoscaling';
import { APP_GROUP, ConfigWorld } from '../harness/configWorld';
import { eventBridgeEvent, snsEvent } from '../../sim/envelopes';
import { FailoverWorld } from '../harness/failoverWorld';
import { FleetWorld, GROUP, type Via } from '../harness/fleetWorld';
import type { SimAccount } from '../../sim/account';

type Transition = 'launching' | 'terminating';

/** A lifecycle notification nobody sent: Auto Scaling's shape, with a token it never issued. */
function forged(
  account: SimAccount,
  opts: { group?: string; hook: string; instanceId: string; transition: Transition; token?: string },
): LifecycleNotification {
  const launching = opts.transition === 'launching';
  return {
    Origin: launching ? 'EC2' : 'AutoScalingGroup',
    Destination: launching ? 'AutoScalingGroup' : 'EC2',
    LifecycleHookName: opts.hook,
    AccountId: account.accountId,
    RequestId: '00000000-0000-4000-8000-000000000000',
    LifecycleTransition: launching ? 'autoscaling:EC2_INSTANCE_LAUNCHING' : 'autoscaling:EC2_INSTANCE_TERMINATING',
    AutoScalingGroupName: opts.group ?? GROUP,
    Service: 'AWS Auto Scaling',
    Time: account.now().toISOString(),
    EC2InstanceId: opts.instanceId,
    LifecycleActionToken: opts.token ?? 'f0f0f0f0-0000-4000-8000-00000000f0f0',
  };
}

const envelope = (account: SimAccount, n: LifecycleNotification, via: Via) => (via === 'sns' ? snsEvent(account, n) : eventBridgeEvent(account, n));

/** Mutating calls that succeeded: what a rejected event must not have made. */
const changes = (account: SimAccount, mark: number) => account.callsSince(mark).filter((c) => !/^(Describe|List|Get)/.test(c.op) && !c.error);

describe.each(['sns', 'eventbridge'] as const)('a forged or stale lifecycle event (%s)', (via) => {
  it('terminating, for an InService node: rejected after one heartbeat, the node stays registered', async () => {
    // Prepare: two nodes in DNS
    const world = new FleetWorld({ via, preexisting: 2 });
    await world.schedule();
    const before = world.dnsTable();
    const [victim] = world.preexisting;

    // Act
    const mark = world.account.mark();
    const outcomes = await world.invokeLifecycle(
      envelope(world.account, forged(world.account, { hook: 'edge-hfc-terminating', instanceId: victim!, transition: 'terminating' }), via),
    );

    // Assess
    expect(outcomes).toEqual([
      { status: 'rejected', instanceId: victim, reason: expect.stringMatching(/shows instance .* InService.*no active terminating action/) },
    ]);
    expect(changes(world.account, mark)).toEqual([]);
    const asked = world.account.callsSince(mark).filter((c) => c.op === 'RecordLifecycleActionHeartbeat');
    expect(asked).toEqual([
      expect.objectContaining({
        input: { AutoScalingGroupName: GROUP, LifecycleHookName: 'edge-hfc-terminating', InstanceId: victim },
        error: 'ValidationError',
      }),
    ]);
    expect(world.dnsTable()).toEqual(before);
    expect(world.account.ec2.instance(victim!)?.tags['hfc:deregistered-at']).toBeUndefined();
  });

  it('launching, for a running instance outside the group: rejected, never registered', async () => {
    const world = new FleetWorld({ via, preexisting: 1 });
    await world.schedule();
    const stranger = world.account.ec2.runInstance({ availabilityZone: 'eu-west-1a', tags: {} }).instanceId;

    const mark = world.account.mark();
    const outcomes = await world.invokeLifecycle(
      envelope(world.account, forged(world.account, { hook: 'edge-hfc-launching', instanceId: stranger, transition: 'launching' }), via),
    );

    expect(outcomes).toEqual([expect.objectContaining({ status: 'rejected', reason: expect.stringContaining('does not list instance') })]);
    expect(changes(world.account, mark)).toEqual([]);
    expect(world.dnsTable().map((r) => r.setIdentifier)).not.toContainEqual(expect.stringContaining(stranger));
  });

  it('a replayed terminating event after the node was released changes nothing', async () => {
    const world = new FleetWorld({ via, preexisting: 2 });
    world.account.autoScaling.takeNotifications();
    await world.schedule();
    const [leaving] = world.preexisting;
    world.account.autoScaling.terminate(leaving!);
    const [n] = world.account.autoScaling.takeNotifications() as LifecycleNotification[];
    await world.deliver(n!);
    await world.drain();

    const mark = world.account.mark();
    const outcomes = await world.deliver(n!);

    // The instance is gone: the event is late, acknowledged after the first round trip (three
    // reads, nothing changed); the fleet stays converged.
    expect(outcomes).toEqual([{ status: 'ignored', reason: expect.stringContaining('has left the group') }]);
    expect(
      world.account
        .callsSince(mark)
        .map((c) => c.op)
        .sort(),
    ).toEqual(['DescribeAutoScalingInstances', 'ListHealthChecks', 'ListResourceRecordSets']);
    expect(changes(world.account, mark)).toEqual([]);
    expect(world.convergenceProblems()).toEqual([]);
  });
});

describe('a terminating event that arrives after its hook timed out', () => {
  it('is not "late" while the node still has its record: the run removes record and check at once', async () => {
    // Prepare: a node leaves; its event is held up until the hook has timed out and it is gone
    const world = new FleetWorld({ preexisting: 2 });
    world.account.autoScaling.takeNotifications();
    await world.schedule();
    const [leaving] = world.preexisting;
    world.account.autoScaling.terminate(leaving!);
    const [n] = world.account.autoScaling.takeNotifications() as LifecycleNotification[];
    world.account.advance(world.fleet.lifecycleHooks.terminating.heartbeatTimeoutSeconds + 1);
    world.account.advance(1);
    expect(world.nodes().map((x) => x.instanceId)).not.toContain(leaving);
    expect(world.dnsTable().map((r) => r.setIdentifier)).toContainEqual(expect.stringContaining(leaving!));

    // Act
    await world.deliver(n!);

    // Assess
    expect(world.dnsTable().map((r) => r.setIdentifier)).not.toContainEqual(expect.stringContaining(leaving!));
    expect(world.convergenceProblems()).toEqual([]);
  });
});

describe('a genuine event whose describe lags is still honoured', () => {
  it('terminating while the describe still shows InService: confirmed, deregistered at once', async () => {
    // Prepare
    const world = new FleetWorld({ preexisting: 2 });
    world.account.autoScaling.takeNotifications();
    await world.schedule();
    const [leaving, staying] = world.preexisting;
    world.account.autoScaling.terminate(leaving!);
    world.account.autoScaling.lagDescribe(leaving!, 'InService');

    // Act
    const mark = world.account.mark();
    const outcomes = await world.deliverAll();

    // Assess: one heartbeat, then the record goes and the delay starts
    expect(outcomes).toEqual([expect.objectContaining({ status: 'reconciled' })]);
    const ops = world.account.callsSince(mark).map((c) => c.op);
    expect(ops.filter((o) => o === 'RecordLifecycleActionHeartbeat')).toHaveLength(1);
    expect(world.dnsTable().map((r) => r.setIdentifier.split(':').pop())).toEqual([staying]);
    expect(world.account.ec2.instance(leaving!)?.tags['hfc:deregistered-at']).toBeDefined();
  });

  it('launching before the describe lists the instance: confirmed, registered and completed by instance id', async () => {
    const world = new FleetWorld({ preexisting: 0 });
    world.account.autoScaling.takeNotifications();
    const [id] = world.account.autoScaling.scaleOut(GROUP, 1);
    world.account.autoScaling.lagDescribe(id!, 'unlisted');

    const mark = world.account.mark();
    const outcomes = await world.deliverAll();
    world.account.advance(1);

    expect(outcomes).toEqual([expect.objectContaining({ status: 'reconciled' })]);
    const complete = world.account.callsSince(mark).filter((c) => c.op === 'CompleteLifecycleAction');
    expect(complete).toEqual([expect.objectContaining({ input: expect.objectContaining({ InstanceId: id }) })]);
    expect(complete[0]!.input).not.toHaveProperty('LifecycleActionToken');
    expect(world.nodes()).toEqual([expect.objectContaining({ instanceId: id, state: 'InService' })]);
    expect(world.convergenceProblems()).toEqual([]);
  });

  it('an event that agrees with the describe costs no extra call', async () => {
    const world = new FleetWorld({ preexisting: 0 });
    world.account.autoScaling.scaleOut(GROUP, 1);
    const mark = world.account.mark();
    await world.deliverAll();
    expect(world.account.callsSince(mark).filter((c) => c.op === 'RecordLifecycleActionHeartbeat')).toEqual([]);
  });
});

describe('Elastic IP fleet', () => {
  it('a forged terminating event for a node holding its home address moves nothing and deletes nothing', async () => {
    // Prepare: two nodes, each homed on a pool address, with managed alarms
    const world = new FailoverWorld({ eips: 2 });
    await world.launch(2);
    await world.schedule();
    const eips = world.eipTable();
    const dns = world.dnsTable();
    const alarms = world.account.cloudWatch.alarmNames();
    const victim = eips[0]!.holder;

    // Act
    const mark = world.account.mark();
    const outcomes = await world.deliver(forged(world.account, { hook: 'edge-hfc-terminating', instanceId: victim, transition: 'terminating' }));

    // Assess
    expect(outcomes).toEqual([expect.objectContaining({ status: 'rejected' })]);
    expect(changes(world.account, mark)).toEqual([]);
    expect(world.eipTable()).toEqual(eips);
    expect(world.dnsTable()).toEqual(dns);
    expect(world.account.cloudWatch.alarmNames()).toEqual(alarms);
  });
});

describe('application tier', () => {
  it('a forged terminating event for an InService app server pushes nothing: every load balancer keeps it', async () => {
    // Prepare: three load balancers running a configuration with both app servers
    const world = new ConfigWorld();
    world.account.autoScaling.takeNotifications();
    const lbs = world.account.autoScaling.scaleOut(GROUP, 3);
    await world.deliverAll();
    world.account.advance(1);
    const [server] = world.appServers();

    // Act
    const mark = world.account.mark();
    const outcomes = await world.deliver(
      forged(world.account, { group: APP_GROUP, hook: 'edge-hfc-app-terminating', instanceId: server!, transition: 'terminating' }),
    );

    // Assess
    expect(outcomes).toEqual([expect.objectContaining({ status: 'rejected', reason: expect.stringContaining('no active terminating action') })]);
    expect(changes(world.account, mark)).toEqual([]);
    for (const lb of lbs) expect(world.serversOn(lb)).toContain(server);
  });

  it('a genuine app-server termination with a lagging describe is confirmed and pushed', async () => {
    const world = new ConfigWorld();
    world.account.autoScaling.takeNotifications();
    const lbs = world.account.autoScaling.scaleOut(GROUP, 2);
    await world.deliverAll();
    world.account.advance(1);
    const [server, other] = world.appServers();
    world.account.autoScaling.terminate(server!);
    world.account.autoScaling.lagDescribe(server!, 'InService', 2);

    const outcomes = await world.deliverAll();

    // Confirmed: the server is put in drain everywhere (weight 0; it leaves once drained), the other serves on.
    expect(outcomes).toEqual([expect.objectContaining({ status: 'reconciled' })]);
    for (const lb of lbs)
      expect(world.node(lb).servers()).toEqual(
        new Map([
          [server!, 0],
          [other!, 1],
        ]),
      );
  });
});

describe('dry run (shadow mode)', () => {
  it('an event that contradicts the describe is not confirmed (no heartbeat): planned as if it were, and says so; nothing changes', async () => {
    const world = new FleetWorld({ preexisting: 2, dryRun: true });
    world.account.autoScaling.takeNotifications();
    const [victim] = world.preexisting;

    const outcomes = await world.deliver(forged(world.account, { hook: 'edge-hfc-terminating', instanceId: victim!, transition: 'terminating' }));

    expect(outcomes).toEqual([
      expect.objectContaining({
        status: 'reconciled',
        report: expect.objectContaining({ dryRun: true, hint: expect.objectContaining({ instanceId: victim, check: 'assumed (dry run)' }) }),
      }),
    ]);
    expect(world.account.callsWhere({ mutating: true })).toEqual([]);
  });

  it('a genuine event whose describe lags shows, in shadow, the plan active mode would run', async () => {
    const world = new FleetWorld({ preexisting: 2, mode: 'shadow' });
    world.account.autoScaling.takeNotifications();
    const [leaving] = world.preexisting;
    world.account.autoScaling.terminate(leaving!);
    world.account.autoScaling.lagDescribe(leaving!, 'InService');

    const [outcome] = await world.deliverAll();

    expect(outcome).toMatchObject({ status: 'reconciled', report: { hint: { check: 'assumed (dry run)' } } });
    const kinds = outcome?.status === 'reconciled' ? outcome.report.actions.map((a) => `${a.kind} ${a.instanceId}`) : [];
    expect(kinds).toContain(`markDeregistered ${leaving}`);
    expect(world.account.callsWhere({ mutating: true })).toEqual([]);
  });
});

describe("a real event carrying another action's token", () => {
  it('completes nothing but the instance it names (actions are completed by instance id)', async () => {
    // Prepare: two load balancers launching; B's agent is offline, so B must wait for its configuration
    const world = new ConfigWorld({ via: 'eventbridge' });
    world.account.autoScaling.takeNotifications();
    const [a, b] = world.account.autoScaling.scaleOut(GROUP, 2);
    world.account.ssm.setAgentOnline(b!, false);
    const events = world.account.autoScaling.takeNotifications() as LifecycleNotification[];
    const ofA = events.find((e) => e.EC2InstanceId === a)!;
    const ofB = events.find((e) => e.EC2InstanceId === b)!;

    // Act: A's event, with B's token (tokens are seen by every subscriber and rule)
    await world.deliver({ ...ofA, LifecycleActionToken: ofB.LifecycleActionToken });
    world.account.advance(1);

    // Assess: A went into service with its configuration; B still waits
    const completed = world.account.callsWhere({ op: 'CompleteLifecycleAction', failed: false }).map((c) => c.input as Record<string, unknown>);
    expect(completed).toEqual([expect.objectContaining({ InstanceId: a })]);
    expect(completed[0]).not.toHaveProperty('LifecycleActionToken');
    expect(Object.fromEntries(world.nodes().map((n) => [n.instanceId, n.state]))).toEqual({ [a!]: 'InService', [b!]: 'Pending:Wait' });
  });
});
