/** Elastic IP failover on the simulated account: the real alarm, lifecycle and schedule functions. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FailoverWorld } from '../harness/failoverWorld';
import { alarmSnsEvent } from '../../sim/envelopes';

/** A fleet of `n` nodes, each with its home address, registered and in service. */
async function fleetOf(n: number, opts: ConstructorParameters<typeof FailoverWorld>[0] = {}) {
  const world = new FailoverWorld({ eips: n, ...opts });
  world.account.autoScaling.takeNotifications();
  const ids = await world.launch(n);
  await world.schedule(); // alarms now exist for every node
  const homeOf = (id: string) => world.eipTable().find((r) => r.home === id)!.publicIp;
  return { world, ids, homeOf };
}

describe('a node registered on its own public IPv4 (the pool had nothing free when it launched)', () => {
  it('keeps it: an address that frees up later is claimed neither by a failover nor by the schedule, so the IPv4 its record names is never released', async () => {
    // Prepare: two addresses, three nodes: the third launches with none free
    const world = new FailoverWorld({ eips: 2 });
    world.account.autoScaling.takeNotifications();
    const ids = await world.launch(3);
    await world.schedule();
    const own = world.eipTable().map((r) => r.home);
    const [third] = ids.filter((id) => !own.includes(id));
    const record = () => world.dnsTable().find((r) => r.setIdentifier.endsWith(third!))!.value;
    const ownIp = record();
    expect(world.eipTable().map((r) => r.publicIp)).not.toContain(ownIp);

    // Act: a third address joins the pool; a peer fails and recovers; the schedule runs
    world.account.ec2.allocateAddress({ tags: { 'hfc:pool': world.fleet.elasticIps!.pool } });
    const [peer] = ids.filter((id) => id !== third);
    world.fail(peer!);
    await world.deliverAlarms();
    await world.schedule();

    // Assess: the new address has no home on the third node, whose record still names its own IPv4
    expect(world.eipTable().filter((r) => r.home === third)).toEqual([]);
    expect(record()).toBe(ownIp);
  });
});

