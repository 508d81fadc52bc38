/**
 * A private fleet (dns.address private-ipv4): nodes with no public IPv4 in private subnets,
 * registered on their private addresses, each record with a CLOUDWATCH_METRIC health check on
 * the node's managed alarm (Route 53's checkers cannot reach a private address). The alarm is
 * created before the check that watches it and deleted after it.
 */
import { describe, expect, it } from 'vitest';
import { createHandler as createAlarmHandler } from '../../functions/alarm';
import { alarmSnsEvent } from '../../sim/envelopes';
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

  it('in a private zone, through launch, alarm, DNS failover, recovery and scale-in: the one alarm decides what Route 53 answers', async () => {
    // Prepare: the fleet's record name lives in a private hosted zone
    const world = new FleetWorld({ privateZone: true, dns: { address: 'private-ipv4' }, fleet: { alarms: { manage: true } } });
    world.deps.settings.alarmTopicArn = ALARM_TOPIC;
    world.account.autoScaling.takeNotifications();
    const alarmFunction = createAlarmHandler(world.deps);
    const outcomes: unknown[] = [];
    const deliverAlarms = async () => {
      for (const n of world.account.cloudWatch.takeNotifications())
        outcomes.push(...(await alarmFunction(alarmSnsEvent(world.account, n), { getRemainingTimeInMillis: () => 30_000 } as never)));
    };
    const answers = () => world.account.route53.answers(world.zoneId, world.fleet.dns.recordName, 'A');
    const ipOf = (id: string) => world.account.ec2.instance(id)!.privateIp!;
    const ip = (ids: string[]) => ids.map(ipOf).sort();

    // Act: launch; the alarms have no data yet (a new check with LastKnownStatus is healthy)
    const [a, b, c] = world.account.autoScaling.scaleOut(GROUP, 3);
    await world.deliverAll();
    world.account.advance(1);
    expect(world.nodes().every((n) => n.state === 'InService')).toBe(true);
    expect(answers()).toEqual(ip([a!, b!, c!]));
    for (const id of [a!, b!, c!]) world.account.cloudWatch.setState(alarmOf(world, id), 'OK');
    await deliverAlarms();

    // Act: a's alarm fires. Route 53 stops answering with it; the control plane changes no record
    const mark = world.account.mark();
    world.account.cloudWatch.setState(alarmOf(world, a!), 'ALARM');
    await deliverAlarms();
    await world.schedule();
    expect(answers()).toEqual(ip([b!, c!]));
    expect(world.account.callsSince(mark).filter((x) => x.op === 'ChangeResourceRecordSets')).toEqual([]);
    expect(world.dnsTable()).toHaveLength(3);
    // (the alarm function has nothing to move without Elastic IPs: it says so and changes nothing)
    expect(outcomes.at(-1)).toMatchObject({ status: 'ignored', alarm: alarmOf(world, a!) });

    // Act: its metric stops (INSUFFICIENT_DATA): the last known status holds, it stays out
    world.account.cloudWatch.setState(alarmOf(world, a!), 'INSUFFICIENT_DATA');
    expect(answers()).toEqual(ip([b!, c!]));

    // Act: every node fails: Route 53 answers with all of them rather than with nothing
    for (const id of [a!, b!, c!]) world.account.cloudWatch.setState(alarmOf(world, id), 'ALARM');
    expect(answers()).toEqual(ip([a!, b!, c!]));

    // Act: recovery
    for (const id of [a!, b!, c!]) world.account.cloudWatch.setState(alarmOf(world, id), 'OK');
    await deliverAlarms();
    expect(answers()).toEqual(ip([a!, b!, c!]));

    // Act: scale-in of b: record, check, then alarm go; it is out of the answers before it ends
    world.account.autoScaling.terminate(b!);
    await world.deliverAll();
    expect(answers()).toEqual(ip([a!, c!]));
    await world.drain();
    await world.schedule();
    expect(world.account.cloudWatch.alarm(alarmOf(world, b!))).toBeUndefined();
    expect(
      world
        .nodes()
        .map((n) => n.instanceId)
        .sort(),
    ).toEqual([a!, c!].sort());
    expect(world.dnsTable().map((r) => r.value)).toEqual(ip([a!, c!]));
    expect(
      world
        .ourHealthChecks()
        .map((h) => h.instanceId)
        .sort(),
    ).toEqual([a!, c!].sort());
  });

  it('the configuration is refused without managed alarms, naming the field (Route 53 cannot probe a private address)', () => {
    expect(() => new FleetWorld({ dns: { address: 'private-ipv4' } })).toThrow(/dns\.address.*"private-ipv4" needs alarms with "manage": true/s);
  });
});
