/** The HAProxy configuration follows the fleet: rendered, pushed through SSM, recorded per node. */
import { describe, expect, it } from 'vitest';
import { APP_GROUP, ConfigWorld } from '../harness/configWorld';
import { GROUP } from '../harness/fleetWorld';

const sends = (world: ConfigWorld) => world.account.callsWhere({ op: 'SendCommand', failed: false }).length;

async function fleetOf(n: number, opts: ConstructorParameters<typeof ConfigWorld>[0] = {}) {
  const world = new ConfigWorld(opts);
  world.account.autoScaling.takeNotifications();
  const ids = world.account.autoScaling.scaleOut(GROUP, n);
  await world.deliverAll();
  world.account.advance(1);
  return { world, ids };
}

describe('configuration push', () => {
  it('every node runs a configuration naming every peer and every app server, and launches complete only after that', async () => {
    const { world, ids } = await fleetOf(3);
    for (const id of ids) {
      expect(world.peersOn(id)).toEqual([...ids].sort());
      expect(world.serversOn(id)).toEqual(world.appServers());
      expect(world.account.ec2.instance(id)?.tags['hfc:config-digest']).toBe(world.running.get(id)!.digest);
    }
    expect(world.nodes().every((n) => n.state === 'InService')).toBe(true);
    // CONTINUE only after the node applied its configuration
    const applied = world.account.calls.findIndex((c) => c.op === 'CreateTags' && JSON.stringify(c.input).includes('hfc:config-digest'));
    const completed = world.account.calls.findIndex((c) => c.op === 'CompleteLifecycleAction');
    expect(applied).toBeGreaterThan(-1);
    expect(completed).toBeGreaterThan(applied);
  });

  it('an unchanged fleet is never pushed to again', async () => {
    const { world } = await fleetOf(3);
    const before = sends(world);
    await world.schedule();
    await world.schedule();
    expect(sends(world)).toBe(before);
  });

  it('an application tier scale-out is pushed to every load balancer in one command', async () => {
    const { world, ids } = await fleetOf(3);
    const before = sends(world);
    world.account.autoScaling.scaleOut(APP_GROUP, 2);
    world.account.autoScaling.takeNotifications();
    await world.schedule();
    expect(sends(world) - before).toBe(1);
    for (const id of ids) expect(world.serversOn(id)).toEqual(world.appServers());
    expect(world.appServers()).toHaveLength(4);
  });

  it('20 launches at once: the first event pushes to all 20 in one command, the other 19 push nothing', async () => {
    // Prepare
    const world = new ConfigWorld();
    world.account.autoScaling.takeNotifications();
    world.account.autoScaling.scaleOut(GROUP, 20);
    const events = world.account.autoScaling.takeNotifications();

    // Act: delivered one after another, as the lifecycle function's reserved concurrency of 1 does
    for (const e of events) await world.deliver(e);
    world.account.advance(1);

    // Assess
    expect(sends(world)).toBe(1);
    expect(world.nodes().every((n) => n.state === 'InService')).toBe(true);
    const digests = new Set([...world.running.values()].map((c) => c.digest));
    expect(digests.size).toBe(1);
  });

  it('SendCommand takes 50 instances at most: 60 nodes, two commands', async () => {
    const { world } = await fleetOf(60);
    expect(
      world.account
        .callsWhere({ op: 'SendCommand', failed: false })
        .map((c) => (c.input as { InstanceIds: string[] }).InstanceIds.length)
        .sort(),
    ).toEqual([10, 50]);
    expect(world.running.size).toBe(60);
    // Results are read with one listing per command, never one call per node; the full output
    // only of a node that failed (none here).
    expect(world.account.callsWhere({ op: 'GetCommandInvocation' })).toEqual([]);
    const listings = world.account.callsWhere({ op: 'ListCommandInvocations' });
    expect(new Set(listings.map((c) => (c.input as { CommandId: string }).CommandId)).size).toBe(2);
    expect(listings.length).toBeLessThan(10);
  });

  it('a node whose agent is not online yet is not a failure: its launch waits, and completes once it has its configuration', async () => {
    const world = new ConfigWorld();
    world.account.ssm.agentOnlineAfterSeconds = 90;
    world.account.autoScaling.takeNotifications();
    const [id] = world.account.autoScaling.scaleOut(GROUP, 1);
    await world.deliverAll();
    expect(world.nodes()[0]!.state).toBe('Pending:Wait');
    expect(sends(world)).toBe(0);

    world.account.advance(91);
    const [report] = await world.schedule();
    expect(report?.completions).toEqual([expect.objectContaining({ instanceId: id, transition: 'launching', outcome: 'completed' })]);
    expect(world.running.has(id!)).toBe(true);
  });

  it('a node that refuses the configuration keeps its old one, is not completed, and the others are not held back', async () => {
    const world = new ConfigWorld();
    world.account.autoScaling.takeNotifications();
    const ids = world.account.autoScaling.scaleOut(GROUP, 3).sort();
    world.refusing.set(ids[0]!, 'haproxy -c failed: [ALERT] parsing');
    await world.deliverAll();
    world.account.advance(1);

    const states = Object.fromEntries(world.nodes().map((n) => [n.instanceId, n.state]));
    expect(states[ids[0]!]).toBe('Pending:Wait');
    expect(states[ids[1]!]).toBe('InService');
    expect(world.account.ec2.instance(ids[0]!)?.tags['hfc:config-digest']).toBeUndefined();

    // Fixed on the node: the next run pushes again and completes it
    world.refusing.clear();
    await world.schedule();
    world.account.advance(1);
    expect(world.nodes().every((n) => n.state === 'InService')).toBe(true);
  });

  it('a load balancer scale-in takes the leaving node out of every peers section', async () => {
    const { world, ids } = await fleetOf(3);
    const [leaving, ...staying] = [...ids].sort();
    world.account.autoScaling.terminate(leaving!);
    await world.deliverAll();
    for (const id of staying) expect(world.peersOn(id)).toEqual(staying);
  });
});

