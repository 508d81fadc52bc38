/** Drains decided from measurements (lib/plan/drain.ts), and the measure script's output read strictly. */
import { describe, expect, it } from 'vitest';
import { parseMeasureOutput } from '../../lib/haproxy/measureOutput';
import { carriers, measureRequest, planLbDrain, planServerDrains, staleDrainNotes } from '../../lib/plan/drain';
import { asLifecycleState } from '../../lib/plan/lifecycle';
import type { AppNode, LoadMeasurements, NodeLoad, ObservedNode } from '../../lib/plan/types';
import { A, B, C, fleetConfig, node } from '../fixtures/fleet';

const NOW = new Date('2026-12-02T12:00:00Z');
const ago = (s: number) => new Date(NOW.getTime() - s * 1000).toISOString();
const HAPROXY = { backends: [{ name: 'app', servers: { autoScalingGroup: 'app' }, port: 80 }] };
const FLEET = fleetConfig({ haproxy: HAPROXY });
const S1 = 'i-0111111111111111a';
const S2 = 'i-0222222222222222b';

const app = (id: string, state: string, drainingSince?: string): AppNode => ({
  instanceId: id,
  lifecycleState: asLifecycleState(state),
  groupName: 'app',
  ...(drainingSince ? { drainingSince } : {}),
});
const lb = (id: string, state = 'InService', extra: Partial<ObservedNode> = {}): ObservedNode => ({
  ...node(id, state),
  privateIp: '10.0.0.1',
  configDigest: 'd',
  ...extra,
});
const load = (servers: NodeLoad['servers'] = {}, connections = 0): NodeLoad => ({ connections, servers });
const measured = (loads: Record<string, NodeLoad>, unmeasured: Record<string, string> = {}): LoadMeasurements => ({ at: NOW.toISOString(), loads, unmeasured });
const drains = (nodes: AppNode[], loads?: LoadMeasurements, fleet = FLEET) =>
  planServerDrains(fleet, nodes, new Set(nodes.map((n) => n.instanceId)), [A, B], loads, NOW);

describe('planServerDrains', () => {
  it('a leaving server without a drain note starts its drain (until now + timeout); serving ones are not drained', () => {
    expect(drains([app(S1, 'Terminating:Wait'), app(S2, 'InService')])).toEqual([
      { instanceId: S1, state: 'start', until: '2026-12-02T12:05:00.000Z', reason: expect.objectContaining({ code: 'drain-starts' }) },
    ]);
  });

  it('drained only when every carrier answered with weight 0 (or does not list it) and no session', () => {
    const d = drains([app(S1, 'Terminating:Wait', ago(10))], measured({ [A]: load({ [S1]: { sessions: 0, weights: [0] } }), [B]: load() }));
    expect(d[0]).toMatchObject({ state: 'drained', reason: { code: 'server-drained' } });
  });

  it.each([
    ['a session left', measured({ [A]: load({ [S1]: { sessions: 2, weights: [0] } }), [B]: load() }), `2 session(s) on ${A}`],
    ['a carrier still at full weight', measured({ [A]: load({ [S1]: { sessions: 0, weights: [0, 1] } }), [B]: load() }), `${A} does not run its drain yet`],
    ['a carrier that did not answer', measured({ [A]: load() }, { [B]: 'no answer in time' }), `${B} not measured (no answer in time)`],
    ['no measurement at all', undefined, 'not measured (no measurement this run)'],
  ])('waits with %s, saying so, until its timeout', (_what, loads, says) => {
    const [d] = drains([app(S1, 'Terminating:Wait', ago(10))], loads);
    expect(d).toMatchObject({ state: 'draining', until: new Date(NOW.getTime() + 290_000).toISOString(), reason: { code: 'server-draining' } });
    expect(d!.reason.message).toContain(says);
  });

  it('the timeout ends the drain whatever is still open', () => {
    const [d] = drains([app(S1, 'Terminating:Wait', ago(300))], measured({ [A]: load({ [S1]: { sessions: 9, weights: [0] } }), [B]: load() }));
    expect(d).toMatchObject({ state: 'drained', reason: { code: 'drain-timeout' } });
  });

  it('no drain for a server leaving for a warm pool (no later run sees it)', () => {
    const [d] = drains([{ ...app(S1, 'Terminating:Wait'), toWarmPool: true }]);
    expect(d).toMatchObject({ state: 'drained', reason: { code: 'no-drain' } });
    expect(d!.reason.message).toContain('warm pool');
  });

  it('no drain with a timeout of 0, nor for a server no backend lists (no address)', () => {
    const off = fleetConfig({ haproxy: { ...HAPROXY, drain: { servers: { timeoutSeconds: 0 } } } });
    expect(drains([app(S1, 'Terminating:Wait')], undefined, off)[0]).toMatchObject({ state: 'drained', reason: { code: 'no-drain' } });
    expect(planServerDrains(FLEET, [app(S1, 'Terminating:Wait')], new Set(), [A], undefined, NOW)[0]).toMatchObject({
      state: 'drained',
      reason: { code: 'no-drain' },
    });
  });
});