describe('failover', () => {
  it('launch: every node claims a pool address, holds it on its primary IP, and DNS registers it', async () => {
    const { world, ids, homeOf } = await fleetOf(3);
    for (const id of ids) expect(world.holderOf(homeOf(id))).toBe(id);
    expect(
      world
        .dnsTable()
        .map((r) => r.value)
        .sort(),
    ).toEqual(
      world
        .eipTable()
        .map((r) => r.publicIp)
        .sort(),
    );
    expect(world.convergenceProblems().filter((p) => !p.includes('record value'))).toEqual([]);
    expect(world.account.cloudWatch.alarmNames()).toEqual(ids.map((id) => world.alarmName(id)).sort());
  });

  it('a node fails: its address moves to the least-loaded healthy peer in its AZ, in one round trip of reads and one move', async () => {
    // Prepare: nodes alternate AZs a, b, a, b
    const { world, ids, homeOf } = await fleetOf(4);
    const [failed] = ids;
    const sameAz = world
      .nodes()
      .find((n) => n.instanceId !== failed && n.availabilityZone === world.nodes().find((m) => m.instanceId === failed)!.availabilityZone)!;

    // Act
    world.fail(failed!);
    const mark = world.account.mark();
    const [outcome] = await world.deliverAlarms();

    // Assess
    expect(outcome?.status).toBe('handled');
    expect(world.holderOf(homeOf(failed!))).toBe(sameAz.instanceId);
    // The failover path's AWS calls (docs/failover.md): 4 reads in parallel, then the move, then in parallel
    // the move's mark and a new spare IP for the peer that used its spare.
    const ops = world.account.callsSince(mark).map((c) => c.op);
    expect(ops.slice(0, 4).sort()).toEqual(['DescribeAddresses', 'DescribeAlarms', 'DescribeAutoScalingGroups', 'DescribeInstances']);
    expect(ops[4]).toBe('AssociateAddress');
    expect(ops.slice(5).sort()).toEqual(['AssignPrivateIpAddresses', 'CreateTags']);
    // DNS is untouched: the record names the home address, which now answers on the peer.
    expect(world.account.callsSince(mark).filter((c) => c.service === 'route53')).toEqual([]);
  });

  it("the alarm's Lambda action (CloudWatch invokes the function directly) moves the address like the other two routes", async () => {
    // Prepare
    const { world, ids, homeOf } = await fleetOf(4);
    const [failed] = ids;

    // Act
    world.fail(failed!);
    const [outcome] = await world.deliverAlarms('lambda-action');

    // Assess
    expect(outcome?.status).toBe('handled');
    expect(world.holderOf(homeOf(failed!))).not.toBe(failed);
    expect(ids).toContain(world.holderOf(homeOf(failed!)));
  });

  it('two nodes fail at once in a fleet of four: both addresses land on the two healthy nodes, spread', async () => {
    const { world, ids, homeOf } = await fleetOf(4);
    const [a, b, c, d] = ids;
    world.fail(a!);
    world.fail(b!);
    await Promise.all([world.deliverAlarms()]);
    const holders = [world.holderOf(homeOf(a!)), world.holderOf(homeOf(b!))];
    expect(new Set(holders)).toEqual(new Set([c, d]));
    expect(world.holderOf(homeOf(c!))).toBe(c);
    expect(world.holderOf(homeOf(d!))).toBe(d);
  });

  it('the last healthy node never loses its addresses', async () => {
    const { world, ids, homeOf } = await fleetOf(2);
    const [a, b] = ids;
    world.fail(a!);
    await world.deliverAlarms();
    expect(world.holderOf(homeOf(a!))).toBe(b);
    world.fail(b!);
    const [, outcome] = [undefined, ...(await world.deliverAlarms())];
    expect(world.holderOf(homeOf(a!))).toBe(b);
    expect(world.holderOf(homeOf(b!))).toBe(b);
    expect(outcome?.status === 'handled' && outcome.report.stuck.length).toBe(2);
  });

  it('recovery: home again only after the hold-down; a flapping alarm does not bounce the address', async () => {
    const { world, ids, homeOf } = await fleetOf(2);
    const [a, b] = ids;
    world.fail(a!);
    await world.deliverAlarms();

    // OK, then ALARM again 30 s later, then OK again: never long enough
    world.account.advance(10);
    world.recover(a!);
    await world.deliverAlarms();
    expect(world.holderOf(homeOf(a!))).toBe(b);
    world.account.advance(30);
    world.fail(a!);
    await world.deliverAlarms();
    world.account.advance(10);
    world.recover(a!);
    await world.deliverAlarms();
    world.account.advance(30);
    await world.schedule();
    expect(world.holderOf(homeOf(a!))).toBe(b);
    const moves = world.account.callsWhere({ op: 'AssociateAddress', failed: false }).length;

    // Stable for the hold-down (60 s): the schedule moves it home
    world.account.advance(31);
    await world.schedule();
    expect(world.holderOf(homeOf(a!))).toBe(a);
    expect(world.account.callsWhere({ op: 'AssociateAddress', failed: false }).length).toBe(moves + 1);
  });

  it('duplicated and reordered alarm notifications change nothing more; a stale ALARM after OK moves nothing', async () => {
    const { world, ids, homeOf } = await fleetOf(2);
    const [a, b] = ids;
    world.fail(a!);
    const alarmEvents = world.account.cloudWatch.takeNotifications();
    world.account.cloudWatch.takeStateChanges();
    const failEvent = alarmSnsEvent(world.account, alarmEvents[0]!);
    const mark = world.account.mark();
    await world.invokeAlarm(failEvent);
    await world.invokeAlarm(failEvent);
    expect(world.holderOf(homeOf(a!))).toBe(b);
    expect(world.account.callsSince(mark).filter((c) => c.op === 'AssociateAddress')).toHaveLength(1);

    // Recovered and home again; then the old ALARM notification arrives once more
    world.account.advance(5);
    world.recover(a!);
    world.account.cloudWatch.takeNotifications();
    world.account.advance(61);
    await world.schedule();
    expect(world.holderOf(homeOf(a!))).toBe(a);
    const moves = world.account.callsWhere({ op: 'AssociateAddress' }).length;
    await world.invokeAlarm(failEvent);
    expect(world.holderOf(homeOf(a!))).toBe(a);
    expect(world.account.callsWhere({ op: 'AssociateAddress' })).toHaveLength(moves);
  });

  it("scale-in: a leaving node's addresses move before its termination continues, and a replacement claims the released one", async () => {
    const { world, ids, homeOf } = await fleetOf(2);
    const [a, b] = ids;
    const ip = homeOf(a!);

    // Act: a terminates
    world.account.autoScaling.terminate(a!);
    await world.deliverAll();

    // Assess: moved to b, claim released, before any CONTINUE
    expect(world.holderOf(ip)).toBe(b);
    expect(world.eipTable().find((r) => r.publicIp === ip)!.home).toBe('-');
    const moved = world.account.calls.findIndex(
      (c) =>
        c.op === 'AssociateAddress' &&
        (c.input as { AllocationId: string }).AllocationId &&
        JSON.stringify(c.input).includes(world.account.ec2.primaryEni(b!)!.eniId),
    );
    await world.drain();
    const released = world.account.calls.findIndex(
      (c) => c.op === 'CompleteLifecycleAction' && JSON.stringify(c.input).includes(a!) && JSON.stringify(c.input).includes('terminating'),
    );
    expect(moved).toBeGreaterThan(-1);
    expect(released).toBeGreaterThan(moved);

    // A replacement launches and claims the released address; it stays on b, serving, until the
    // replacement's alarm has been OK for the hold-down (a new node must prove itself first)
    const [c] = await world.launch(1);
    expect(world.eipTable().find((r) => r.publicIp === ip)!.home).toBe(c);
    world.account.advance(61);
    await world.schedule();
    expect(world.holderOf(ip)).toBe(b);
    world.recover(c!);
    world.account.advance(61);
    await world.schedule();
    expect(world.holderOf(ip)).toBe(c);
  });

  it('an alarm and the schedule at once, and an alarm during a scale-in: no address on an unhealthy node, no bouncing', async () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const { world, ids, homeOf } = await fleetOf(4, { seed });
      world.account.faults.latency({ ms: 0, jitterMs: 6 });
      const [a, b, , d] = ids;
      world.fail(a!);
      world.account.autoScaling.terminate(d!);
      await Promise.all([world.deliverAlarms(), world.deliverAll(), world.schedule(), world.schedule()]);
      await world.schedule();
      const unhealthy = new Set([a, d]);
      for (const row of world.eipTable())
        if (row.holder !== '-') expect(unhealthy.has(row.holder), `seed ${seed}: ${row.publicIp} on ${row.holder}`).toBe(false);
      const moves = world.account.callsWhere({ op: 'AssociateAddress', failed: false }).length;
      await world.schedule();
      await world.schedule();
      expect(world.account.callsWhere({ op: 'AssociateAddress', failed: false }).length, `seed ${seed}: moves after convergence`).toBe(moves);
      expect(world.holderOf(homeOf(b!))).toBe(b);
    }
  });

  it('association lag: a describe that still shows the old holder does not make the plan fight its own move', async () => {
    const { world, ids, homeOf } = await fleetOf(3);
    const [a] = ids;
    world.account.ec2.associationLagDescribes = 3;
    world.fail(a!);
    await world.deliverAlarms();
    const moves = world.account.callsWhere({ op: 'AssociateAddress' }).length;
    await world.schedule(); // sees the old association, trusts its own recent move
    expect(world.account.callsWhere({ op: 'AssociateAddress' })).toHaveLength(moves);
    expect(world.holderOf(homeOf(a!))).not.toBe(a);
  });
});

