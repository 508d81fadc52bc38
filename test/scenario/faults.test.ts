import type { FleetReport } from '../../lib/reconcile/reconcileFleet';
/** Throttling and failures: retried until they succeed, and never a CONTINUE for unfinished work. */
import { describe, expect, it } from 'vitest';
import { ReconcileError } from '../../lib/errors';
import { adaptersFor } from '../../lib/reconcile/adapters';
import { reconcileFleet } from '../../lib/reconcile/reconcileFleet';
import { FleetWorld, GROUP } from '../harness/fleetWorld';

describe('throttling', () => {
  it('a third of Route 53 calls throttled: the fleet still converges, through SDK retries', async () => {
    // Prepare
    const world = new FleetWorld({ seed: 11 });
    world.account.faults.throttle({ service: 'route53', rate: 1 / 3 });
    world.account.autoScaling.scaleOut(GROUP, 5);

    // Act
    await world.deliverAll();
    world.account.advance(1);
    for (const id of world
      .nodes()
      .slice(0, 2)
      .map((n) => n.instanceId))
      world.account.autoScaling.terminate(id);
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
    expect(world.account.callsWhere({ op: 'ChangeResourceRecordSets', failed: true }).map((c) => c.error)).toEqual([
      'PriorRequestNotComplete',
      'PriorRequestNotComplete',
    ]);
    expect(world.convergenceProblems()).toEqual([]);
  });
});