describe('staleDrainNotes', () => {
  it('a server in service (or launching) again with a drain note has it cleared; a leaving one keeps it', () => {
    expect(staleDrainNotes([app(S1, 'InService', ago(999)), app(S2, 'Terminating:Wait', ago(5)), app(A, 'Pending:Wait', ago(9)), app(B, 'InService')])).toEqual(
      [S1, A],
    );
  });
});

describe('planLbDrain (after the deregistration delay)', () => {
  // Defaults: delay 120 s, terminating hook 300 s: the drain timeout is 300 - 120 - 90 = 90 s.
  const leaving = lb(C, 'Terminating:Wait', { deregisteredAt: ago(130) });

  it('the drain timeout defaults to what the terminating hook leaves', () => {
    expect(FLEET.haproxy!.drain.loadBalancers).toEqual({ maxConnections: 0, timeoutSeconds: 90 });
  });

  it('released when its connections are at most the threshold', () => {
    expect(planLbDrain(FLEET, leaving, measured({ [C]: load({}, 0) }), NOW)).toMatchObject({ release: true, reason: { code: 'lb-drained' } });
    const lenient = fleetConfig({ haproxy: { ...HAPROXY, drain: { loadBalancers: { maxConnections: 5 } } } });
    expect(planLbDrain(lenient, leaving, measured({ [C]: load({}, 5) }), NOW)).toMatchObject({ release: true });
  });

  it('waits with more, or unmeasured, until record deleted + delay + timeout', () => {
    const d = planLbDrain(FLEET, leaving, measured({ [C]: load({}, 3) }), NOW);
    expect(d).toMatchObject({ release: false, until: new Date(NOW.getTime() + 80_000).toISOString(), reason: { code: 'lb-draining' } });
    expect(planLbDrain(FLEET, leaving, measured({}, { [C]: 'its SSM agent is not online' }), NOW).reason.message).toContain('its SSM agent is not online');
  });

  it('released at the timeout with connections left', () => {
    const old = lb(C, 'Terminating:Wait', { deregisteredAt: ago(211) });
    expect(planLbDrain(FLEET, old, measured({ [C]: load({}, 3) }), NOW)).toMatchObject({ release: true, reason: { code: 'lb-drain-timeout' } });
  });
});

