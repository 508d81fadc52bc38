/**
 * The whole-fleet plan (lib/plan/fleet.ts): every lifecycle gate is the planner's decision, with
 * a reason code and a sentence, and `unmet` says from a pass's results which completion waits.
 */
import { describe, expect, it } from 'vitest';
import { type FleetPlan, type PassResults, planFleet, planJson, unmet } from '../../lib/plan/fleet';
import { asLifecycleState } from '../../lib/plan/lifecycle';
import type { AppNode, ObservedFleet, ObservedNode } from '../../lib/plan/types';
import { A, B, C, check, FLEET, fleetConfig, node, record } from '../fixtures/fleet';

const NOW = new Date('2026-11-22T10:00:00Z');
const HAPROXY = fleetConfig({ haproxy: { backends: [{ name: 'app', servers: { autoScalingGroup: 'app-asg' }, port: 8080 }] } });
const S1 = 'i-0111111111111111a';
const S2 = 'i-0222222222222222b';

const lb = (id: string, state = 'InService', extra: Partial<ObservedNode> = {}): ObservedNode => ({
  ...node(id, state),
  privateIp: `10.0.0.${id.slice(-1) === '1' ? 1 : id.slice(-1) === '2' ? 2 : 3}`,
  ...extra,
});
const app = (id: string, state = 'InService'): AppNode => ({ instanceId: id, lifecycleState: asLifecycleState(state), groupName: 'app-asg' });
const converged = (...ids: string[]) => ({ records: ids.map((id) => record(id)), healthChecks: ids.map((id) => check(id)) });
const plan = (fleet: typeof FLEET, observed: ObservedFleet, pushConfig = false) => planFleet(fleet, observed, { now: NOW, pushConfig });
const ok: PassResults = { dnsFailed: new Map(), dnsDeferred: new Set(), addressesFailed: new Set() };

describe('planFleet: load balancers', () => {
  it('a launching node with an address: completed once its DNS work succeeds', () => {
    const p = plan(FLEET, { nodes: [node(A, 'Pending:Wait')], records: [], healthChecks: [] });
    expect(p.completions).toEqual([
      expect.objectContaining({
        instanceId: A,
        transition: 'launching',
        tier: 'load-balancers',
        reason: expect.objectContaining({ code: 'registered' }),
        requires: [{ kind: 'dns', instanceId: A }],
      }),
    ]);
    expect(unmet(p.completions[0]!, p, ok)).toEqual([]);
    expect(unmet(p.completions[0]!, p, { ...ok, dnsFailed: new Map([[A, 'Throttling']]) })).toEqual([expect.objectContaining({ code: 'dns-failed' })]);
    expect(unmet(p.completions[0]!, p, { ...ok, dnsDeferred: new Set([A]) })).toEqual([expect.objectContaining({ code: 'dns-deferred' })]);
  });

  it('a launching node without an address waits, saying so', () => {
    const p = plan(FLEET, { nodes: [node(A, 'Pending:Wait', null)], records: [], healthChecks: [] });
    expect(p.completions).toEqual([]);
    expect(p.waiting).toEqual([expect.objectContaining({ instanceId: A, transition: 'launching', reason: expect.objectContaining({ code: 'no-address' }) })]);
  });

  it('a leaving node drains until its deregistration delay is over, then is completed', () => {
    const draining = plan(FLEET, { nodes: [{ ...node(B, 'Terminating:Wait'), deregisteredAt: '2026-11-22T09:59:00.000Z' }], records: [], healthChecks: [] });
    expect(draining.waiting).toEqual([
      expect.objectContaining({ instanceId: B, reason: expect.objectContaining({ code: 'draining' }), until: '2026-11-22T10:01:00.000Z' }),
    ]);
    const over = plan(FLEET, { nodes: [{ ...node(B, 'Terminating:Wait'), deregisteredAt: '2026-11-22T09:57:00.000Z' }], records: [], healthChecks: [] });
    expect(over.completions).toEqual([
      expect.objectContaining({ instanceId: B, transition: 'terminating', reason: expect.objectContaining({ code: 'delay-over' }) }),
    ]);
  });

  it('with the configuration pushed, a launch also requires the node to run it', () => {
    const servers = { servers: { app: [] }, appNodes: [] };
    const p = plan(HAPROXY, { nodes: [lb(A, 'Pending:Wait')], records: [], healthChecks: [], servers }, true);
    expect(p.completions[0]!.requires).toEqual([
      { kind: 'dns', instanceId: A },
      { kind: 'configApplied', instanceId: A },
    ]);
    const pushed = (over: Partial<NonNullable<PassResults['config']>>) => ({ ...ok, config: { current: [], offline: [], failed: [], ...over } });
    expect(unmet(p.completions[0]!, p, pushed({ current: [A] }))).toEqual([]);
    expect(unmet(p.completions[0]!, p, pushed({ offline: [A] }))[0]!.message).toContain('not online');
    expect(unmet(p.completions[0]!, p, pushed({ failed: [A] }))[0]!.message).toContain('refused or failed');
  });

  it('an application tier that cannot be read holds every launch, with the reason', () => {
    const p = plan(HAPROXY, { nodes: [lb(A, 'Pending:Wait')], records: [], healthChecks: [], serversError: new Error('AccessDenied') }, true);
    expect(p.config).toEqual({ ok: false, reason: expect.objectContaining({ code: 'app-tier-unreadable' }) });
    expect(unmet(p.completions[0]!, p, ok)).toEqual([expect.objectContaining({ code: 'app-tier-unreadable' })]);
  });
});

