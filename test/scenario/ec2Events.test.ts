/**
 * Announced ends (docs/failover.md): EC2's Spot interruption warnings, rebalance
 * recommendations and state changes move a node's Elastic IPs away before the node goes, on the
 * simulated account, through the real alarm function, with the events the stack's EventBridge
 * rules would deliver.
 */
import { describe, expect, it } from 'vitest';
import { ENDING_TAG } from '../../lib/plan/tags';
import { ec2Event } from '../../sim/envelopes';
import { FailoverWorld } from '../harness/failoverWorld';

/** A fleet of `n` nodes, each with its home address, registered, in service and with OK alarms. */
async function fleetOf(n: number, opts: ConstructorParameters<typeof FailoverWorld>[0] = {}) {
  const world = new FailoverWorld({ eips: n, ...opts });
  world.account.autoScaling.takeNotifications();
  const ids = await world.launch(n);
  await world.schedule(); // alarms now exist for every node
  for (const id of ids) world.recover(id);
  await world.deliverAlarms();
  world.account.advance(61);
  await world.schedule();
  world.account.ec2.takeEvents();
  const homeOf = (id: string) => world.eipTable().find((r) => r.home === id)!.publicIp;
  const held = (id: string) => world.eipTable().filter((r) => r.holder === id);
  const writes = (mark: number) => world.account.callsSince(mark).filter((c) => !/^(Describe|List|Get)/.test(c.op));
  return { world, ids, homeOf, held, writes };
}

