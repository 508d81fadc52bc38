/** The scheduled reconcile repairs what events cannot tell us about, and never touches what is not ours. */
import { describe, expect, it } from 'vitest';
import { instanceOfSetIdentifier } from '../../lib/plan/naming';
import { FleetWorld, GROUP } from '../harness/fleetWorld';

describe('scheduled reconcile', () => {
  it('registers instances that were in the group before the hook existed', async () => {
    // Prepare: two InService instances no hook ever announced
    const world = new FleetWorld({ preexisting: 2 });
    expect(world.account.autoScaling.takeNotifications().filter((n) => !('Event' in n))).toEqual([]);

    // Act
    const [report] = await world.schedule();

    // Assess
    expect(report?.registered.sort()).toEqual([...world.preexisting].sort());
    expect(world.convergenceProblems()).toEqual([]);
    expect(world.dnsTable()).toHaveLength(2);
  });

  it('restores a record deleted by hand, reusing its health check', async () => {
    // Prepare
    const world = new FleetWorld({ preexisting: 2 });
    await world.schedule();
    const victim = world.dnsTable()[0]!;
    world.account.route53.deleteRecordByHand(world.zoneId, victim.name, 'A', victim.setIdentifier);
    const checksBefore = world
      .ourHealthChecks()
      .map((h) => h.id)
      .sort();

    // Act
    const mark = world.account.mark();
    await world.schedule();

    // Assess
    expect(world.dnsTable()).toContainEqual(victim);
    expect(
      world
        .ourHealthChecks()
        .map((h) => h.id)
        .sort(),
    ).toEqual(checksBefore);
    expect(world.account.callsSince(mark).filter((c) => c.op === 'CreateHealthCheck')).toEqual([]);
  });

  it('replaces a health check deleted by hand and repoints the record', async () => {
    // Prepare
    const world = new FleetWorld({ preexisting: 1 });
    await world.schedule();
    const [hc] = world.ourHealthChecks();
    world.account.route53.deleteHealthCheckByHand(hc!.id);

    // Act
    await world.schedule();

    // Assess: Route 53 refuses the deleted check's reference for days; the next generation is taken
    expect(world.convergenceProblems()).toEqual([]);
    const [replacement] = world.ourHealthChecks();
    expect(replacement!.id).not.toBe(hc!.id);
    expect(replacement!.callerReference).toBe(hc!.callerReference.replace(/-1$/, '-2'));
    const refused = world.account.callsWhere({ op: 'CreateHealthCheck', failed: true });
    expect(refused.map((c) => c.error)).toEqual(['HealthCheckAlreadyExists']);
  });

  it('follows an address change: new check, record updated, old check removed', async () => {
    // Prepare
    const world = new FleetWorld({ preexisting: 1 });
    await world.schedule();
    const [id] = world.preexisting;
    const [before] = world.ourHealthChecks();

    // Act: the instance is stopped and started and gets a new public IPv4
    world.account.ec2.setPublicIp(id!, '54.171.9.9');
    await world.schedule();

    // Assess
    expect(world.convergenceProblems()).toEqual([]);
    expect(world.dnsTable()[0]!.value).toBe('54.171.9.9');
    expect(world.ourHealthChecks().map((h) => h.id)).not.toContain(before!.id);
  });

  it('leaves records and health checks that are not ours untouched', async () => {
    // Prepare: an operator's weighted member in the same set, a plain record, another owner's member and checks
    const world = new FleetWorld({ preexisting: 2 });
    const foreignCheck = world.account.route53.createHealthCheckByHand({ Type: 'TCP', IPAddress: '54.200.0.1', Port: 443 }, { team: 'payments' }).Id!;
    const name = 'lb.example.com.';
    const foreign = [
      {
        Name: name,
        Type: 'A' as const,
        SetIdentifier: 'manual-canary',
        Weight: 5,
        TTL: 60,
        ResourceRecords: [{ Value: '54.200.0.1' }],
        HealthCheckId: foreignCheck,
      },
      { Name: name, Type: 'A' as const, SetIdentifier: 'staging:edge:i-0123456789abcdef0', Weight: 100, TTL: 60, ResourceRecords: [{ Value: '54.200.0.2' }] },
      { Name: 'www.example.com.', Type: 'A' as const, TTL: 300, ResourceRecords: [{ Value: '54.200.0.3' }] },
    ];
    for (const r of foreign) world.account.route53.putRecordByHand(world.zoneId, r);
    const snapshot = () => ({
      records: world.account.route53.records(world.zoneId).filter((r) => !instanceOfSetIdentifier(world.fleet, r.SetIdentifier)),
      checks: world.account.route53.healthChecks().filter((h) => h.Id === foreignCheck),
    });
    const before = snapshot();

    // Act: register, scale in everything, reconcile again
    await world.schedule();
    for (const id of world.preexisting) world.account.autoScaling.terminate(id);
    await world.deliverAll();
    await world.drain();
    await world.schedule();

    // Assess
    expect(world.nodes()).toEqual([]);
    expect(world.dnsTable()).toEqual([]);
    expect(snapshot()).toEqual(before);
  });

  it('completes a launch whose node had no address yet, once it has one', async () => {
    // Prepare: a node that launches without a public IPv4 (for example before an EIP is attached)
    const world = new FleetWorld();
    const [id] = world.account.autoScaling.scaleOut(GROUP, 1);
    world.account.ec2.setPublicIp(id!, undefined);
    await world.deliverAll();
    expect(world.nodes()[0]!.state).toBe('Pending:Wait');
    expect(world.dnsTable()).toEqual([]);

    // Act
    world.account.ec2.setPublicIp(id!, '54.171.1.1');
    const [report] = await world.schedule();

    // Assess
    expect(report?.completions).toEqual([expect.objectContaining({ instanceId: id, transition: 'launching', outcome: 'completed' })]);
    expect(world.convergenceProblems()).toEqual([]);
  });
});
