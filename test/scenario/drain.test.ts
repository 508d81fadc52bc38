/**
 * Drains, the control plane's side (lib/plan/drain.ts): a leaving application server is put in
 * drain on every load balancer and let go only once its sessions are zero everywhere or its
 * drain timeout passed; a leaving load balancer is released once its own connections fall to the
 * threshold or its drain timeout passed. The load balancers are simulated HAProxy nodes
 * (sim/haproxyNode.ts): what each push did (run time or reload) and what it carries.
 */
import { describe, expect, it } from 'vitest';
import type { FleetReport } from '../../lib/reconcile/report';
import { APP_GROUP, ConfigWorld } from '../harness/configWorld';
import { GROUP } from '../harness/fleetWorld';

async function fleetOf(n: number, opts: ConstructorParameters<typeof ConfigWorld>[0] = {}) {
  const world = new ConfigWorld(opts);
  world.account.autoScaling.takeNotifications();
  const ids = world.account.autoScaling.scaleOut(GROUP, n);
  await world.deliverAll();
  world.account.advance(1);
  return { world, ids: [...ids].sort() };
}

const appState = (world: ConfigWorld, id: string) => world.account.autoScaling.instances(APP_GROUP).find((i) => i.instanceId === id)?.state;
const lbState = (world: ConfigWorld, id: string) => world.nodes().find((i) => i.instanceId === id)?.state;
const pending = (reports: FleetReport[], id: string) => reports.flatMap((r) => r.pending).find((p) => p.instanceId === id);

/** Scales one application server in and delivers its event: its drain starts. */
async function scaleIn(world: ConfigWorld, server: string) {
  world.account.advance(1);
  world.account.autoScaling.terminate(server);
  return world.deliverAll();
}

/** A scheduled run a few seconds later. */
async function later(world: ConfigWorld, seconds = 5) {
  world.account.advance(seconds);
  return world.schedule();
}

