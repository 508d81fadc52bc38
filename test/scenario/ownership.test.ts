/** Two deployments in one account, warm pools and standby: whose resources are whose, and who is in DNS. */
import { describe, expect, it } from 'vitest';
import { Logger } from '@aws-lambda-powertools/logger';
import { createHandler as createReconcileHandler } from '../../functions/reconcile';
import { parseConfig } from '../../lib/config/load';
import { scheduledEvent } from '../../sim/envelopes';
import { FleetWorld, GROUP } from '../harness/fleetWorld';

describe('two deployments in one account', () => {
  it('prod and staging, both fleet "edge" with the default owner id, never touch each other', async () => {
    // Prepare: prod is the world; staging is a second deployment on its own group in the same zone
    const world = new FleetWorld({ preexisting: 2 });
    const staging = 'edge-haproxy-staging';
    const stagingNodes = world.account.autoScaling.createGroup({ name: staging, instances: 1 });
    const stagingDeps = {
      ...world.deps,
      config: parseConfig({
        fleets: [
          {
            name: 'edge',
            autoScalingGroupName: staging,
            dns: { hostedZoneId: world.zoneId, recordName: 'lb.example.com' },
            healthCheck: { protocol: 'HTTP', port: 8404, path: '/healthz' },
          },
        ],
      }),
      logger: new Logger({ logLevel: 'SILENT' }),
    };
    const stagingReconcile = createReconcileHandler(stagingDeps);
    const runStaging = () => stagingReconcile(scheduledEvent(world.account), {} as never);

    // Act: both register; then prod scales in to nothing; both keep reconciling
    await world.schedule();
    await runStaging();
    for (const id of world.preexisting) world.account.autoScaling.terminate(id);
    await world.deliverAll();
    await world.drain();
    await runStaging();
    await world.schedule();

    // Assess: prod has nothing left, staging still has exactly its node, record and check
    expect(world.convergenceProblems()).toEqual([]);
    expect(world.dnsTable()).toEqual([]);
    const all = world.account.route53.records(world.zoneId).filter((r) => r.SetIdentifier);
    expect(all.map((r) => r.SetIdentifier!.split(':').pop())).toEqual(stagingNodes);
    expect(world.account.route53.healthChecks()).toHaveLength(1);
    expect(all[0]!.HealthCheckId).toBe(world.account.route53.healthChecks()[0]!.Id);
  });
});