describe('alarm input', () => {
  it('an alarm that maps to no managed node is ignored, changing nothing', async () => {
    const { world } = await fleetOf(1);
    world.account.cloudWatch.PutMetricAlarm({
      AlarmName: `${world.fleet.alarms!.namePrefix}i-0123456789abcdef0`,
      Namespace: 'AWS/EC2',
      MetricName: 'StatusCheckFailed',
      Statistic: 'Maximum',
      Period: 60,
      EvaluationPeriods: 1,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      AlarmActions: ['arn:aws:sns:eu-west-1:123456789012:x'],
      Dimensions: [{ Name: 'InstanceId', Value: 'i-0123456789abcdef0' }],
    });
    world.account.cloudWatch.setState(`${world.fleet.alarms!.namePrefix}i-0123456789abcdef0`, 'ALARM');
    const mark = world.account.mark();
    const outcomes = await world.deliverAlarms();
    expect(outcomes).toEqual([expect.objectContaining({ status: 'ignored', reason: expect.stringContaining('not a node of fleet edge') })]);
    expect(world.account.callsSince(mark).filter((c) => !/^(Describe|List|Get)/.test(c.op))).toEqual([]);
  });

  it('via EventBridge too', async () => {
    const { world, ids, homeOf } = await fleetOf(2, { via: 'eventbridge' });
    world.fail(ids[0]!);
    await world.deliverAlarms('eventbridge');
    expect(world.holderOf(homeOf(ids[0]!))).toBe(ids[1]);
  });

  it('a malformed alarm event is rejected before any AWS call', async () => {
    const { world } = await fleetOf(1);
    const mark = world.account.mark();
    // A well-formed SNS envelope (Powertools' SnsSchema holds it to what AWS sends) with a bad body.
    const event = JSON.parse(readFileSync(new URL('../../events/alarm-sns-alarm.json', import.meta.url), 'utf8'));
    event.Records[0].Sns.Message = '{"AlarmName": 5}';
    await expect(world.invokeAlarm(event)).rejects.toThrow(/^Records\[0\]\.Sns\.Message\.AlarmName/);
    expect(world.account.callsSince(mark)).toEqual([]);
  });
});

