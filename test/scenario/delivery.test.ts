/** At-least-once, out-of-order and concurrent delivery: the outcome never depends on it. */
import { describe, expect, it } from 'vitest';
import type { LifecycleNotification } from '../../sim/autoscaling';
import { FleetWorld, GROUP } from '../harness/fleetWorld';

const lifecycleOnly = (world: FleetWorld) => world.account.autoScaling.takeNotifications().filter((n): n is LifecycleNotification => !('Event' in n));

describe('duplicated events', () => {
  it('every event delivered three times converges to the same state as once', async () => {
    // Prepare
    const world = new FleetWorld();
    world.account.autoScaling.scaleOut(GROUP, 3);
    const launches = lifecycleOnly(world);

    // Act: launches x3, then a scale-in of one node x3
    for (const n of launches) for (let i = 0; i < 3; i++) await world.deliver(n);
    world.account.advance(1);
    const leaving = world.nodes()[0]!.instanceId;
    world.account.autoScaling.terminate(leaving);
    const terminations = lifecycleOnly(world);
    const mark = world.account.mark();
    for (const n of terminations) for (let i = 0; i < 3; i++) await world.deliver(n);
    world.account.advance(1);

    // Assess
    expect(world.convergenceProblems()).toEqual([]);
    expect(world.dnsTable()).toHaveLength(2);
    const deletes = world.account.callsSince(mark).filter((c) => c.op === 'DeleteHealthCheck');
    expect(deletes).toHaveLength(1);
    const changes = world.account.callsWhere({ op: 'ChangeResourceRecordSets', failed: false });
    expect(changes).toHaveLength(2); // one batch for the launch, one for the termination
  });

  it('duplicates delivered concurrently converge (conflicts re-plan, never fail)', async () => {
    // Prepare
    const world = new FleetWorld({ via: 'eventbridge' });
    world.account.autoScaling.scaleOut(GROUP, 3);
    const launches = lifecycleOnly(world);

    // Act: all nine deliveries at once, as three Lambda instances would run them
    const results = await Promise.allSettled(launches.flatMap((n) => [world.deliver(n), world.deliver(n), world.deliver(n)]));
    world.account.advance(1);

    // Assess
    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
    expect(world.convergenceProblems()).toEqual([]);
    expect(world.ourHealthChecks()).toHaveLength(3); // same CallerReference, same check
    // The race really happened: Route 53 rejected the losers' batches and they re-planned.
    expect(world.account.callsWhere({ op: 'ChangeResourceRecordSets', failed: true }).map((c) => c.error)).toContain('InvalidChangeBatch');
    expect(world.nodes().every((n) => n.state === 'InService')).toBe(true);
  });
});

describe('reordered events', () => {
  it('terminate delivered before the launch was processed: nothing registered, both actions settled', async () => {
    // Prepare
    const world = new FleetWorld();
    const [id] = world.account.autoScaling.scaleOut(GROUP, 1);
    const [launch] = lifecycleOnly(world);
    world.account.autoScaling.terminate(id!); // scale-in before we saw the launch
    const [terminate] = lifecycleOnly(world);

    // Act: the terminate event (the node drains: a missing record never skips the delay), the
    // schedule after the delay, then the late launch event
    await world.deliver(terminate!);
    await world.drain();
    const late = await world.deliver(launch!);

    // Assess
    expect(world.nodes()).toEqual([]);
    expect(world.dnsTable()).toEqual([]);
    expect(world.ourHealthChecks()).toEqual([]);
    expect(late).toEqual([expect.objectContaining({ status: 'reconciled' })]);
    expect(world.account.callsWhere({ op: 'ChangeResourceRecordSets' })).toEqual([]);
  });

  it('a launch event that arrives after its node was registered by the schedule changes nothing', async () => {
    // Prepare
    const world = new FleetWorld();
    world.account.autoScaling.scaleOut(GROUP, 1);
    const [launch] = lifecycleOnly(world);
    await world.schedule(); // registers and completes CONTINUE
    world.account.advance(1);
    const mark = world.account.mark();

    // Act
    await world.deliver(launch!);

    // Assess
    expect(world.account.callsSince(mark).filter((c) => !/^(Describe|List|Get)/.test(c.op))).toEqual([]);
    expect(world.convergenceProblems()).toEqual([]);
  });
});

describe('overlapping runs', () => {
  it.each([1, 2, 3, 4, 5, 6, 7, 8])('a terminate event and the schedule at once never leave the leaving node in DNS (seed %i)', async (seed) => {
    // Prepare: random per-call latency so the two runs interleave differently for each seed
    const world = new FleetWorld({ seed, preexisting: 3 });
    await world.schedule();
    world.account.faults.latency({ ms: 0, jitterMs: 8 });
    const leaving = world.preexisting[1]!;
    world.account.autoScaling.terminate(leaving);
    const [terminate] = lifecycleOnly(world);

    // Act
    const results = await Promise.allSettled([world.deliver(terminate!), world.schedule(), world.schedule()]);
    await world.drain();

    // Assess
    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
    expect(world.dnsTable().map((r) => r.setIdentifier)).not.toContainEqual(expect.stringContaining(leaving));
    expect(world.nodes().map((n) => n.instanceId)).not.toContain(leaving);
    expect(world.convergenceProblems()).toEqual([]);
  });
});

describe('stale plans', () => {
  it('a record change planned before the node left is refused by Route 53, and the re-plan leaves the node out', async () => {
    // Prepare: two registered nodes; the weight in the configuration changes, so the next run
    // REPLACEs both records. Between its observation and its batch, another run deregisters one.
    const world = new FleetWorld({ preexisting: 2 });
    await world.schedule();
    world.deps.config.fleets[0]!.dns.weight = 50;
    const [leaving] = world.preexisting;
    let raced = false;
    world.account.faults.fail({
      service: 'route53',
      ops: ['ChangeResourceRecordSets'],
      when: () => {
        if (!raced) {
          raced = true;
          world.account.autoScaling.terminate(leaving!);
          const r = world.dnsTable().find((x) => x.setIdentifier.endsWith(leaving!))!;
          world.account.route53.deleteRecordByHand(world.zoneId, r.name, 'A', r.setIdentifier);
        }
        return false; // the call itself goes through
      },
      error: { code: 'unused', message: 'unused' },
    });

    // Act
    const [report] = await world.schedule();

    // Assess: the first batch failed on the vanished record, the second pass did not write it back
    expect(report?.passes).toBe(2);
    expect(world.account.callsWhere({ op: 'ChangeResourceRecordSets', failed: true }).map((c) => c.error)).toEqual(['InvalidChangeBatch']);
    expect(world.dnsTable().map((r) => [r.setIdentifier.split(':').pop(), r.weight])).toEqual([[world.preexisting[1], 50]]);
  });
});