describe('what is measured', () => {
  it('carriers: in DNS or leaving, with a private IP; a launching one never configured carries nothing', () => {
    const neverConfigured: ObservedNode = { ...node(B, 'Pending:Wait'), privateIp: '10.0.0.2' };
    const noPrivateIp: ObservedNode = { ...node('i-0ddddddddddddddd4'), configDigest: 'd' };
    const nodes = [lb(A), neverConfigured, lb(C, 'Terminating:Wait'), noPrivateIp];
    expect(carriers(nodes)).toEqual([A, C]);
  });

  it('nothing while nothing drains; the carriers for a server in drain; a leaving load balancer only between its delay and its timeout', () => {
    const base = { records: [], healthChecks: [] };
    expect(measureRequest(FLEET, { ...base, nodes: [lb(A)], servers: { servers: {}, appNodes: [app(S1, 'InService')] } }, NOW)).toBeUndefined();
    expect(measureRequest(FLEET, { ...base, nodes: [lb(A), lb(B)], servers: { servers: {}, appNodes: [app(S1, 'Terminating:Wait', ago(5))] } }, NOW)).toEqual({
      loadBalancers: [A, B],
      servers: [S1],
    });
    const at = (s: number) => measureRequest(FLEET, { ...base, nodes: [lb(C, 'Terminating:Wait', { deregisteredAt: ago(s) })] }, NOW);
    expect(at(60)).toBeUndefined();
    expect(at(130)).toEqual({ loadBalancers: [C], servers: [] });
    expect(at(215)).toBeUndefined();
    // elastic-ip mode: a leaving node's addresses (and their connections) move to a peer at once
    const eip = fleetConfig({
      haproxy: HAPROXY,
      dns: { hostedZoneId: 'Z0EXAMPLE', recordName: 'lb.example.com', address: 'elastic-ip' },
      elasticIps: {},
      alarms: { metric: { namespace: 'AWS/EC2', name: 'StatusCheckFailed' } },
    });
    expect(measureRequest(eip, { ...base, nodes: [lb(C, 'Terminating:Wait', { deregisteredAt: ago(130) })] }, NOW)).toBeUndefined();
  });
});

describe('parseMeasureOutput', () => {
  it('reads what measure.sh prints ("-": only an old worker lists it, which takes nothing new)', () => {
    const out = `workers 2\nconnections 7\nserver ${S1} 4 -\nserver ${S2} 0 1\nend\n`;
    expect(parseMeasureOutput(out)).toEqual({ connections: 7, servers: { [S1]: { sessions: 4, weights: [0] }, [S2]: { sessions: 0, weights: [1] } } });
  });

  it.each([
    ['an answer cut short (no end line: SSM cut it)', `workers 1\nconnections 0\nserver ${S1} 0 0\n`],
    ['an unknown line', 'workers 1\nconnections 0\nsomething else\nend\n'],
    ['a server not named by an instance id', 'workers 1\nconnections 0\nserver web1 0 0\nend\n'],
    ['a server with its backend (the old format)', `workers 1\nconnections 0\nserver app/${S1} 0 0\nend\n`],
    ['no connections line', 'workers 1\nend\n'],
    ['a line after end', 'workers 1\nconnections 0\nend\nconnections 5\n'],
  ])('refuses %s (never read as zero sessions)', (_what, out) => {
    expect(parseMeasureOutput(out)).toHaveProperty('error');
  });
});

describe('drain settings against the hooks', () => {
  it('a server drain longer than the application terminating hook leaves is refused, naming the field', () => {
    expect(() => fleetConfig({ haproxy: { ...HAPROXY, drain: { servers: { timeoutSeconds: 600 } } } })).toThrow(/haproxy\.drain\.servers\.timeoutSeconds/);
    expect(() =>
      fleetConfig({
        haproxy: { ...HAPROXY, drain: { servers: { timeoutSeconds: 600 } } },
        appLifecycleHooks: { terminating: { heartbeatTimeoutSeconds: 720 } },
      }),
    ).not.toThrow();
  });

  it('a load-balancer drain that does not fit the terminating hook after the deregistration delay is refused', () => {
    expect(() => fleetConfig({ haproxy: { ...HAPROXY, drain: { loadBalancers: { timeoutSeconds: 120 } } } })).toThrow(
      /haproxy\.drain\.loadBalancers\.timeoutSeconds/,
    );
    const room = fleetConfig({ haproxy: HAPROXY, lifecycleHooks: { terminating: { heartbeatTimeoutSeconds: 900 } } });
    expect(room.haproxy!.drain.loadBalancers.timeoutSeconds).toBe(900 - 120 - 90);
  });
});
