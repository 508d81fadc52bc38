/**
 * The `hfc` CLI against the simulated account: the same observe and plan code as the functions,
 * read-only. JSON output asserted field by field; tables checked for what they must show.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { runCli } from '../harness/cli';
import { APP_GROUP, CONFIG_DOCUMENT, ConfigWorld, MEASURE_DOCUMENT } from '../harness/configWorld';
import { FleetWorld, GROUP } from '../harness/fleetWorld';

/** Runs the CLI on the world's account (test/harness/cli.ts). */
const hfc = (world: FleetWorld, ...argv: string[]) => runCli(world, argv);
const writes = (world: FleetWorld, mark: number) => world.account.callsSince(mark).filter((c) => !/^(Describe|List|Get)/.test(c.op));

/** Two nodes in service. */
async function fleet() {
  const world = new FleetWorld();
  world.account.autoScaling.takeNotifications();
  const [a, b] = world.account.autoScaling.scaleOut(GROUP, 2);
  await world.deliverAll();
  world.account.advance(1);
  return { world, a: a!, b: b! };
}

describe('hfc status', () => {
  it('lists every node with its records and checks; --json field by field; nothing written', async () => {
    // Prepare
    const { world, a, b } = await fleet();
    const mark = world.account.mark();

    // Act
    const json = await hfc(world, 'status', '--json');
    const text = await hfc(world, 'status');

    // Assess
    expect(json.code).toBe(0);
    const [f] = json.json().fleets;
    expect(f).toMatchObject({ fleet: 'edge', group: GROUP, pendingChanges: 0 });
    expect(f.loadBalancers.map((n: { instanceId: string }) => n.instanceId)).toEqual([a, b].sort());
    for (const n of f.loadBalancers) {
      const inst = world.account.ec2.instance(n.instanceId)!;
      expect(n.lifecycleState).toBe('InService');
      expect(n.records).toEqual([expect.objectContaining({ type: 'A', value: inst.publicIp, weight: 100 })]);
      expect(n.healthChecks).toEqual([{ id: n.records[0].healthCheckId, target: `HTTP ${inst.publicIp}:8404/healthz`, status: 'Healthy' }]);
      expect(n.waiting).toBeUndefined();
    }
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(`fleet edge  group ${GROUP}`);
    expect(text.stdout).toMatch(new RegExp(`${a}\\s+InService`));
    expect(text.stdout).toContain('in sync');
    expect(writes(world, mark)).toEqual([]);
  });

  it("shows Route 53's verdict on each check (GetHealthCheckStatus): a node whose endpoint fails is Unhealthy", async () => {
    const { world, a } = await fleet();
    world.account.route53.setEndpointHealth(world.account.ec2.instance(a)!.publicIp!, false);
    const out = await hfc(world, 'status', '--json');
    const nodes = out.json().fleets[0].loadBalancers as { instanceId: string; healthChecks: { status: string }[] }[];
    expect(nodes.map((n) => `${n.instanceId} ${n.healthChecks[0]!.status}`).sort()).toEqual(
      nodes.map((n) => `${n.instanceId} ${n.instanceId === a ? 'Unhealthy' : 'Healthy'}`).sort(),
    );
    expect((await hfc(world, 'why', a)).stdout).toContain('(Unhealthy)');
  });

  it('a waiting node shows its reason', async () => {
    const { world } = await fleet();
    world.account.faults.fail({ service: 'route53', ops: ['CreateHealthCheck'], error: { code: 'AccessDenied', message: 'denied', status: 403 } });
    const [c] = world.account.autoScaling.scaleOut(GROUP, 1);
    await world.deliverAll().catch(() => undefined);
    world.account.faults.clear();
    const out = await hfc(world, 'status', '--json');
    const node = out.json().fleets[0].loadBalancers.find((n: { instanceId: string }) => n.instanceId === c);
    expect(node.lifecycleState).toBe('Pending:Wait');
    expect(node.records).toEqual([]);
    expect(node.planned.map((p: { code: string }) => p.code)).toEqual(['node-joined', 'node-joined']);
  });
});

describe('hfc plan', () => {
  it('exit 0 in sync; after a record is deleted by hand, exit 2 with the change and its reason; nothing written', async () => {
    // Prepare
    const { world, a } = await fleet();
    expect((await hfc(world, 'plan')).code).toBe(0);
    const record = world.account.route53.records(world.zoneId).find((r) => r.SetIdentifier?.endsWith(a))!;
    world.account.route53.ChangeResourceRecordSets({ HostedZoneId: world.zoneId, ChangeBatch: { Changes: [{ Action: 'DELETE', ResourceRecordSet: record }] } });
    const mark = world.account.mark();

    // Act
    const json = await hfc(world, 'plan', '--json');
    const text = await hfc(world, 'plan');

    // Assess
    expect(json.code).toBe(2);
    expect(json.json()).toMatchObject({ inSync: false });
    expect(json.json().fleets[0].changes).toEqual([
      {
        kind: 'createRecord',
        instanceId: a,
        detail: `A ${world.account.ec2.instance(a)!.publicIp} weight 100`,
        reason: { code: 'node-joined', message: 'node InService' },
      },
    ]);
    expect(text.code).toBe(2);
    expect(text.stdout).toMatch(new RegExp(`createRecord\\s+${a}`));
    expect(text.stdout).toContain('[node-joined]');
    expect(writes(world, mark)).toEqual([]);
  });
});

