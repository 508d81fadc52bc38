/**
 * `hfc doctor` on the simulated account: a well-prepared fleet passes, and each misconfiguration
 * it lists is caught with what to change.
 */
import { describe, expect, it } from 'vitest';
import { runCli } from '../harness/cli';
import { ConfigWorld, CONFIG_DOCUMENT, MEASURE_DOCUMENT } from '../harness/configWorld';
import { ALARM_TOPIC, FailoverWorld } from '../harness/failoverWorld';
import { FleetWorld, GROUP } from '../harness/fleetWorld';

interface Check {
  fleet: string;
  check: string;
  status: 'pass' | 'warn' | 'fail';
  detail: string;
}

async function doctor(world: FleetWorld, ...extra: string[]) {
  const out = await runCli(world, ['doctor', '--json', ...extra]);
  const checks = (JSON.parse(out.stdout) as { checks: Check[] }).checks;
  return { code: out.code, checks, get: (name: string) => checks.find((c) => c.check === name) };
}

/** A security group admitting the health-check port from Route 53's checkers (their prefix lists). */
function openGroup(world: FleetWorld, families: ('ipv4' | 'ipv6')[] = ['ipv4']): string {
  const lists = world.account.ec2.security.prefixLists();
  return world.account.ec2.security.create('hfc-lb', [
    {
      IpProtocol: 'tcp',
      FromPort: 8404,
      ToPort: 8404,
      PrefixListIds: lists.filter((l) => families.includes(l.family === 'IPv4' ? 'ipv4' : 'ipv6')).map((l) => ({ PrefixListId: l.id })),
    },
    { IpProtocol: 'tcp', FromPort: 80, ToPort: 80, IpRanges: [{ CidrIp: '0.0.0.0/0' }] },
  ]);
}

async function prepared(opts: ConstructorParameters<typeof FleetWorld>[0] = {}) {
  const world = new FleetWorld(opts);
  world.account.autoScaling.setGroup(GROUP, { maxSize: 10, securityGroups: [openGroup(world)] });
  world.account.autoScaling.takeNotifications();
  world.account.autoScaling.scaleOut(GROUP, 2);
  await world.deliverAll();
  world.account.advance(1);
  return world;
}

