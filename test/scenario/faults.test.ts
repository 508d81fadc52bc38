/** Throttling and failures: retried until they succeed, and never a CONTINUE for unfinished work. */
import { describe, expect, it } from 'vitest';
import { ReconcileError } from '../../lib/errors';
import { FleetWorld, GROUP } from '../../sim/fleetWorld';

describe('throttling', () => {
  it('a third of Route 53 calls throttled: the fleet still converges, through SDK retries', async () => {
    // Prepare
    const world = new FleetWorld({ seed: 11 });
    world.account.faults.throttle({ service: 'route53', rate: 1 / 3 });
    world.account.autoScaling.scaleOut(GROUP, 5);

    // Act
    await world.deliverAll();
    world.account.advance(1);
    for (const id of world.nodes().slice(0, 2).map((n) => n.instanceId)) world.account.autoScaling.terminate(id);
    await world.deliverAll();
    await world.drain();
    await world.schedule();

    // Assess
    const throttled = world.account.callsWhere({ service: 'route53', failed: true });
    expect(throttled.length).toBeGreaterThan(5);
    expect(new Set(throttled.map((c) => c.error))).toEqual(new Set(['Throttling']));
    expect(world.convergenceProblems()).toEqual([]);
    expect(world.nodes()).toHaveLength(3);
    expect(world.nodes().every((n) => n.state === 'InService')).toBe(true);
  });

  it('PriorRequestNotComplete while the zone is busy is retried', async () => {
    // Prepare
    const world = new FleetWorld();
    world.account.route53.priorRequestRejections = 2;
    world.account.autoScaling.scaleOut(GROUP, 1);
    await world.deliverAll();
    world.account.autoScaling.scaleOut(GROUP, 1);

    // Act
    await world.deliverAll();
    world.account.advance(1);

    // Assess
    expect(world.account.callsWhere({ op: 'ChangeResourceRecordSets', failed: true }).map((c) => c.error)).toEqual(['PriorRequestNotComplete', 'PriorRequestNotComplete']);
    expect(world.convergenceProblems()).toEqual([]);
  });
});

describe('failed registration', () => {
  it('never completes CONTINUE; the error surfaces; the schedule finishes the job later', async () => {
    // Prepare: every record change fails with a server error, past the SDK's retries
    const world = new FleetWorld();
    world.account.faults.fail({ service: 'route53', ops: ['ChangeResourceRecordSets'], error: { code: 'ServiceUnavailable', message: 'try later', status: 503 } });
    const [id] = world.account.autoScaling.scaleOut(GROUP, 1);
    const [launch] = world.account.autoScaling.takeNotifications().filter((n) => !('Event' in n));

    // Act
    const delivery = world.deliver(launch!);

    // Assess: the handler fails (Lambda retries), no completion was attempted, the node still waits
    await expect(delivery).rejects.toBeInstanceOf(ReconcileError);
    await expect(delivery).rejects.toThrow(new RegExp(`${id}.*record CREATE: ServiceUnavailable`));
    expect(world.account.callsWhere({ op: 'CompleteLifecycleAction' })).toEqual([]);
    expect(world.nodes()[0]!.state).toBe('Pending:Wait');

    // Act: Route 53 recovers; the next scheduled reconcile registers and completes
    world.account.faults.clear();
    const [report] = await world.schedule();

    // Assess
    expect(report?.completions).toEqual([expect.objectContaining({ instanceId: id, outcome: 'completed' })]);
    expect(world.convergenceProblems()).toEqual([]);
  });

  it('when registration never succeeds, the hook times out with its DefaultResult (ABANDON) and nothing is left behind', async () => {
    // Prepare
    const world = new FleetWorld();
    world.account.faults.fail({ service: 'route53', ops: ['ChangeResourceRecordSets'], error: { code: 'ServiceUnavailable', message: 'down', status: 503 } });
    const [id] = world.account.autoScaling.scaleOut(GROUP, 1);
    await expect(world.deliverAll()).rejects.toBeInstanceOf(ReconcileError);

    // Act: the heartbeat timeout (300 s) passes; Route 53 recovers; the schedule runs
    world.account.advance(301);
    world.account.faults.clear();
    await world.schedule();

    // Assess: abandoned, terminated, and the health check the failed attempt created is cleaned up
    expect(world.account.ec2.instance(id!)?.state).toBe('terminated');
    expect(world.nodes()).toEqual([]);
    expect(world.ourHealthChecks()).toEqual([]);
    expect(world.convergenceProblems()).toEqual([]);
  });

  it('one failing fleet does not stop the scheduled reconcile of the others', async () => {
    // Prepare: a second fleet whose group does not exist (a typo in the configuration)
    const world = new FleetWorld({ preexisting: 1 });
    const typo = { ...world.config.fleets[0]!, name: 'typo', autoScalingGroupName: 'edge-haproxy-typo' };
    world.deps.config.fleets.unshift(typo);

    // Act
    const run = world.schedule();

    // Assess
    await expect(run).rejects.toThrow(/1 of 2 fleets failed.*edge-haproxy-typo.*does not exist/);
    expect(world.convergenceProblems()).toEqual([]);
    expect(world.dnsTable()).toHaveLength(1);
  });
});