describe('alarms the control plane did not create', () => {
  it('an alarm that names its node only in an hfc:instance-id tag fails it over, and the schedule agrees', async () => {
    // Prepare: a user alarm under the prefix, on a metric without an InstanceId dimension
    const { world, ids, homeOf } = await fleetOf(2, { fleet: { alarms: { manage: false } } });
    const [a, b] = ids;
    const name = `${world.fleet.alarms!.namePrefix}haproxy-backend-errors-${a}`;
    world.account.cloudWatch.PutMetricAlarm({
      AlarmName: name,
      Namespace: 'HAProxy',
      MetricName: 'BackendErrors',
      Statistic: 'Sum',
      Period: 10,
      EvaluationPeriods: 2,
      Threshold: 5,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      AlarmActions: ['arn:aws:sns:eu-west-1:123456789012:x'],
      OKActions: ['arn:aws:sns:eu-west-1:123456789012:x'],
      Tags: [{ Key: 'hfc:instance-id', Value: a! }],
    });

    // Act
    world.account.cloudWatch.setState(name, 'ALARM');
    await world.deliverAlarms();
    await world.schedule();
    world.account.advance(120);
    await world.schedule();

    // Assess: moved, and the schedule (which reads the same tag) does not move it back
    expect(world.holderOf(homeOf(a!))).toBe(b);
  });
});

describe('failover edge cases (review findings)', () => {
  it('two homes on one node (left by a race between runs) are repaired without the addresses swapping', async () => {
    // Prepare: a fleet of two; then a third address is tagged as a second home of the first node
    const { world, ids } = await fleetOf(2, { eips: 3 });
    const spare = world.account.ec2.addresses().find((a) => !a.tags['hfc:home'])!;
    world.account.ec2.CreateTags({ Resources: [spare.allocationId], Tags: [{ Key: 'hfc:home', Value: ids[0]! }] });

    // Act
    await world.schedule();
    const moves = world.account.callsWhere({ op: 'AssociateAddress' }).length;
    await world.schedule();
    await world.schedule();

    // Assess: one home per node, and no more moves once repaired
    const homes = world
      .eipTable()
      .map((r) => r.home)
      .filter((h) => h !== '-');
    expect(new Set(homes).size).toBe(homes.length);
    expect(world.account.callsWhere({ op: 'AssociateAddress' })).toHaveLength(moves);
  });

  it('a released address whose holder leaves is placed again, never lost', async () => {
    // Prepare: b fails, its address moves to a; then a is scaled in and drains
    const { world, ids, homeOf } = await fleetOf(2);
    const [a, b] = ids;
    const ipA = homeOf(a!);
    world.fail(b!);
    await world.deliverAlarms();
    world.account.autoScaling.terminate(a!);
    await world.deliverAll();
    await world.drain();

    // Act: b recovers
    world.recover(b!);
    world.account.advance(61);
    await world.schedule();
    await world.schedule();

    // Assess: a's address (allow-listed by clients) is served by b
    expect(world.holderOf(ipA)).toBe(b);
  });

  it('with no deregistration delay, a leaving node is released only after its address has moved', async () => {
    const { world, ids, homeOf } = await fleetOf(2, { dns: { deregistrationDelaySeconds: 0 } });
    const [a, b] = ids;
    world.account.autoScaling.terminate(a!);
    await world.deliverAll();
    world.account.advance(1);
    expect(world.holderOf(homeOf(b!))).toBe(b);
    const moved = world.eipTable().find((r) => r.home === '-' || r.home === a)!;
    expect(moved.holder).toBe(b);
    expect(world.nodes().map((n) => n.instanceId)).toEqual([b]);
  });

  it('a second failure within one schedule period finds a peer even when no spare IP is left', async () => {
    const { world, ids, homeOf } = await fleetOf(3);
    const [a, b, c] = ids;
    world.fail(a!);
    await world.deliverAlarms();
    world.account.advance(5);
    world.fail(b!);
    await world.deliverAlarms();
    expect(world.holderOf(homeOf(a!))).toBe(c);
    expect(world.holderOf(homeOf(b!))).toBe(c);
  });

  it('INSUFFICIENT_DATA after ALARM is not a recovery: the address stays on the peer', async () => {
    const { world, ids, homeOf } = await fleetOf(2);
    const [a, b] = ids;
    world.fail(a!);
    await world.deliverAlarms();
    world.account.cloudWatch.setState(world.alarmName(a!), 'INSUFFICIENT_DATA');
    await world.deliverAlarms();
    world.account.advance(120);
    await world.schedule();
    expect(world.holderOf(homeOf(a!))).toBe(b);
  });

  it('the alarm function fails (so Lambda retries) when a move fails', async () => {
    const { world, ids, homeOf } = await fleetOf(2);
    const [a] = ids;
    world.account.faults.fail({ service: 'ec2', ops: ['AssociateAddress'], error: { code: 'UnauthorizedOperation', message: 'not allowed', status: 403 } });
    world.fail(a!);
    await expect(world.deliverAlarms()).rejects.toThrow(/failover for alarm .* did not complete: moving .*UnauthorizedOperation/);
    expect(world.holderOf(homeOf(a!))).toBe(a);
  });
});