describe('a Spot interruption warning', () => {
  it("moves the node's address to a healthy peer while the node still serves: the mark and the reads in one round trip, then the move", async () => {
    // Prepare
    const { world, ids, homeOf, held } = await fleetOf(3);
    const [a] = ids;
    const ip = homeOf(a!);

    // Act: EC2 warns two minutes ahead; nothing has stopped yet
    world.account.ec2.spotInterruptionWarning(a!, 'terminate');
    const mark = world.account.mark();
    const { outcomes } = await world.deliverEc2Events();

    // Assess: moved off, onto a peer; the node is still running and InService
    expect(outcomes).toEqual([expect.objectContaining({ status: 'handled', instance: a, code: 'node-ending', marked: true })]);
    expect(held(a!)).toEqual([]);
    expect(ids.slice(1)).toContain(world.holderOf(ip));
    expect(world.account.ec2.instance(a!)?.state).toBe('running');
    expect(world.nodes().find((n) => n.instanceId === a)?.state).toBe('InService');
    expect(world.account.ec2.instance(a!)?.tags[ENDING_TAG]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z spot-interruption:terminate$/);
    // The calls (docs/failover.md, budget): DescribeInstances by id; then the mark beside the failover's
    // four reads; then AssociateAddress; then its bookkeeping. The address moves in the third round trip.
    const ops = world.account.callsSince(mark).map((c) => c.op);
    expect(ops[0]).toBe('DescribeInstances');
    expect(ops.slice(1, 6).sort()).toEqual(['CreateTags', 'DescribeAddresses', 'DescribeAlarms', 'DescribeAutoScalingGroups', 'DescribeInstances']);
    expect(ops[6]).toBe('AssociateAddress');
    expect(world.account.callsSince(mark).filter((c) => c.service === 'route53')).toEqual([]);
  });

  it('while the mark stands, neither the schedule nor an alarm turning OK moves the address back', async () => {
    // Prepare
    const { world, ids, homeOf, held } = await fleetOf(2);
    const [a, b] = ids;
    world.account.ec2.spotInterruptionWarning(a!);
    await world.deliverEc2Events();
    expect(world.holderOf(homeOf(a!))).toBe(b);

    // Act: the alarm flaps to ALARM and back to OK, time passes well beyond the hold-down, the schedule runs
    world.fail(a!);
    await world.deliverAlarms();
    world.account.advance(5);
    world.recover(a!);
    await world.deliverAlarms();
    world.account.advance(100);
    await world.schedule();
    await world.schedule();

    // Assess
    expect(world.holderOf(homeOf(a!))).toBe(b);
    expect(held(a!)).toEqual([]);
    // It keeps its claim (it is still InService): a replacement does not take its address while it lives.
    expect(world.eipTable().find((r) => r.publicIp === homeOf(a!))?.home).toBe(a);
  });

  it('a duplicate delivery changes nothing: no write at all', async () => {
    // Prepare
    const { world, ids, writes } = await fleetOf(3);
    const [a] = ids;
    world.account.ec2.spotInterruptionWarning(a!);
    const [warning] = world.account.ec2.takeEvents();
    const event = ec2Event(world.account, warning!);
    await world.invokeAlarm(event);

    // Act
    world.account.advance(3);
    const mark = world.account.mark();
    const [again] = await world.invokeAlarm(event);

    // Assess
    expect(again).toMatchObject({ status: 'handled', code: 'node-ending', marked: false });
    expect(writes(mark)).toEqual([]);
  });

  it('a rebalance recommendation, then the interruption warning: one move; the later announcement is noted, a reordered older one is not', async () => {
    // Prepare
    const { world, ids, held, writes } = await fleetOf(3);
    const [a] = ids;

    // Act
    world.account.ec2.rebalanceRecommendation(a!);
    const [rebalance] = world.account.ec2.takeEvents();
    await world.invokeAlarm(ec2Event(world.account, rebalance!));
    const mark = world.account.mark();
    world.account.advance(30);
    world.account.ec2.spotInterruptionWarning(a!);
    const { outcomes } = await world.deliverEc2Events();
    const afterWarning = world.account.mark();
    await world.invokeAlarm(ec2Event(world.account, rebalance!)); // delivered again, late

    // Assess
    expect(held(a!)).toEqual([]);
    expect(outcomes).toEqual([expect.objectContaining({ status: 'handled', marked: true })]);
    expect(writes(mark).map((c) => c.op)).toEqual(['CreateTags']);
    expect(world.account.ec2.instance(a!)?.tags[ENDING_TAG]).toMatch(/ spot-interruption:terminate$/);
    expect(writes(afterWarning)).toEqual([]);
  });

  it('the interruption itself (the node terminates two minutes later) moves nothing more', async () => {
    // Prepare
    const { world, ids, homeOf } = await fleetOf(3);
    const [a] = ids;
    const ip = homeOf(a!);
    world.account.ec2.spotInterruptionWarning(a!);
    await world.deliverEc2Events();
    const holder = world.holderOf(ip);
    const moves = world.account.callsWhere({ op: 'AssociateAddress' }).length;

    // Act: EC2 terminates it; the rules deliver shutting-down and terminated
    world.account.advance(120);
    world.account.ec2.terminateInstance(a!);
    const { outcomes } = await world.deliverEc2Events();

    // Assess
    expect(outcomes.map((o) => o.status)).toEqual(['handled', 'handled']);
    expect(world.holderOf(ip)).toBe(holder);
    expect(world.account.callsWhere({ op: 'AssociateAddress' })).toHaveLength(moves);
  });
});