describe('planFleet: application servers and the gate', () => {
  const fleetOf = (servers: ObservedFleet['servers'], nodes = [lb(A), lb(B, 'Pending:Wait')]) => plan(HAPROXY, { nodes, ...converged(A, B), servers }, true);

  it('a launching server the configuration lists waits for every load balancer that may carry traffic', () => {
    const p = fleetOf({ servers: { app: [{ instanceId: S1, ip: '10.1.0.1' }] }, appNodes: [app(S1, 'Pending:Wait')] });
    const c = p.completions.find((x) => x.tier === 'application')!;
    expect(c).toMatchObject({ instanceId: S1, groupName: 'app-asg', hookName: 'edge-hfc-app-launching', requires: [{ kind: 'configOnAll' }] });
    const results = (current: string[], offline: string[] = []) => ({ ...ok, config: { current, offline, failed: [] } });
    expect(unmet(c, p, results([A]))).toEqual([expect.objectContaining({ code: 'gate-closed', message: expect.stringContaining(B) })]);
    // B is launching and never configured: an offline agent excuses it (it serves nothing yet)
    expect(unmet(c, p, results([A], [B]))).toEqual([]);
    // A serves: an offline agent there keeps the gate closed
    expect(unmet(c, p, results([B], [A]))).toEqual([expect.objectContaining({ code: 'gate-closed', message: expect.stringContaining(A) })]);
  });

  it('a launching server the configuration does not list (no private IP seen) waits, saying so', () => {
    const p = fleetOf({ servers: { app: [] }, appNodes: [app(S2, 'Pending:Wait')] });
    expect(p.waiting).toEqual([expect.objectContaining({ instanceId: S2, tier: 'application', reason: expect.objectContaining({ code: 'not-in-config' }) })]);
  });

  it('a leaving server is let go through the same gate', () => {
    const p = fleetOf({ servers: { app: [] }, appNodes: [app(S2, 'Terminating:Wait')] });
    expect(p.completions.filter((c) => c.tier === 'application')).toEqual([
      expect.objectContaining({ instanceId: S2, transition: 'terminating', hookName: 'edge-hfc-app-terminating', requires: [{ kind: 'configOnAll' }] }),
    ]);
  });
});

describe('planJson', () => {
  it('serialises the whole plan, Maps as objects and the payload as its size', () => {
    const p: FleetPlan = plan(
      HAPROXY,
      { nodes: [lb(A), lb(C, 'Pending:Wait')], ...converged(A), servers: { servers: { app: [{ instanceId: S1, ip: '10.1.0.1' }] }, appNodes: [] } },
      true,
    );
    const json = planJson(p) as { config: { plan: { payload: string; behind: string[] } }; dns: { actions: { kind: string }[] } };
    expect(json.config.plan.payload).toMatch(/^\(\d+ bytes\)$/);
    expect(json.config.plan.behind).toEqual([A, C]);
    expect(json.dns.actions.map((a) => a.kind)).toEqual(['createHealthCheck', 'createRecord']);
    expect(JSON.parse(JSON.stringify(json))).toEqual(json);
  });
});