describe('application tier lifecycle hooks', () => {
  it('a launching app server is put in service only once every online load balancer has it; a terminating one only once none has it', async () => {
    // Prepare: three load balancers in service
    const { world, ids } = await fleetOf(3);
    world.account.autoScaling.takeNotifications();

    // Act: the app group scales out by one; its lifecycle event reaches the lifecycle function
    const [server] = world.account.autoScaling.scaleOut(APP_GROUP, 1);
    expect(world.account.autoScaling.instances(APP_GROUP).find((i) => i.instanceId === server)?.state).toBe('Pending:Wait');
    const outcomes = await world.deliverAll();
    world.account.advance(1);

    // Assess: every load balancer lists it, then it was completed
    expect(outcomes).toEqual([expect.objectContaining({ status: 'reconciled' })]);
    for (const id of ids) expect(world.serversOn(id)).toContain(server);
    expect(world.account.autoScaling.instances(APP_GROUP).find((i) => i.instanceId === server)?.state).toBe('InService');
    const pushed = world.account.calls.findLastIndex((c) => c.op === 'SendCommand');
    const completed = world.account.calls.findLastIndex((c) => c.op === 'CompleteLifecycleAction' && JSON.stringify(c.input).includes('app-launching'));
    expect(completed).toBeGreaterThan(pushed);

    // Act: it is scaled in
    world.account.autoScaling.terminate(server!);
    await world.deliverAll();

    // Assess: first put in drain on every load balancer (weight 0), its action held
    for (const id of ids) expect(world.node(id).servers().get(server!)).toBe(0);
    expect(world.account.autoScaling.instances(APP_GROUP).find((i) => i.instanceId === server)?.state).toBe('Terminating:Wait');

    // Act: the next run (a second later) measures the load balancers: no session left on it
    world.account.advance(1);
    await world.schedule();
    world.account.advance(1);

    // Assess: gone from every configuration, then let go
    for (const id of ids) expect(world.serversOn(id)).not.toContain(server);
    expect(world.appServers()).not.toContain(server);
  });

  it("while a load balancer refuses the configuration, a launching app server waits (the hook's default applies at its timeout)", async () => {
    const { world, ids } = await fleetOf(2);
    world.account.autoScaling.takeNotifications();
    world.refusing.set(ids[0]!, 'haproxy -c failed');
    const [server] = world.account.autoScaling.scaleOut(APP_GROUP, 1);
    await world.deliverAll();
    world.account.advance(1);
    expect(world.account.autoScaling.instances(APP_GROUP).find((i) => i.instanceId === server)?.state).toBe('Pending:Wait');
  });
});

