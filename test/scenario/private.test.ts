/**
 * A private fleet (dns.address private-ipv4): nodes with no public IPv4 in private subnets,
 * registered on their private addresses, each record with a CLOUDWATCH_METRIC health check on
 * the node's managed alarm (Route 53's checkers cannot reach a private address). The alarm is
 * created before the check that watches it and deleted after it.
 */
import { describe, expect, it } from 'vitest';
import { ALARM_TOPIC } from '../harness/failoverWorld';
import { FleetWorld, GROUP } from '../harness/fleetWorld';

function privateFleet() {
  const world = new FleetWorld({ dns: { address: 'private-ipv4' }, fleet: { alarms: { manage: true } } });
  world.deps.settings.alarmTopicArn = ALARM_TOPIC;
  world.account.autoScaling.takeNotifications();
  return world;
}
const alarmOf = (world: FleetWorld, id: string) => `${world.fleet.alarms!.namePrefix}${id}`;

describe('a private fleet (dns.address private-ipv4)', () => {
  it('launches register the private IPv4 with a CLOUDWATCH_METRIC check on the node alarm, created before the check; the launch completes', async () => {
    // Prepare
    const world = privateFleet();

    // Act
    const ids = world.account.autoScaling.scaleOut(GROUP, 3);
    await world.deliverAll();
    world.account.advance(1);

    // Assess: every node in service, its record on its private address, its check on its alarm
    expect(world.nodes().every((n) => n.state === 'InService')).toBe(true);
    for (const id of ids) {
      const inst = world.account.ec2.instance(id)!;
      const record = world.dnsTable().find((r) => r.setIdentifier.endsWith(id))!;
      expect(record.value).toBe(inst.privateIp);
      const check = world.account.route53.healthChecks().find((h) => h.Id === record.healthCheckId)!;
      expect(check.HealthCheckConfig).toMatchObject({
        Type: 'CLOUDWATCH_METRIC',
        AlarmIdentifier: { Region: world.account.region, Name: alarmOf(world, id) },
        InsufficientDataHealthStatus: 'LastKnownStatus',
      });
      expect(world.account.cloudWatch.alarm(alarmOf(world, id))).toBeDefined();
    }
    const calls = world.account.calls.map((c) => c.op);
    expect(calls.indexOf('PutMetricAlarm')).toBeGreaterThan(-1);
    expect(calls.indexOf('PutMetricAlarm')).toBeLessThan(calls.indexOf('CreateHealthCheck'));

    // Act: a converged fleet changes nothing
    const mark = world.account.mark();
    await world.schedule();
    expect(world.account.callsSince(mark).filter((c) => !/^(Describe|List|Get)/.test(c.op))).toEqual([]);
  });

  it('a leaving node: record, then check, then (the first run that sees neither) its alarm', async () => {
    const world = privateFleet();
    const [a] = world.account.autoScaling.scaleOut(GROUP, 2);
    await world.deliverAll();
    world.account.advance(1);
    const mark = world.account.mark();
    world.account.autoScaling.terminate(a!);
    await world.deliverAll();
    expect(world.account.cloudWatch.alarm(alarmOf(world, a!))).toBeDefined();
    world.account.advance(5);
    await world.schedule();
    const ops = world.account
      .callsSince(mark)
      .filter((c) => ['ChangeResourceRecordSets', 'DeleteHealthCheck', 'DeleteAlarms'].includes(c.op) && !c.error)
      .map((c) => c.op);
    expect(ops).toEqual(['ChangeResourceRecordSets', 'DeleteHealthCheck', 'DeleteAlarms']);
    expect(world.account.cloudWatch.alarm(alarmOf(world, a!))).toBeUndefined();
  });

  it.each([
    ['record cannot be deleted', 'route53', 'ChangeResourceRecordSets'],
    ['deregistration note cannot be written (the record stays)', 'ec2', 'CreateTags'],
    ['health check cannot be deleted', 'route53', 'DeleteHealthCheck'],
  ] as const)('a leaving node whose %s keeps its alarm: no record or check ever watches a deleted alarm', async (_what, service, op) => {
    // Prepare
    const world = privateFleet();
    const [a] = world.account.autoScaling.scaleOut(GROUP, 2);
    await world.deliverAll();
    world.account.advance(1);
    world.account.faults.fail({ service, ops: [op], error: { code: 'AccessDenied', message: 'denied', status: 403 } });

    // Act
    world.account.autoScaling.terminate(a!);
    await world.deliverAll().catch(() => undefined);
    world.account.advance(5);
    await world.schedule().catch(() => undefined);

    // Assess: whatever of ours still names the node, its alarm is still there
    const alarm = alarmOf(world, a!);
    const watching = world.account.route53.healthChecks().filter((h) => h.HealthCheckConfig?.AlarmIdentifier?.Name === alarm);
    const record = world.dnsTable().find((r) => r.setIdentifier.endsWith(a!));
    expect(watching.length + (record ? 1 : 0)).toBeGreaterThan(0);
    expect(world.account.cloudWatch.alarm(alarm)).toBeDefined();
  });

  it('the configuration is refused without managed alarms, naming the field (Route 53 cannot probe a private address)', () => {
    expect(() => new FleetWorld({ dns: { address: 'private-ipv4' } })).toThrow(/dns\.address.*"private-ipv4" needs alarms with "manage": true/s);
  });
});
