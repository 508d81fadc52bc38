/**
 * `hfc doctor` on the simulated account: a well-prepared fleet passes, and each misconfiguration
 * it lists is caught with what to change.
 */
import { describe, expect, it } from 'vitest';
import { runCli } from '../harness/cli';
import { APP_GROUP, ConfigWorld, CONFIG_DOCUMENT, MEASURE_DOCUMENT } from '../harness/configWorld';
import { ALARM_TOPIC, FailoverWorld } from '../harness/failoverWorld';
import { FleetWorld, GROUP } from '../harness/fleetWorld';

interface Check {
  fleet: string;
  check: string;
  status: 'pass' | 'warn' | 'fail';
  detail: string;
  /** The peer name check's nodes. */
  nodes?: { instanceId: string; result: string; running?: string; source?: string; why?: string; reportedAt?: string }[];
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

  it('with haproxy: a load balancer whose SSM agent is offline fails; the peer name it reported with its last push still counts', async () => {
    const world = new ConfigWorld();
    world.account.autoScaling.setGroup(GROUP, { maxSize: 10, securityGroups: [openGroup(world)] });
    world.account.autoScaling.takeNotifications();
    const [a] = world.account.autoScaling.scaleOut(GROUP, 2);
    await world.deliverAll().catch(() => undefined);
    world.account.advance(1);
    world.account.ssm.setAgentOnline(a!, false);
    const out = await doctor(world, '--config-document', CONFIG_DOCUMENT, '--measure-document', MEASURE_DOCUMENT);
    expect(out.get('SSM agents')).toMatchObject({ status: 'fail', detail: expect.stringContaining(a!) });
    expect(out.get('peer name')!.status).toBe('pass');
  });
});

/**
 * The peer name: each in-service load balancer's newest successful push of the configuration
 * document reports the local peer name its HAProxy master runs under (`hfc-local-peer:`), which
 * the simulated nodes print as the apply script does (sim/haproxyNode.ts).
 */