describe('draining an application server', () => {
  it('is put in drain (weight 0) on every load balancer, at run time, and let go only once its sessions are zero on all of them', async () => {
    // Prepare: two load balancers; the leaving server holds 3 sessions on one of them
    const { world, ids } = await fleetOf(2);
    const server = world.appServers()[0]!;
    world.node(ids[0]!).setSessions(server, 3);
    const reloads = ids.map((id) => world.node(id).reloads);

    // Act: it is scaled in
    const [outcome] = await scaleIn(world, server);

    // Assess: in drain on both, through the runtime path; its action held
    for (const id of ids) expect(world.node(id).servers().get(server)).toBe(0);
    expect(ids.map((id) => world.node(id).reloads)).toEqual(reloads);
    expect(appState(world, server)).toBe('Terminating:Wait');
    expect(outcome && 'report' in outcome ? pending([outcome.report!], server)?.reason.code : undefined).toBe('drain-starts');
    expect(world.account.ec2.instance(server)?.tags['hfc:drain-since']).toBe(world.account.now().toISOString());

    // Act: the schedule measures while the sessions are open
    const busy = await later(world);

    // Assess: still listed (at weight 0), still waiting, and it says where the sessions are
    expect(pending(busy, server)?.reason.code).toBe('server-draining');
    expect(pending(busy, server)?.reason.message).toContain(`3 session(s) on ${ids[0]}`);
    expect(world.node(ids[0]!).servers().get(server)).toBe(0);
    expect(appState(world, server)).toBe('Terminating:Wait');

    // Act: the sessions end; the next run measures again
    world.node(ids[0]!).setSessions(server, 0);
    const done = await later(world);
    world.account.advance(1);

    // Assess: removed everywhere at run time, nothing cut, then let go
    expect(done[0]!.completions.find((c) => c.instanceId === server)).toMatchObject({ outcome: 'completed' });
    for (const id of ids) {
      expect(world.serversOn(id)).not.toContain(server);
      expect(world.node(id).cut.size).toBe(0);
    }
    expect(ids.map((id) => world.node(id).reloads)).toEqual(reloads);
    expect(world.appServers()).not.toContain(server);
  });

  it('the drain timeout lets it go with sessions still open: the removal cuts them, and says why', async () => {
    // Prepare
    const { world, ids } = await fleetOf(2);
    const server = world.appServers()[0]!;
    world.node(ids[1]!).setSessions(server, 2);
    await scaleIn(world, server);

    // Act: the sessions never end; runs before and after the timeout (300 s by default)
    const before = await later(world, 290);
    const after = await later(world, 15);
    world.account.advance(1);

    // Assess: held until the timeout, then removed (its 2 sessions cut) and let go
    expect(pending(before, server)?.reason.code).toBe('server-draining');
    expect(after[0]!.completions.find((c) => c.instanceId === server)?.reason?.code).toBe('drain-timeout');
    expect(world.node(ids[1]!).cut.get(`app/${server}`)).toBe(2);
    expect(world.appServers()).not.toContain(server);
  });

  it('a load balancer that refuses the drain holds the server (it may still send it new connections) until the hook times out', async () => {
    // Prepare: one of two load balancers refuses every new configuration
    const { world, ids } = await fleetOf(2);
    const server = world.appServers()[0]!;
    world.refusing.set(ids[1]!, 'haproxy -c failed');

    // Act
    await scaleIn(world, server);
    const reports = await later(world);

    // Assess: the refusing node still runs it at full weight; the server waits and says why
    expect(world.node(ids[1]!).servers().get(server)).toBe(1);
    expect(pending(reports, server)?.reason.message).toContain(`${ids[1]} does not run its drain yet`);

    // Act: past the drain timeout the removal is refused there too
    const late = await later(world, 310);

    // Assess: never let go by us while a load balancer that may carry traffic lists it
    expect(pending(late, server)?.reason.code).toBe('gate-closed');
    expect(appState(world, server)).toBe('Terminating:Wait');
  });

  it('a load balancer that cannot be measured (its agent offline) holds the drain: no answer is never read as zero sessions', async () => {
    // Prepare
    const { world, ids } = await fleetOf(2);
    const server = world.appServers()[0]!;
    await scaleIn(world, server);
    world.account.ssm.setAgentOnline(ids[0]!, false);

    // Act
    const reports = await later(world);

    // Assess
    expect(pending(reports, server)?.reason.message).toContain(`${ids[0]} not measured (its SSM agent is not online)`);
    expect(appState(world, server)).toBe('Terminating:Wait');
  });

  it('a server back in service with an old drain note (from the warm pool) has it cleared, so its next drain gets its full timeout', async () => {
    const { world } = await fleetOf(2);
    const server = world.appServers()[0]!;
    world.account.ec2.instance(server)!.tags['hfc:drain-since'] = '2026-01-01T00:00:00.000Z';
    await later(world);
    expect(world.account.ec2.instance(server)?.tags['hfc:drain-since']).toBeUndefined();
  });

  it('a server scaled in to a warm pool is removed and let go in its event run (no later run sees it, so none could end a drain)', async () => {
    const { world, ids } = await fleetOf(2);
    const server = world.appServers()[0]!;
    world.account.advance(1);
    world.account.autoScaling.returnToWarmPool(server);
    const [outcome] = await world.deliverAll();
    expect(outcome && 'report' in outcome ? outcome.report!.completions.find((c) => c.instanceId === server)?.reason?.code : undefined).toBe('no-drain');
    for (const id of ids) expect(world.serversOn(id)).not.toContain(server);
    expect(world.account.autoScaling.warmPoolInstances(APP_GROUP).find((i) => i.instanceId === server)?.state).not.toBe('Warmed:Pending:Wait');
  });

  it('with haproxy.drain.servers.timeoutSeconds 0 a leaving server is removed at once, as before drains', async () => {
    const { world, ids } = await fleetOf(2, {
      fleet: {
        haproxy: {
          backends: [{ name: 'app', servers: { autoScalingGroup: APP_GROUP }, port: 8080 }],
          httpFrontends: [{ name: 'web', port: 80, routes: [], defaultBackend: 'app' }],
          drain: { servers: { timeoutSeconds: 0 } },
        },
      },
    });
    const server = world.appServers()[0]!;
    const [outcome] = await scaleIn(world, server);
    world.account.advance(1);
    expect(outcome && 'report' in outcome ? outcome.report!.completions.find((c) => c.instanceId === server)?.reason?.code : undefined).toBe('no-drain');
    for (const id of ids) expect(world.serversOn(id)).not.toContain(server);
    expect(world.appServers()).not.toContain(server);
  });

  it('application scale-out and scale-in reach the load balancers without a reload; a load-balancer scale-out reloads (the peers change)', async () => {
    const { world, ids } = await fleetOf(2);
    const reloads = () => ids.map((id) => world.node(id).reloads);
    const before = reloads();
    world.account.advance(1);
    world.account.autoScaling.scaleOut(APP_GROUP, 2);
    await world.deliverAll();
    await scaleIn(world, world.appServers()[0]!);
    await later(world);
    expect(reloads()).toEqual(before);
    expect(ids.map((id) => world.node(id).runtimeApplies).every((n) => n >= 3)).toBe(true);

    world.account.advance(1);
    world.account.autoScaling.scaleOut(GROUP, 1);
    await world.deliverAll();
    expect(reloads()).toEqual(before.map((n) => n + 1));
  });
});