describe('the gate on application servers (review findings)', () => {
  it('a load balancer whose agent is lost while in service holds back app server changes (it may still route to the old list)', async () => {
    const { world, ids } = await fleetOf(2);
    world.account.autoScaling.takeNotifications();
    world.account.ssm.setAgentOnline(ids[0]!, false);
    const [server] = world.account.autoScaling.scaleOut(APP_GROUP, 1);
    await world.deliverAll();
    world.account.advance(1);
    expect(world.account.autoScaling.instances(APP_GROUP).find((i) => i.instanceId === server)?.state).toBe('Pending:Wait');

    // The agent comes back: the next run pushes to it and lets the server in
    world.account.ssm.setAgentOnline(ids[0]!, true);
    await world.schedule();
    world.account.advance(1);
    expect(world.account.autoScaling.instances(APP_GROUP).find((i) => i.instanceId === server)?.state).toBe('InService');
    expect(world.serversOn(ids[0]!)).toContain(server);
  });

  it('a draining load balancer gets the new configuration too, before a terminating app server is let go', async () => {
    // Prepare: two load balancers; one starts draining (deregistration delay)
    const { world, ids } = await fleetOf(2);
    const [draining] = [...ids].sort();
    world.account.autoScaling.terminate(draining!);
    await world.deliverAll();
    expect(world.nodes().find((n) => n.instanceId === draining)?.state).toBe('Terminating:Wait');

    // Act: an app server is scaled in while the load balancer drains
    const server = world.appServers()[0]!;
    world.account.advance(1);
    world.account.autoScaling.terminate(server);
    await world.deliverAll();
    // The draining load balancer drains the server too, and is measured with the others.
    expect(world.node(draining!).servers().get(server)).toBe(0);
    world.account.advance(1);
    await world.schedule();
    world.account.advance(1);

    // Assess: the draining node no longer lists it either, and the server was let go
    expect(world.serversOn(draining!)).not.toContain(server);
    expect(world.appServers()).not.toContain(server);
  });

  it('a push carries the time its run started observing as its version (so a later observation always wins on the node)', async () => {
    const { world, ids } = await fleetOf(1);
    world.account.advance(30);
    const observedAt = world.account.now().getTime();
    world.account.autoScaling.scaleOut(APP_GROUP, 1);
    world.account.autoScaling.takeNotifications();
    await world.schedule();
    const last = world.account.callsWhere({ op: 'SendCommand', failed: false }).pop()!;
    expect((last.input as { Parameters: { version: string[] } }).Parameters.version).toEqual([String(observedAt)]);
    expect(world.running.get(ids[0]!)!.version).toBe(observedAt);
  });
});

describe('the application tier cannot be read', () => {
  it('a leaving load balancer still leaves DNS and is released; launches wait for the push', async () => {
    // Prepare: reading the application group fails on every call (throttled past the retries)
    const { world, ids } = await fleetOf(3);
    world.account.autoScaling.takeNotifications();
    world.account.faults.fail({
      service: 'autoScaling',
      ops: ['DescribeAutoScalingGroups'],
      when: (input: { AutoScalingGroupNames?: string[] }) => input.AutoScalingGroupNames?.includes(APP_GROUP) ?? false,
      error: { code: 'AccessDenied', message: 'not authorized', status: 403 },
    });
    const [leaving] = ids;
    world.account.autoScaling.terminate(leaving!);
    const [launching] = world.account.autoScaling.scaleOut(GROUP, 1);

    // Act: the events, then the deregistration delay and the schedule (each run fails, visibly)
    await world.deliverAll().catch(() => undefined);
    world.account.advance(world.fleet.dns.deregistrationDelaySeconds + 1);
    await expect(world.schedule()).rejects.toThrow(/not authorized/);
    world.account.advance(1);

    // Assess: the leaving node is out of DNS and released; the new one is registered but waits
    expect(world.dnsTable().map((r) => r.setIdentifier)).not.toContainEqual(expect.stringContaining(leaving!));
    expect(world.nodes().map((n) => n.instanceId)).not.toContain(leaving);
    expect(world.nodes().find((n) => n.instanceId === launching)?.state).toBe('Pending:Wait');
  });
});

describe('an application group that does not exist (deleted, or a typo in the configuration)', () => {
  it('empties no backend: nothing is pushed, the run fails naming the group, launches wait', async () => {
    // Prepare: a converged fleet, then its application group is deleted
    const { world, ids } = await fleetOf(2);
    const before = new Map(ids.map((id) => [id, world.serversOn(id)]));
    expect([...before.values()].every((s) => s.length === 2)).toBe(true);
    world.account.autoScaling.deleteGroup(APP_GROUP);
    world.account.autoScaling.takeNotifications();
    const [launching] = world.account.autoScaling.scaleOut(GROUP, 1);
    world.account.autoScaling.takeNotifications();
    const sent = sends(world);

    // Act
    await expect(world.schedule()).rejects.toThrow(`application Auto Scaling group "${APP_GROUP}" does not exist`);

    // Assess: every load balancer keeps the servers it had; the new one is registered but waits
    expect(sends(world)).toBe(sent);
    for (const id of ids) expect(world.serversOn(id)).toEqual(before.get(id));
    expect(world.nodes().find((n) => n.instanceId === launching)?.state).toBe('Pending:Wait');
  });
});

describe('a refusing node whose full result lags behind the listing', () => {
  it("its diagnostics still reach the report (the listing's answer stands)", async () => {
    const { world, ids } = await fleetOf(2);
    world.account.autoScaling.takeNotifications();
    world.refusing.set(ids[0]!, 'haproxy -c failed: unknown keyword');
    world.account.ssm.invocationLagCalls = 1;
    world.account.autoScaling.scaleOut(APP_GROUP, 1);
    world.account.autoScaling.takeNotifications();

    const [report] = await world.schedule();

    expect(report?.config?.failed).toEqual([
      expect.objectContaining({ instanceId: ids[0], status: 'Failed', output: expect.stringContaining('haproxy -c failed') }),
    ]);
  });
});