describe('hfc doctor: the peer name HAProxy runs under', () => {
  const DOCS = ['--config-document', CONFIG_DOCUMENT, '--measure-document', MEASURE_DOCUMENT];

  /** Two load balancers in service, each pushed its configuration; `prepare` sets their HAProxy up first. */
  async function sticky(prepare: (world: ConfigWorld, a: string, b: string) => void = () => {}, opts: ConstructorParameters<typeof ConfigWorld>[0] = {}) {
    const world = new ConfigWorld(opts);
    world.account.autoScaling.setGroup(GROUP, { maxSize: 10, securityGroups: [openGroup(world)] });
    world.account.autoScaling.takeNotifications();
    const [a, b] = world.account.autoScaling.scaleOut(GROUP, 2).sort();
    prepare(world, a!, b!);
    await world.deliverAll().catch(() => undefined);
    world.account.advance(1);
    return { world, a: a!, b: b! };
  }
  const hostOf = (world: ConfigWorld, id: string) => world.node(id).hostName;

  it('every node started with -L <its instance id>: pass; --json field by field; only Describe/List/Get calls, one listing per node filtered by document and Success', async () => {
    // Prepare
    const { world, a, b } = await sticky();
    const pushed = (id: string) =>
      world.account.ssm
        .invocations()
        .filter((i) => i.instanceId === id && i.documentName === CONFIG_DOCUMENT)
        .at(-1)!
        .requested.toISOString();
    const mark = world.account.mark();

    // Act
    const out = await doctor(world, ...DOCS);

    // Assess
    expect(out.get('peer name')).toEqual({
      fleet: 'edge',
      check: 'peer name',
      status: 'pass',
      detail: `every load balancer in service (2) runs HAProxy under its instance id, as its last successful push reported (the oldest report: ${[pushed(a), pushed(b)].sort()[0]})`,
      nodes: [
        { instanceId: a, result: 'ok', running: a, source: '-L', reportedAt: pushed(a) },
        { instanceId: b, result: 'ok', running: b, source: '-L', reportedAt: pushed(b) },
      ],
    });
    const calls = world.account.callsSince(mark);
    expect(calls.filter((c) => !/^(Describe|List|Get)/.test(c.op))).toEqual([]);
    const listings = calls.filter((c) => c.op === 'ListCommandInvocations').map((c) => c.input);
    expect(listings).toEqual(
      expect.arrayContaining(
        [a, b].map((id) => ({
          InstanceId: id,
          Details: true,
          MaxResults: 5,
          Filters: [
            { key: 'DocumentName', value: CONFIG_DOCUMENT },
            { key: 'Status', value: 'Success' },
          ],
        })),
      ),
    );
    expect(listings).toHaveLength(2);
    expect(calls.filter((c) => c.op === 'GetCommandInvocation')).toEqual([]);
  });

  it('a node started without -L (its host name) and one with another name fail, naming each, what it runs as and the EXTRAOPTS line; exit 1', async () => {
    // Prepare
    const { world, a, b } = await sticky((w, a, b) => {
      w.node(a).localPeer = null;
      w.node(b).localPeer = 'i-0fffffffffffffff0';
    });

    // Act
    const out = await doctor(world, ...DOCS);

    // Assess
    expect(out.code).toBe(1);
    const check = out.get('peer name')!;
    expect(check.status).toBe('fail');
    expect(check.detail).toContain(`${a} runs HAProxy as ${hostOf(world, a)} (started without -L: its host name)`);
    expect(check.detail).toContain(`${b} runs HAProxy as i-0fffffffffffffff0 (started with -L)`);
    expect(check.detail).toContain('EXTRAOPTS="-S /run/haproxy-master.sock -L <instance id>" in /etc/default/haproxy (docs/iam.md#the-nodes-haproxy)');
    expect(check.detail).toContain('restart');
    expect(check.nodes).toEqual([
      { instanceId: a, result: 'mismatch', running: hostOf(world, a), source: 'hostname', reportedAt: expect.any(String) },
      { instanceId: b, result: 'mismatch', running: 'i-0fffffffffffffff0', source: '-L', reportedAt: expect.any(String) },
    ]);
  });

  it('nothing readable (an apply script from before the report; a deploy replaced the document and nothing was pushed since): warns with the reminder, why for each node and how to get a report', async () => {
    // Prepare: both nodes run an apply script from before the report
    const { world, a, b } = await sticky((w, a, b) => {
      w.node(a).reportsLocalPeer = false;
      w.node(b).reportsLocalPeer = false;
    });

    // Act: with the document the nodes were pushed, and with the one a new deploy would name
    const old = await doctor(world, ...DOCS);
    const redeployed = await doctor(world, '--config-document', `${CONFIG_DOCUMENT}-2`, '--measure-document', MEASURE_DOCUMENT);

    // Assess
    for (const out of [old, redeployed]) {
      const check = out.get('peer name')!;
      expect(check.status).toBe('warn');
      expect(check.detail).toContain(
        "stick tables are shared through peers: each node's HAProxy must start with -L <its instance id> (docs/iam.md#the-nodes-haproxy); no node's report could be read: ",
      );
      expect(check.detail).toContain('delete its hfc:config-digest tag');
    }
    expect(old.get('peer name')!.detail).toContain(`${a} (its last push ran an apply script from before the report), ${b} (its last push`);
    expect(redeployed.get('peer name')!.detail).toContain(`${a} (no successful push of the configuration document is listed for it), ${b} (no successful push`);
    expect([old, redeployed].map((o) => o.get('peer name')!.nodes!.map((n) => n.result))).toEqual([
      ['no-report', 'no-report'],
      ['no-push', 'no-push'],
    ]);
  });

  it("one node read and one not: warns, counting them; deleting the unread node's digest tag has the next run push again and its report read: pass", async () => {
    // Prepare
    const { world, a, b } = await sticky((w, a) => {
      w.node(a).reportsLocalPeer = false;
    });
    const first = await doctor(world, ...DOCS);
    world.node(a).reportsLocalPeer = true;
    const reloads = world.node(a).reloads;

    // Act
    world.account.ec2.DeleteTags({ Resources: [a], Tags: [{ Key: 'hfc:config-digest' }] });
    await world.schedule();
    const second = await doctor(world, ...DOCS);

    // Assess
    expect(first.get('peer name')).toMatchObject({
      status: 'warn',
      detail: expect.stringContaining(`1 of 2 run HAProxy under their instance id; not read: ${a}`),
    });
    expect(first.get('peer name')!.detail).not.toContain(b);
    expect(world.node(a).reloads, 'the same configuration again: no reload').toBe(reloads);
    expect(second.get('peer name')!.status).toBe('pass');
  });

  it('the newest successful push counts: a node restarted without -L since shows once pushed again', async () => {
    // Prepare
    const { world, a } = await sticky();
    world.node(a).localPeer = null;

    // Act: before and after the next push to it
    const before = await doctor(world, ...DOCS);
    world.account.ec2.DeleteTags({ Resources: [a], Tags: [{ Key: 'hfc:config-digest' }] });
    await world.schedule();
    const after = await doctor(world, ...DOCS);

    // Assess
    expect(before.get('peer name')!.status).toBe('pass');
    expect(after.get('peer name')).toMatchObject({ status: 'fail', detail: expect.stringContaining(`${a} runs HAProxy as ${hostOf(world, a)}`) });
  });

  it("the report is read in full (GetCommandInvocation) when the listing's 2,500 characters cut it off", async () => {
    // Prepare: the nodes print 3,000 characters before their report
    const { world, a, b } = await sticky((w) => {
      const run = w.account.ssm.runner;
      w.account.ssm.runner = (inv) => {
        const r = run(inv);
        return r.status === 'Success' && inv.documentName === CONFIG_DOCUMENT ? { ...r, stdout: `${'x'.repeat(2999)}\n${r.stdout}` } : r;
      };
    });
    const mark = world.account.mark();

    // Act
    const out = await doctor(world, ...DOCS);

    // Assess
    expect(out.get('peer name')!.status).toBe('pass');
    expect(
      world.account
        .callsSince(mark)
        .filter((c) => c.op === 'GetCommandInvocation')
        .map((c) => (c.input as { InstanceId: string }).InstanceId)
        .sort(),
    ).toEqual([a, b]);
  });

  it('invocations that cannot be read (no ssm:ListCommandInvocations) warn instead of failing the command', async () => {
    // Prepare
    const { world } = await sticky();
    world.account.faults.fail({
      service: 'ssm',
      ops: ['ListCommandInvocations'],
      error: { code: 'AccessDeniedException', message: 'not authorized', status: 400 },
    });

    // Act
    const out = await doctor(world, ...DOCS);

    // Assess
    expect(out.code).toBe(0);
    expect(out.get('peer name')).toMatchObject({ status: 'warn', detail: expect.stringContaining('its invocations could not be read: ') });
  });

  it('a fleet without stick tables has no peers section to sync: no peer name check, no listing', async () => {
    // Prepare
    const { world } = await sticky(() => {}, {
      fleet: {
        haproxy: {
          backends: [{ name: 'app', servers: { autoScalingGroup: APP_GROUP }, port: 8080 }],
          httpFrontends: [{ name: 'web', port: 80, routes: [], defaultBackend: 'app' }],
        },
      },
    });
    const mark = world.account.mark();

    // Act
    const out = await doctor(world, ...DOCS);

    // Assess
    expect(out.get('peer name')).toBeUndefined();
    expect(world.account.callsSince(mark).filter((c) => c.op === 'ListCommandInvocations')).toEqual([]);
  });
});