describe('load balancers joining', () => {
  it('without a shared stick table the file does not name the load balancers: a load-balancer scale-out sends the others nothing (no reload)', async () => {
    const { world, ids } = await fleetOf(2, {
      fleet: {
        haproxy: {
          backends: [{ name: 'app', servers: { autoScalingGroup: APP_GROUP }, port: 8080 }],
          httpFrontends: [{ name: 'web', port: 80, routes: [], defaultBackend: 'app' }],
        },
      },
    });
    const before = ids.map((id) => [world.node(id).reloads, world.node(id).runtimeApplies, world.running.get(id)!.digest]);
    world.account.advance(1);
    const [added] = world.account.autoScaling.scaleOut(GROUP, 1);
    await world.deliverAll();
    world.account.advance(1);
    expect(ids.map((id) => [world.node(id).reloads, world.node(id).runtimeApplies, world.running.get(id)!.digest])).toEqual(before);
    expect(world.running.get(added!)?.digest).toBe(before[0]![2]);
    expect(world.nodes().find((n) => n.instanceId === added)?.state).toBe('InService');
  });
});

describe('draining a load balancer', () => {
  it('after its deregistration delay it is released once its connections fall to the threshold (0 by default), not after a fixed wait', async () => {
    // Prepare: the leaving node still carries 5 connections
    const { world, ids } = await fleetOf(3);
    const leaving = ids[0]!;
    world.node(leaving).connections = 5;
    world.account.autoScaling.terminate(leaving);
    await world.deliverAll();

    // Act: the delay passes (120 s)
    const busy = await later(world, 125);

    // Assess: held, with its count
    expect(pending(busy, leaving)?.reason.code).toBe('lb-draining');
    expect(pending(busy, leaving)?.reason.message).toContain('5 connection(s)');
    expect(lbState(world, leaving)).toBe('Terminating:Wait');

    // Act: its clients go
    world.node(leaving).connections = 0;
    const done = await later(world, 10);

    // Assess
    expect(done[0]!.completions.find((c) => c.instanceId === leaving)?.reason?.code).toBe('lb-drained');
  });

  it('its drain timeout (what the terminating hook leaves after the delay: 90 s by default) releases it with connections left', async () => {
    const { world, ids } = await fleetOf(2);
    const leaving = ids[1]!;
    world.node(leaving).connections = 40;
    world.account.autoScaling.terminate(leaving);
    await world.deliverAll();
    const held = await later(world, 200);
    const released = await later(world, 15);
    expect(pending(held, leaving)?.reason.code).toBe('lb-draining');
    expect(released[0]!.completions.find((c) => c.instanceId === leaving)?.reason?.code).toBe('lb-drain-timeout');
  });
});
