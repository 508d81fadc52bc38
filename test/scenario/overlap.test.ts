/**
 * deployment.reservedConcurrency: false lets every function run as many times at once as events
 * arrive. What that costs and what it must never do: overlapping runs converge, leave no stray
 * record or health check, and never leave an address on a failed node.
 */
import { describe, expect, it } from 'vitest';
import type { LifecycleNotification } from '../../sim/autoscaling';
import { alarmEventBridgeEvent, alarmSnsEvent } from '../../sim/envelopes';
import { FailoverWorld } from '../harness/failoverWorld';
import { FleetWorld, GROUP } from '../harness/fleetWorld';

describe('functions without reserved concurrency (runs overlap)', () => {
  it('a 10-node burst, every event in its own concurrent run, plus the schedule: converged, nothing stray', async () => {
    // Prepare: random latency so that the runs interleave
    const world = new FleetWorld({ via: 'eventbridge', preexisting: 2, seed: 3 });
    world.account.faults.latency({ ms: 0, jitterMs: 5 });
    world.account.autoScaling.scaleOut(GROUP, 10);
    const events = world.account.autoScaling.takeNotifications() as LifecycleNotification[];

    // Act
    const results = await Promise.allSettled([...events.map((e) => world.deliver(e)), world.schedule()]);
    world.account.advance(1);
    await world.schedule();

    // Assess: a run that lost a race re-planned; the next schedule leaves exactly one check per node
    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
    expect(world.convergenceProblems()).toEqual([]);
    expect(world.nodes().filter((n) => n.state === 'InService')).toHaveLength(12);
    // Every run that created a node's check sent the same reference: one check per node, ever.
    expect(world.account.route53.createdHealthChecks()).toHaveLength(12);
  });

  it('the same alarm delivered by SNS and EventBridge at once, for two failing nodes: no address on a failed node', async () => {
    for (const seed of [1, 2, 3]) {
      const world = new FailoverWorld({ eips: 4, seed });
      const ids = await world.launch(4);
      await world.schedule();
      world.account.faults.latency({ ms: 0, jitterMs: 5 });
      const [a, b] = ids;
      world.fail(a!);
      world.fail(b!);
      const sns = world.account.cloudWatch.takeNotifications().map((n) => alarmSnsEvent(world.account, n));
      const eb = world.account.cloudWatch.takeStateChanges().map((c) => alarmEventBridgeEvent(world.account, c.alarm, c.newState, c.oldState));

      const results = await Promise.allSettled([...sns, ...eb].map((e) => world.invokeAlarm(e)));

      expect(
        results.filter((r) => r.status === 'rejected'),
        `seed ${seed}`,
      ).toEqual([]);
      for (const row of world.eipTable()) expect([a, b].includes(row.holder), `seed ${seed}: ${row.publicIp} on failed ${row.holder}`).toBe(false);
    }
  });
});