describe('hfc plan: not in sync while a node waits', () => {
  it('a node held back by a record in the way: no change to make, yet not in sync (exit 2), with the reason', async () => {
    const world = new FleetWorld({ preexisting: 1 });
    world.account.route53.putRecordByHand(world.zoneId, { Name: 'lb.example.com.', Type: 'A', TTL: 300, ResourceRecords: [{ Value: '54.200.0.9' }] });
    const out = await hfc(world, 'plan', '--json');
    expect(out.code).toBe(2);
    expect(out.json().fleets[0]).toMatchObject({ inSync: false, changes: [], waiting: [expect.objectContaining({ code: 'record-conflict' })] });
  });

  it("a configuration that cannot be rendered is the plan's problem to show, not a failure of the command", async () => {
    const world = new ConfigWorld();
    world.account.autoScaling.takeNotifications();
    world.account.autoScaling.scaleOut(GROUP, 1);
    await world.deliverAll().catch(() => undefined);
    world.account.autoScaling.deleteGroup(APP_GROUP);
    const out = await hfc(world, 'status', '--json', '--config-document', CONFIG_DOCUMENT, '--measure-document', MEASURE_DOCUMENT);
    expect(out.code).toBe(0);
    expect(out.json().fleets[0].config.problem).toContain('nothing is pushed');
  });

  it("a --stage without its own file, when fleet.config.json is another stage's, is refused (a typo must not show another fleet)", async () => {
    const world = new FleetWorld();
    const out = await hfc(world, 'status', '--stage', 'prd');
    expect(out.code).toBe(1);
    expect(out.stderr).toBe('hfc: stage "prd" has no fleet.config.prd.json, and fleet.config.json is stage "dev"\'s (pass --stage dev, or --config FILE)\n');
  });
});

describe('hfc why', () => {
  it('a launch held back: registered? no; its action waits, with why, and when its hook would time out', async () => {
    // Prepare: Route 53 refuses its check, so its launch waits
    const { world } = await fleet();
    world.account.faults.fail({ service: 'route53', ops: ['CreateHealthCheck'], error: { code: 'AccessDenied', message: 'denied', status: 403 } });
    const [c] = world.account.autoScaling.scaleOut(GROUP, 1);
    await world.deliverAll().catch(() => undefined);

    // Act
    const out = await hfc(world, 'why', c!, '--json');
    const text = await hfc(world, 'why', c!);

    // Assess
    expect(out.code).toBe(0);
    const why = out.json();
    expect(why).toMatchObject({ instanceId: c, fleet: 'edge', tier: 'load-balancer', lifecycleState: 'Pending:Wait' });
    expect(why.gates.map((g: { gate: string; state: string }) => `${g.gate}:${g.state}`)).toEqual([
      'registered in DNS:waiting',
      'lifecycle action:waiting',
      'hook timeout:info',
    ]);
    expect(why.gates[2].detail).toContain('Auto Scaling applies ABANDON at');
    expect(why.planned.map((p: { kind: string }) => p.kind)).toEqual(['createHealthCheck', 'createRecord', 'completeLifecycleAction']);
    expect(why.gates[1].detail).toContain('once its 2 planned change(s) succeed');
    expect(text.stdout).toContain(`${c}: load-balancer of fleet edge`);
    expect(text.stdout).toContain('WAIT lifecycle action');
  });

  it('an instance in no fleet: exit 1, one line naming it', async () => {
    const { world } = await fleet();
    const out = await hfc(world, 'why', 'i-0123456789abcdef0');
    expect(out.code).toBe(1);
    expect(out.stderr).toBe('hfc: i-0123456789abcdef0 is in no group of fleet edge (load balancers or application servers)\n');
  });
});

describe('hfc errors', () => {
  it.each([
    [['status', '--nope'], 'hfc: unknown flag --nope (hfc help lists them)\n'],
    [['frobnicate'], 'hfc: unknown command "frobnicate"; commands: status, plan, why, doctor, adopt, help\n'],
    [['why'], 'hfc: hfc why takes one instance id: hfc why i-0123456789abcdef0\n'],
    [['status', '--fleet'], 'hfc: --fleet needs a value\n'],
    [['status', '--fleet', 'nope'], expect.stringMatching(/^hfc: .*fleet\.config\.json has no fleet "nope"; its fleets: edge\n$/)],
  ])('%j: one line, exit 1', async (argv, message) => {
    const world = new FleetWorld();
    const out = await hfc(world, ...argv);
    expect(out.code).toBe(1);
    expect(out.stderr).toEqual(message);
  });

  it('a fleet with managed alarms needs the alarm topic, and says where it is', async () => {
    const world = new FleetWorld({ dns: { address: 'private-ipv4' }, fleet: { alarms: { manage: true } } });
    const out = await hfc(world, 'status');
    expect(out.code).toBe(1);
    expect(out.stderr).toContain("pass --alarm-topic-arn (the stack's AlarmTopicArn output");
  });

  it('the installed command (bin/hfc.cjs) runs, and its errors are one line with no stack', () => {
    const help = execFileSync(process.execPath, ['bin/hfc.cjs', 'help'], { encoding: 'utf8' });
    expect(help).toContain('hfc status');
    const bad = spawnSync(process.execPath, ['bin/hfc.cjs', 'status', '--config', '/nonexistent/fleet.config.json'], { encoding: 'utf8' });
    expect(bad.status).toBe(1);
    expect(bad.stderr).toBe('hfc: cannot read the fleet configuration /nonexistent/fleet.config.json: ENOENT (pass --config FILE or run in the repository)\n');
  });
});