describe('failed registration', () => {
  it('never completes CONTINUE; the error surfaces; the schedule finishes the job later', async () => {
    // Prepare: every record change fails with a server error, past the SDK's retries
    const world = new FleetWorld();
    world.account.faults.fail({
      service: 'route53',
      ops: ['ChangeResourceRecordSets'],
      error: { code: 'ServiceUnavailable', message: 'try later', status: 503 },
    });
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

describe('permanent rejections and time limits', () => {
  it('a plain record in the way of the weighted set: the node waits with record-conflict, naming it; nothing is sent that Route 53 would refuse', async () => {
    // (Route 53 refuses a weighted record beside a simple one of the same name and type.)
    // Prepare: someone created a simple (non-weighted) A record at our name
    const world = new FleetWorld({ preexisting: 1 });
    world.account.route53.putRecordByHand(world.zoneId, { Name: 'lb.example.com.', Type: 'A', TTL: 300, ResourceRecords: [{ Value: '54.200.0.9' }] });

    // Act
    const [report] = await world.schedule();

    // Assess
    expect(report!.pending).toEqual([
      expect.objectContaining({
        reason: expect.objectContaining({ code: 'record-conflict', message: expect.stringContaining('simple (non-weighted) or alias A record') }),
      }),
    ]);
    expect(world.account.callsWhere({ op: 'ChangeResourceRecordSets' })).toHaveLength(0);
    expect(world.account.callsWhere({ op: 'CreateHealthCheck' })).toHaveLength(0);
    expect(world.account.callsWhere({ op: 'ListResourceRecordSets' })).toHaveLength(1); // one pass only
  });

  it("a batch Route 53 refuses for a registration's sake still deregisters the leaving node in it (split by node)", async () => {
    // Prepare: two nodes serve; Route 53 will refuse every batch that creates a record
    const world = new FleetWorld();
    world.account.autoScaling.takeNotifications();
    const [a] = world.account.autoScaling.scaleOut(GROUP, 2);
    await world.deliverAll();
    world.account.advance(1);
    world.account.faults.fail({
      service: 'route53',
      ops: ['ChangeResourceRecordSets'],
      when: (input: { ChangeBatch?: { Changes?: { Action?: string }[] } }) => !!input.ChangeBatch?.Changes?.some((c) => c.Action === 'CREATE'),
      error: { code: 'InvalidChangeBatch', message: 'refused', status: 400 },
    });

    // Act: one node leaves while another launches, in one run
    world.account.autoScaling.terminate(a!);
    const [c] = world.account.autoScaling.scaleOut(GROUP, 1);
    world.account.autoScaling.takeNotifications();
    await world.schedule().catch(() => undefined);

    // Assess: the leaving node's record is gone; the launching one has none
    const table = world.dnsTable();
    expect(table.some((r) => r.setIdentifier.endsWith(a!))).toBe(false);
    expect(table.some((r) => r.setIdentifier.endsWith(c!))).toBe(false);
    expect(table).toHaveLength(1);
  });

  it('out of time: no new health check is started, the nodes are left for the next run, nothing half-done', async () => {
    // Prepare: a run whose invocation has no time left
    const world = new FleetWorld();
    world.account.autoScaling.scaleOut(GROUP, 2);
    world.account.autoScaling.takeNotifications();
    const aws = adaptersFor(world.deps.clients);

    // Act
    const report = await reconcileFleet(world.fleet, aws, world.deps.logger, { now: () => world.account.now(), deadline: Date.now() - 1 });

    // Assess
    expect(report.deferred).toHaveLength(2);
    expect(report.completions).toEqual([]);
    expect(world.account.callsWhere({ mutating: true })).toEqual([]);

    // Act: the next run has time
    const [next] = await world.schedule();

    // Assess
    expect(next?.completions.map((c) => c.outcome)).toEqual(['completed', 'completed']);
    expect(world.convergenceProblems()).toEqual([]);
  });
});

describe('Route 53 rate limits (the published buckets, scaled down, on the simulated clock)', () => {
  it('a scale-out larger than the CreateHealthCheck burst registers what it can, completes those, and converges over later runs', async () => {
    // Prepare: account bucket 10 burst / 10 per s, CreateHealthCheck 10 burst / one per 2 s; each
    // call to Route 53 takes 10 ms of simulated time (round trips and the SDK's back-off pass)
    const world = new FleetWorld({ seed: 5 });
    let elapsed = 0;
    world.account.route53.enableRateLimits({
      clock: () => {
        elapsed += 10;
        return world.account.now().getTime() + elapsed;
      },
      burstScale: 0.2,
    });
    world.account.autoScaling.takeNotifications();
    const ids = world.account.autoScaling.scaleOut(GROUP, 15);
    const [first] = world.account.autoScaling.takeNotifications();

    // Act: the first launch event's run
    const mark = world.account.mark();
    const firstRun = await world.deliver(first!).then(
      () => undefined,
      (err: Error) => err,
    );
    const firstCalls = world.account.callsSince(mark);

    // Assess: it completed the ones it registered; once a create was throttled past its retries,
    // that node and the rest were left for the next run (deferred: not a failure, no retry of
    // the event, nothing named in an error)
    expect(firstRun).toBeUndefined();
    const completedFirst = world.nodes().filter((n) => n.state === 'Pending:Proceed').length;
    expect(completedFirst).toBeGreaterThan(0);
    expect(completedFirst).toBeLessThan(ids.length);
    expect(firstCalls.filter((c) => c.op === 'CreateHealthCheck' && c.error === 'Throttling').length).toBeGreaterThan(0);
    const created = firstCalls.filter((c) => c.op === 'CreateHealthCheck' && !c.error).length;
    expect(created).toBe(completedFirst);

    // Act: the schedule, every 60 s of simulated time, until converged
    let runs = 0;
    while (world.convergenceProblems().length > 0 || world.nodes().some((n) => n.state === 'Pending:Wait')) {
      world.account.advance(60);
      await world.schedule().catch(() => undefined);
      runs += 1;
      if (runs > 10) break;
    }

    // Assess
    expect(world.convergenceProblems()).toEqual([]);
    expect(world.nodes().filter((n) => n.state !== 'InService' && n.state !== 'Pending:Proceed')).toEqual([]);
    expect(world.account.callsWhere({ service: 'route53', failed: true }).map((c) => c.error)).toContain('Throttling');
    expect(runs).toBeLessThanOrEqual(3);
  });
});

describe('completions', () => {
  it('the last record never goes while its replacement has none: the leaving node keeps it and waits, the launch registers later', async () => {
    // Prepare: one serving node is replaced; Route 53 throttles the replacement's check past the retries
    const world = new FleetWorld({ preexisting: 1 });
    world.account.autoScaling.takeNotifications();
    await world.schedule();
    const [old] = world.preexisting;
    const [fresh] = world.account.autoScaling.scaleOut(GROUP, 1);
    world.account.autoScaling.terminate(old!);
    world.account.autoScaling.takeNotifications();
    world.account.faults.fail({ service: 'route53', ops: ['CreateHealthCheck'], error: { code: 'Throttling', message: 'Rate exceeded', status: 400 } });

    // Act
    await world.schedule().catch(() => undefined);

    // Assess: the old node's record is still the one answer, and its termination waits
    expect(world.dnsTable().map((r) => r.setIdentifier.slice(-19))).toEqual([old]);
    expect(world.nodes().find((n) => n.instanceId === old)?.state).toBe('Terminating:Wait');

    // Act: Route 53 recovers; the schedule registers the new node first, then lets the old one go
    world.account.faults.clear();
    world.account.advance(60);
    await world.schedule();
    await world.drain();

    // Assess
    expect(world.dnsTable().map((r) => r.setIdentifier.slice(-19))).toEqual([fresh]);
    expect(world.convergenceProblems()).toEqual([]);
  });

  it("a leaving node's health check that cannot be deleted holds nothing back: the node goes on, the next run deletes the check", async () => {
    // Prepare: deregistration delay 0; DeleteHealthCheck fails
    const world = new FleetWorld({ preexisting: 2, dns: { deregistrationDelaySeconds: 0 } });
    world.account.autoScaling.takeNotifications();
    await world.schedule();
    const [leaving] = world.preexisting;
    world.account.autoScaling.terminate(leaving!);
    world.account.autoScaling.takeNotifications();
    world.account.faults.fail({ service: 'route53', ops: ['DeleteHealthCheck'], error: { code: 'ServiceUnavailable', message: 'down', status: 503 } });

    // Act
    await world.schedule();

    // Assess: released, record gone, its check left behind
    world.account.advance(1);
    expect(world.nodes().map((n) => n.instanceId)).not.toContain(leaving);
    expect(world.dnsTable().map((r) => r.setIdentifier)).not.toContainEqual(expect.stringContaining(leaving!));
    expect(world.ourHealthChecks().map((h) => h.instanceId)).toContain(leaving);

    // Act: Route 53 recovers
    world.account.faults.clear();
    await world.schedule();

    // Assess
    expect(world.ourHealthChecks().map((h) => h.instanceId)).not.toContain(leaving);
    expect(world.convergenceProblems()).toEqual([]);
  });

  it("Route 53's TooManyHealthChecks (a quota stated above the real one) leaves the rest waiting, fails no run, and the registered nodes go on", async () => {
    // Prepare: the configuration says 10, the account allows 3
    const world = new FleetWorld({ fleet: { limits: { healthCheckQuota: 10 } } });
    world.account.route53.healthCheckLimit = 3;
    world.account.autoScaling.takeNotifications();
    world.account.autoScaling.scaleOut(GROUP, 5);
    world.account.autoScaling.takeNotifications();

    // Act
    const run = await world.schedule().then(
      () => undefined,
      (err: Error) => err,
    );

    // Assess
    expect(run).toBeUndefined();
    world.account.advance(1);
    expect(world.nodes().filter((n) => n.state === 'InService')).toHaveLength(3);
    expect(world.nodes().filter((n) => n.state === 'Pending:Wait')).toHaveLength(2);
    // (the creates already in flight when the first was refused are refused too; none is started after)
    const refused = world.account.callsWhere({ op: 'CreateHealthCheck', failed: true });
    expect(new Set(refused.map((c) => c.error))).toEqual(new Set(['TooManyHealthChecks']));
    expect(refused.length).toBeLessThanOrEqual(2);
  });

  it('one CompleteLifecycleAction failure does not keep the other nodes waiting', async () => {
    // Prepare: two launching nodes; completing the first fails with a server error past the retries
    const world = new FleetWorld();
    const [first, second] = world.account.autoScaling.scaleOut(GROUP, 2).sort();
    world.account.autoScaling.takeNotifications();
    world.account.faults.fail({
      service: 'autoScaling',
      ops: ['CompleteLifecycleAction'],
      when: (i: { InstanceId?: string }) => i.InstanceId === first,
      error: { code: 'InternalFailure', message: 'boom', status: 500 },
    });

    // Act
    const run = world.schedule();

    // Assess: the run fails naming the first node; the second was completed
    await expect(run).rejects.toThrow(new RegExp(`${first}.*completing the launching action: InternalFailure`));
    // ...and its error still carries what the run did: the second node's completion
    const err = (await run.catch((e: unknown) => e)) as ReconcileError;
    const report = (err.cause as ReconcileError).report as FleetReport;
    expect(report.completions.map((c) => [c.instanceId, c.outcome])).toEqual([[second, 'completed']]);
    world.account.advance(1);
    expect(world.nodes().find((n) => n.instanceId === second)?.state).toBe('InService');
    expect(world.nodes().find((n) => n.instanceId === first)?.state).toBe('Pending:Wait');
  });
});