describe('instance state changes', () => {
  it('stopping: the address moves before the instance is stopped', async () => {
    // Prepare
    const { world, ids, homeOf, held } = await fleetOf(2);
    const [a, b] = ids;
    const ip = homeOf(a!);

    // Act
    world.account.ec2.beginStop(a!);
    const { outcomes } = await world.deliverEc2Events();

    // Assess
    expect(outcomes).toEqual([expect.objectContaining({ status: 'handled', code: 'node-ending', reason: expect.stringContaining('stopping at') })]);
    expect(world.holderOf(ip)).toBe(b);
    expect(held(a!)).toEqual([]);
  });

  it('an instance of another group, or of none, is ignored after one DescribeInstances, with no write', async () => {
    // Prepare
    const { world } = await fleetOf(2);
    const other = world.account.ec2.runInstance({ availabilityZone: 'eu-west-1a', tags: { 'aws:autoscaling:groupName': 'batch-workers' } });
    const loose = world.account.ec2.runInstance({ availabilityZone: 'eu-west-1b' });
    const mark = world.account.mark();

    // Act
    world.account.ec2.terminateInstance(other.instanceId);
    world.account.ec2.beginStop(loose.instanceId);
    const { outcomes } = await world.deliverEc2Events();

    // Assess
    expect(outcomes).toEqual([
      expect.objectContaining({ status: 'ignored', instance: other.instanceId, code: 'not-fleet-node', reason: expect.stringContaining('batch-workers') }),
      expect.objectContaining({ status: 'ignored', instance: other.instanceId, code: 'not-fleet-node' }),
      expect.objectContaining({
        status: 'ignored',
        instance: loose.instanceId,
        code: 'not-fleet-node',
        reason: expect.stringContaining('no Auto Scaling group'),
      }),
    ]);
    expect(world.account.callsSince(mark).map((c) => c.op)).toEqual(['DescribeInstances', 'DescribeInstances', 'DescribeInstances']);
  });

  it('pending and running never reach the function (the rule drops them); sent by hand, they cost no AWS call', async () => {
    // Prepare
    const { world, ids } = await fleetOf(2);
    const [a] = ids;
    world.account.ec2.stopInstance(a!);
    await world.deliverEc2Events();

    // Act
    world.account.advance(60);
    world.account.ec2.startInstance(a!);
    const [pending, running] = world.account.ec2.takeEvents();
    const mark = world.account.mark();
    const outcome = await world.invokeAlarm(ec2Event(world.account, running!));

    // Assess
    expect(pending).toMatchObject({ kind: 'state-change', state: 'pending' });
    expect(outcome).toEqual([expect.objectContaining({ status: 'ignored', code: 'not-ending' })]);
    expect(world.account.callsSince(mark)).toEqual([]);
  });

  it('a stopped-then-started node is fresh: its address comes back after the hold-down, and a late stop event is about its earlier run', async () => {
    // Prepare: a stops (stopping, stopped); its address moves to b
    const { world, ids, homeOf } = await fleetOf(2);
    const [a, b] = ids;
    const ip = homeOf(a!);
    world.account.ec2.stopInstance(a!);
    const stopEvents = world.account.ec2.takeEvents().map((e) => ec2Event(world.account, e));
    for (const e of stopEvents) await world.invokeAlarm(e);
    await world.schedule();
    expect(world.holderOf(ip)).toBe(b);

    // Act: started again; a retry of the old stopping event arrives late
    world.account.advance(30);
    world.account.ec2.startInstance(a!);
    world.account.ec2.takeEvents();
    await world.schedule();
    const stillOnPeer = world.holderOf(ip);
    world.account.advance(5);
    const mark = world.account.mark();
    const [late] = await world.invokeAlarm(stopEvents[0]);
    const lateWrites = world.account.callsSince(mark).filter((c) => !/^Describe/.test(c.op));
    world.account.advance(61);
    await world.schedule();

    // Assess
    expect(stillOnPeer).toBe(b); // the hold-down counts from its start
    expect(late).toMatchObject({ status: 'ignored', code: 'ending-superseded' });
    expect(lateWrites).toEqual([]);
    expect(world.holderOf(ip)).toBe(a);
  });
});

describe('failures', () => {
  it('the mark cannot be written: the address still moves, and the function fails so Lambda retries the event', async () => {
    // Prepare
    const { world, ids, held } = await fleetOf(2);
    const [a] = ids;
    world.account.faults.fail({
      service: 'ec2',
      ops: ['CreateTags'],
      when: (input) => JSON.stringify(input).includes(ENDING_TAG),
      error: { code: 'UnauthorizedOperation', message: 'not allowed', status: 403 },
    });
    world.account.ec2.spotInterruptionWarning(a!);

    // Act + Assess
    await expect(world.deliverEc2Events()).rejects.toThrow(/announced end of i-\w+ did not complete: noting hfc:ending on i-\w+: .*not allowed/);
    expect(held(a!)).toEqual([]);
  });

  it('a malformed EC2 event is rejected before any AWS call, naming the field', async () => {
    const { world, ids } = await fleetOf(1);
    world.account.ec2.spotInterruptionWarning(ids[0]!);
    const event = ec2Event(world.account, world.account.ec2.takeEvents()[0]!) as Record<string, unknown> & { detail: Record<string, unknown> };
    delete event.detail['instance-id'];
    const mark = world.account.mark();
    await expect(world.invokeAlarm(event)).rejects.toThrow(/^detail\.instance-id: /);
    expect(world.account.callsSince(mark)).toEqual([]);
  });
});