describe('warm pool', () => {
  it('a scale-in back to the warm pool takes the node out of DNS before it is put away', async () => {
    // Prepare
    const world = new FleetWorld({ via: 'eventbridge', preexisting: 2 });
    await world.schedule();
    const [leaving, staying] = world.preexisting;

    // Act
    world.account.autoScaling.returnToWarmPool(leaving!);
    const outcomes = await world.deliverAll();

    // Assess: deregistered and completed in the same run (no later run can see it to release it)
    expect(outcomes).toEqual([expect.objectContaining({ status: 'reconciled' })]);
    expect(world.dnsTable().map((r) => r.setIdentifier.split(':').pop())).toEqual([staying]);
    expect(world.ourHealthChecks().map((h) => h.instanceId)).toEqual([staying]);
    expect(world.account.autoScaling.warmPoolInstances(GROUP)).toEqual([{ instanceId: leaving, state: 'Warmed:Stopped' }]);
    expect(world.convergenceProblems()).toEqual([]);
  });

  it('a launch into the warm pool is confirmed, then completed without any DNS work', async () => {
    // Prepare: Auto Scaling launches an instance straight into the pool
    const world = new FleetWorld({ via: 'eventbridge' });
    const [pooled] = world.account.autoScaling.launchIntoWarmPool(GROUP, 1);
    const [n] = world.account.autoScaling.takeNotifications();

    // Act
    const mark = world.account.mark();
    const outcomes = await world.deliver(n!);

    // Assess: the group does not list it, the warm pool shows it waiting, Auto Scaling confirms
    // the action, and it is completed by instance
    expect(outcomes).toEqual([expect.objectContaining({ status: 'warm-pool', outcome: 'completed' })]);
    const calls = world.account.callsSince(mark);
    expect(calls.map((c) => c.op).sort()).toEqual([
      'CompleteLifecycleAction',
      'DescribeAutoScalingGroups',
      'DescribeWarmPool',
      'RecordLifecycleActionHeartbeat',
    ]);
    expect(calls.find((c) => c.op === 'CompleteLifecycleAction')!.input).toEqual(
      expect.objectContaining({ InstanceId: pooled, LifecycleActionResult: 'CONTINUE' }),
    );
    expect(world.account.autoScaling.warmPoolInstances(GROUP)).toEqual([{ instanceId: pooled, state: 'Warmed:Stopped' }]);
    expect(world.dnsTable()).toEqual([]);
  });

  it('an instance terminated from the warm pool is let go without DNS work', async () => {
    const world = new FleetWorld({ via: 'eventbridge' });
    const [pooled] = world.account.autoScaling.launchIntoWarmPool(GROUP, 1);
    await world.deliverAll();
    world.account.autoScaling.terminateFromWarmPool(pooled!);

    const outcomes = await world.deliverAll();

    expect(outcomes).toEqual([expect.objectContaining({ status: 'warm-pool', outcome: 'completed' })]);
    expect(world.account.autoScaling.warmPoolInstances(GROUP)).toEqual([]);
    expect(world.account.ec2.instance(pooled!)?.state).toBe('terminated');
  });

  it('a warm-pool move event for an instance launching into the group is refused: its launch still waits for DNS', async () => {
    // Prepare: a real launch into the group, its event edited to claim the warm pool (a forgery
    // with a real token would skip the registration)
    const world = new FleetWorld({ via: 'eventbridge' });
    const [id] = world.account.autoScaling.scaleOut(GROUP, 1);
    const [n] = world.account.autoScaling.takeNotifications();
    const intoPool = { ...(n as object), Destination: 'WarmPool' } as typeof n;

    // Act
    const mark = world.account.mark();
    const outcomes = await world.deliver(intoPool!);

    // Assess: rejected, with the reason, after two reads; the launch is untouched
    expect(outcomes).toEqual([{ status: 'rejected', instanceId: id, reason: expect.stringContaining('not in a warm pool') }]);
    expect(
      world.account
        .callsSince(mark)
        .map((c) => c.op)
        .sort(),
    ).toEqual(['DescribeAutoScalingGroups', 'DescribeWarmPool']);
    expect(world.nodes()).toEqual([expect.objectContaining({ instanceId: id, state: 'Pending:Wait' })]);
  });

  it('a replayed warm-pool move whose action is over completes nothing', async () => {
    const world = new FleetWorld({ via: 'eventbridge' });
    world.account.autoScaling.launchIntoWarmPool(GROUP, 1);
    const [n] = world.account.autoScaling.takeNotifications();
    await world.deliver(n!);

    const mark = world.account.mark();
    const outcomes = await world.deliver(n!);

    expect(outcomes).toEqual([expect.objectContaining({ status: 'rejected', reason: expect.stringContaining('as Warmed:Stopped, not Warmed:Pending:Wait') })]);
    expect(world.account.callsSince(mark).filter((c) => c.op === 'CompleteLifecycleAction')).toEqual([]);
  });
});

describe('standby', () => {
  it('a node put in Standby leaves DNS and comes back when it returns to service', async () => {
    // Prepare
    const world = new FleetWorld({ preexisting: 2 });
    await world.schedule();
    const [id] = world.preexisting;
    // Act / Assess: Standby deregisters
    world.account.autoScaling.setStandby(id!, true);
    await world.schedule();
    expect(world.dnsTable().map((r) => r.setIdentifier.split(':').pop())).not.toContain(id);

    // Act / Assess: back InService registers again, with a new check
    world.account.autoScaling.setStandby(id!, false);
    await world.schedule();
    expect(world.convergenceProblems()).toEqual([]);
    expect(world.dnsTable()).toHaveLength(2);
  });
});
