/** Heartbeats go only to launches queued behind Route 53's quota, and only when their hook's timer is running out. */
import { describe, expect, it } from 'vitest';
import { planDns } from '../../lib/plan/dns';
import { HEADROOM_SECONDS } from '../../lib/config/schedule';
import { planHeartbeats } from '../../lib/plan/heartbeats';
import type { ObservedFleet, ObservedNode } from '../../lib/plan/types';
import { A, B, C, FLEET, check, fleetConfig, node, record } from '../fixtures/fleet';

const NOW = new Date('2026-12-01T12:00:00Z');
const ago = (s: number) => new Date(NOW.getTime() - s * 1000).toISOString();
const waiting = (id: string, timerSeconds: number | undefined, address?: string | null): ObservedNode => ({
  ...node(id, 'Pending:Wait', address === undefined ? undefined : address),
  ...(timerSeconds === undefined ? {} : { timerStartedAt: ago(timerSeconds) }),
});
const plan = (observed: ObservedFleet, fleet = FLEET) => planHeartbeats(fleet, observed, planDns(fleet, observed, { now: NOW }), NOW);
const due = 300 - HEADROOM_SECONDS;

describe('planHeartbeats', () => {
  it('a queued launch whose timer has run past timeout minus headroom gets one, with its hook and the reason', () => {
    const beats = plan({ nodes: [waiting(A, due + 1)], records: [], healthChecks: [] });
    expect(beats).toEqual([{ instanceId: A, hookName: FLEET.lifecycleHooks.launching.name, reason: expect.objectContaining({ code: 'heartbeat' }) }]);
    expect(beats[0]!.reason.message).toContain('300 s hook timeout');
  });

  it('none while the timer is young, counted from the last heartbeat when there was one', () => {
    expect(plan({ nodes: [waiting(A, due - 1)], records: [], healthChecks: [] })).toEqual([]);
  });

  it('none for a node whose record exists (it waits on something else: the hook timeout is the intended limit)', () => {
    expect(plan({ nodes: [waiting(A, 290)], records: [record(A)], healthChecks: [check(A)] })).toEqual([]);
  });

  it('a dual-stack launch with its A record but its AAAA record still queued gets one; with both, none', () => {
    const dual = fleetConfig({ dns: { hostedZoneId: 'Z0EXAMPLE', recordName: 'lb.example.com', dualStack: true } });
    const n = { ...waiting(A, due + 1), address6: '2600:1f18::1' };
    const aOnly = { nodes: [n], records: [record(A)], healthChecks: [check(A)] };
    expect(plan(aOnly, dual).map((b) => b.instanceId)).toEqual([A]);
    const both = {
      nodes: [n],
      records: [record(A), record(A, { type: 'AAAA', values: ['2600:1f18::1'], healthCheckId: 'hc-6' })],
      healthChecks: [check(A), check(A, '2600:1f18::1', 'hc-6')],
    };
    expect(planDns(dual, both, { now: NOW }).actions).toEqual([]);
    expect(plan(both, dual)).toEqual([]);
  });

  it('none for a node the plan will not register (no address), nor one without a known launch time, nor a serving node', () => {
    const observed = { nodes: [waiting(A, 290, null), waiting(B, undefined), { ...node(C), timerStartedAt: ago(290) }], records: [], healthChecks: [] };
    expect(plan(observed)).toEqual([]);
  });

  it('none once the launch has waited longer than any burst within the quota can take (its create fails for good: the hook decides)', () => {
    const stuck = { ...waiting(A, due + 1), launchedAt: ago(2 * FLEET.limits.healthCheckQuota + 300 + 1) };
    const queued = { ...waiting(B, due + 1), launchedAt: ago(2 * FLEET.limits.healthCheckQuota + 300 - 10) };
    expect(plan({ nodes: [stuck, queued], records: [], healthChecks: [] }).map((h) => h.instanceId)).toEqual([B]);
  });

  it("scales with the hook's timeout: with 3,600 s a node waiting 400 s needs none", () => {
    const long = fleetConfig({ lifecycleHooks: { launching: { heartbeatTimeoutSeconds: 3600 } } });
    expect(plan({ nodes: [waiting(A, 400)], records: [], healthChecks: [] }, long)).toEqual([]);
    expect(plan({ nodes: [waiting(A, 3600 - HEADROOM_SECONDS + 1)], records: [], healthChecks: [] }, long)).toHaveLength(1);
  });
});