describe('hfc doctor', () => {
  it('a well-prepared fleet passes every check, exit 0', async () => {
    const world = await prepared();
    const out = await doctor(world);
    expect(out.code).toBe(0);
    expect(out.checks.filter((c) => c.status !== 'pass')).toEqual([]);
    expect(out.checks.map((c) => c.check)).toEqual(
      expect.arrayContaining([
        'record limit (A)',
        'health-check quota',
        'records at the name',
        'launching hook',
        'terminating hook',
        'deregistration delay',
        'health checkers (IPv4, port 8404)',
      ]),
    );
  });

  it("a security group closed to Route 53's checkers fails, naming the nodes and the prefix list; exit 1", async () => {
    const world = new FleetWorld();
    const closed = world.account.ec2.security.create('closed', [{ IpProtocol: 'tcp', FromPort: 80, ToPort: 80, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }]);
    world.account.autoScaling.setGroup(GROUP, { maxSize: 10, securityGroups: [closed] });
    world.account.autoScaling.takeNotifications();
    const [a] = world.account.autoScaling.scaleOut(GROUP, 1);
    const out = await doctor(world);
    expect(out.code).toBe(1);
    expect(out.get('health checkers (IPv4, port 8404)')).toMatchObject({ status: 'fail', detail: expect.stringContaining(a!) });
    expect(out.get('health checkers (IPv4, port 8404)')!.detail).toContain(world.account.ec2.security.prefixLists()[0]!.id);
  });

  it("a group open to other ranges only (say, the checkers' published CIDRs) warns instead: it cannot be confirmed here", async () => {
    const world = new FleetWorld();
    const own = world.account.ec2.security.create('own-ranges', [
      { IpProtocol: 'tcp', FromPort: 8000, ToPort: 9000, IpRanges: [{ CidrIp: '0.0.0.0/1' }, { CidrIp: '128.0.0.0/1' }] },
    ]);
    world.account.autoScaling.setGroup(GROUP, { maxSize: 10, securityGroups: [own] });
    world.account.autoScaling.takeNotifications();
    world.account.autoScaling.scaleOut(GROUP, 1);
    const out = await doctor(world);
    expect(out.get('health checkers (IPv4, port 8404)')).toMatchObject({ status: 'warn', detail: expect.stringContaining('ROUTE53_HEALTHCHECKS') });
  });

  it('a dual-stack fleet whose group admits only the IPv4 checkers fails the IPv6 check', async () => {
    const world = await prepared({ dns: { dualStack: true } });
    const out = await doctor(world);
    expect(out.get('health checkers (IPv4, port 8404)')!.status).toBe('pass');
    expect(out.get('health checkers (IPv6, port 8404)')).toMatchObject({ status: 'fail', detail: expect.stringContaining('::/0') });
  });

  it('a group that can outgrow one record name fails, saying how to split it', async () => {
    const world = await prepared();
    world.account.autoScaling.setGroup(GROUP, { maxSize: 150 });
    const out = await doctor(world);
    expect(out.get('record limit (A)')).toMatchObject({ status: 'fail', detail: expect.stringContaining('split it into fleets') });
  });

  it("a group whose checks do not fit the account's health-check quota fails", async () => {
    const world = await prepared({ fleet: { limits: { healthCheckQuota: 5 } } });
    const out = await doctor(world);
    expect(out.get('health-check quota')).toMatchObject({ status: 'fail', detail: expect.stringContaining('may need 10 health checks') });
  });

  it('a missing lifecycle hook fails (stack not deployed, or another stage)', async () => {
    const world = await prepared();
    world.account.autoScaling.DeleteLifecycleHook({ AutoScalingGroupName: GROUP, LifecycleHookName: world.fleet.lifecycleHooks.launching.name });
    const out = await doctor(world);
    expect(out.get('launching hook')).toMatchObject({ status: 'fail', detail: expect.stringContaining('npx serverless deploy') });
  });

  it('records at the name that are not ours: a weighted one warns, a simple one fails', async () => {
    const world = await prepared();
    world.account.route53.putRecordByHand(world.zoneId, {
      Name: 'lb.example.com.',
      Type: 'A',
      TTL: 60,
      SetIdentifier: 'by-hand',
      Weight: 10,
      ResourceRecords: [{ Value: '54.99.0.1' }],
    });
    expect((await doctor(world)).get('records at the name')).toMatchObject({ status: 'warn', detail: expect.stringContaining('hfc adopt') });
    // A simple record at the name (no fleet registered yet: Route 53 refuses mixing them)
    const plain = new FleetWorld();
    plain.account.route53.putRecordByHand(plain.zoneId, { Name: 'lb.example.com.', Type: 'A', TTL: 60, ResourceRecords: [{ Value: '54.99.0.2' }] });
    expect((await doctor(plain)).get('records at the name')).toMatchObject({ status: 'fail', detail: expect.stringContaining('simple or alias A record') });
    // Another name in the zone is nobody's business
    const other = await prepared();
    other.account.route53.putRecordByHand(other.zoneId, { Name: 'www.example.com.', Type: 'A', TTL: 60, ResourceRecords: [{ Value: '54.99.0.3' }] });
    expect((await doctor(other)).get('records at the name')!.status).toBe('pass');
  });

  it('Elastic IPs: a pool smaller than the group warns; an instance type too small to receive peers warns', async () => {
    const world = new FailoverWorld({ eips: 3 });
    world.account.autoScaling.setGroup(GROUP, { maxSize: 6, instanceType: 't3.micro', securityGroups: [openGroup(world)] });
    world.account.autoScaling.takeNotifications();
    await world.launch(3);
    const out = await doctor(world, '--alarm-topic-arn', ALARM_TOPIC);
    expect(out.get('Elastic IP pool')).toMatchObject({ status: 'warn', detail: expect.stringContaining('3 pool address(es) for a group of up to 6') });
    expect(out.get('secondary IPs (t3.micro)')).toMatchObject({ status: 'warn', detail: expect.stringContaining('could need 2') });
  });

  it('with haproxy: a load balancer whose SSM agent is offline fails; stick tables remind of the peer name', async () => {
    const world = new ConfigWorld();
    world.account.autoScaling.setGroup(GROUP, { maxSize: 10, securityGroups: [openGroup(world)] });
    world.account.autoScaling.takeNotifications();
    const [a] = world.account.autoScaling.scaleOut(GROUP, 2);
    await world.deliverAll().catch(() => undefined);
    world.account.advance(1);
    world.account.ssm.setAgentOnline(a!, false);
    const out = await doctor(world, '--config-document', CONFIG_DOCUMENT, '--measure-document', MEASURE_DOCUMENT);
    expect(out.get('SSM agents')).toMatchObject({ status: 'fail', detail: expect.stringContaining(a!) });
    expect(out.get('peer name')).toMatchObject({ status: 'warn', detail: expect.stringContaining('-L <its instance id>') });
  });
});
