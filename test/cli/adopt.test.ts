/**
 * `hfc adopt` on a fleet registered by hand: its weighted records (with checks of their own) are
 * replaced by the control plane's, each in one batch, and a stale one is left alone; printed
 * first, changed only with --apply. Its Elastic IPs are tagged into the pool.
 */
import { describe, expect, it } from 'vitest';
import { runCli } from '../harness/cli';
import { instanceOfSetIdentifier } from '../../lib/plan/naming';
import { ALARM_TOPIC, FailoverWorld } from '../harness/failoverWorld';
import { FleetWorld, GROUP } from '../harness/fleetWorld';

/** The CLI on the world's account; stderr with stdout (test/harness/cli.ts). */
async function hfc(world: FleetWorld, ...argv: string[]) {
  const out = await runCli(world, argv);
  return { code: out.code, stdout: out.stdout + out.stderr };
}
const writes = (world: FleetWorld, mark: number) => world.account.callsSince(mark).filter((c) => !/^(Describe|List|Get)/.test(c.op));

/** Two nodes in service, registered by hand (weighted A records with checks of their own), and a stale record. */
function handMade() {
  const world = new FleetWorld({ preexisting: 2 });
  const ids = world.nodes().map((n) => n.instanceId);
  for (const [i, id] of ids.entries()) {
    const ip = world.account.ec2.instance(id)!.publicIp!;
    const check = world.account.route53.CreateHealthCheck({
      CallerReference: `by-hand-${i}`,
      HealthCheckConfig: { Type: 'TCP', IPAddress: ip, Port: 80 },
    }).HealthCheck!.Id!;
    world.account.route53.putRecordByHand(world.zoneId, {
      Name: 'lb.example.com.',
      Type: 'A',
      TTL: 60,
      SetIdentifier: `web-${i}`,
      Weight: 50,
      HealthCheckId: check,
      ResourceRecords: [{ Value: ip }],
    });
  }
  world.account.route53.putRecordByHand(world.zoneId, {
    Name: 'lb.example.com.',
    Type: 'A',
    TTL: 60,
    SetIdentifier: 'old-box',
    Weight: 50,
    ResourceRecords: [{ Value: '54.99.9.9' }],
  });
  return { world, ids };
}

describe('hfc adopt', () => {
  it('prints the takeover and changes nothing without --apply', async () => {
    const { world, ids } = handMade();
    const mark = world.account.mark();
    const out = await hfc(world, 'adopt');
    expect(out.code).toBe(0);
    expect(out.stdout).toContain('fleet edge: 4 step(s) (hfc adopt --apply carries them out)');
    for (const id of ids) expect(out.stdout).toMatch(new RegExp(`updateRecord\\s+${id}`));
    expect(out.stdout).toContain('left alone: A record old-box (54.99.9.9): it names no node of the group');
    expect(out.stdout).toContain(`weight: ${ids[0]}'s A record goes from 50 to 100`);
    expect(writes(world, mark)).toEqual([]);
  });

  it('--apply: each hand-made record is replaced by ours in one batch (the name never loses the node), the stale one stays; the fleet is then in sync', async () => {
    // Prepare
    const { world, ids } = handMade();
    const mark = world.account.mark();

    // Act
    const out = await hfc(world, 'adopt', '--apply');

    // Assess
    expect(out.code).toBe(0);
    const records = world.account.route53.records(world.zoneId).filter((r) => r.Type === 'A' && r.SetIdentifier);
    expect(records.map((r) => r.SetIdentifier).filter((s) => !instanceOfSetIdentifier(world.fleet, s))).toEqual(['old-box']);
    expect(
      records
        .map((r) => instanceOfSetIdentifier(world.fleet, r.SetIdentifier))
        .filter(Boolean)
        .sort(),
    ).toEqual([...ids].sort());
    // Each batch deleted a hand-made record only beside the record that replaces it
    const batches = world.account
      .callsSince(mark)
      .filter((c) => c.op === 'ChangeResourceRecordSets' && !c.error)
      .map((c) => (c.input as { ChangeBatch: { Changes: { Action: string; ResourceRecordSet: { SetIdentifier: string } }[] } }).ChangeBatch.Changes);
    for (const batch of batches) {
      const deleted = batch.filter((c) => c.Action === 'DELETE').length;
      expect(batch.filter((c) => c.Action === 'CREATE')).toHaveLength(deleted);
    }
    const plan = await hfc(world, 'plan');
    expect(plan.code).toBe(0);
    expect(plan.stdout).toContain('fleet edge: in sync');
  });

  it('a node in Standby keeps its hand-made record: nothing of it is deleted (the reconcile deregisters it, with its delay)', async () => {
    const { world, ids } = handMade();
    world.account.autoScaling.setStandby(ids[0]!, true);
    const out = await hfc(world, 'adopt', '--apply');
    expect(out.code).toBe(0);
    expect(out.stdout).toContain(`left alone: A record web-0`);
    const byHand = world.account.route53.records(world.zoneId).filter((r) => r.SetIdentifier === 'web-0');
    expect(byHand).toHaveLength(1);
    expect(world.account.route53.records(world.zoneId).some((r) => instanceOfSetIdentifier(world.fleet, r.SetIdentifier) === ids[0])).toBe(false);
  });

  it('--apply on an elastic-ip fleet tags the addresses its nodes hold into the pool, homed on their holder', async () => {
    const world = new FailoverWorld();
    world.account.autoScaling.takeNotifications();
    const ids = await world.launch(2);
    const held = ids.map((id) => {
      const a = world.account.ec2.allocateAddress();
      world.account.ec2.AssociateAddress({ AllocationId: a.allocationId, InstanceId: id });
      return a;
    });
    const out = await hfc(world, 'adopt', '--apply', '--alarm-topic-arn', ALARM_TOPIC);
    expect(out.code).toBe(0);
    for (const [i, a] of held.entries())
      expect(world.account.ec2.address(a.allocationId)!.tags).toMatchObject({ 'hfc:pool': world.fleet.elasticIps!.pool, 'hfc:home': ids[i] });
    expect(world.account.autoScaling.instances(GROUP)).toHaveLength(2);
  });
});
