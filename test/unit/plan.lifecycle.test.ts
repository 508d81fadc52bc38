import { describe, expect, it } from 'vitest';
import type { LifecycleMessage } from '../../lib/events/types';
import { isWarmPoolMove, planCompletions } from '../../lib/plan/completions';
import { planDns } from '../../lib/plan/dns';
import { belongsInDns, withHint } from '../../lib/plan/nodes';
import type { ObservedFleet } from '../../lib/plan/types';
import { A, B, FLEET, check, fleetConfig, node, record } from '../fixtures/fleet';

const hint = (over: Partial<LifecycleMessage>): LifecycleMessage => ({
  kind: 'lifecycle',
  groupName: 'edge-haproxy',
  instanceId: A,
  transition: 'launching',
  hookName: 'edge-hfc-launching',
  token: 'tok-1',
  origin: 'EC2',
  destination: 'AutoScalingGroup',
  via: 'sns',
  ...over,
});

describe('belongsInDns', () => {
  it.each([
    ['Pending', true],
    ['Pending:Wait', true],
    ['Pending:Proceed', true],
    ['InService', true],
    ['EnteringStandby', false],
    ['Standby', false],
    ['Terminating', false],
    ['Terminating:Wait', false],
    ['Terminating:Proceed', false],
    ['Terminated', false],
    ['Detaching', false],
    ['Detached', false],
  ])('%s -> %s', (state, want) => {
    expect(belongsInDns(node(A, state))).toBe(want);
  });
});

describe('withHint', () => {
  it('a terminating event overrides a lagging InService', () => {
    expect(withHint([node(A)], hint({ transition: 'terminating' }))[0]!.lifecycleState).toBe('Terminating:Wait');
  });
  it('a terminating event for a node already gone changes nothing', () => {
    expect(withHint([node(B)], hint({ transition: 'terminating' }))).toEqual([node(B)]);
  });
  it('a terminating event for a node the group no longer lists but EC2 runs adds it as leaving', () => {
    expect(withHint([], hint({ transition: 'terminating' }), node(A, 'Pending:Wait'))).toEqual([node(A, 'Terminating:Wait')]);
  });
  it('a scale-in back to the warm pool is flagged, listed or not', () => {
    const toPool = hint({ transition: 'terminating', origin: 'AutoScalingGroup', destination: 'WarmPool' });
    expect(withHint([], toPool, node(A, 'Pending:Wait'))).toEqual([{ ...node(A, 'Terminating:Wait'), toWarmPool: true }]);
    expect(withHint([node(A)], toPool)).toEqual([{ ...node(A, 'Terminating:Wait'), toWarmPool: true }]);
  });
  it('a launching event adds a node Auto Scaling does not list yet, when EC2 shows it alive', () => {
    expect(withHint([], hint({}), node(A, 'Pending:Wait'))).toEqual([node(A, 'Pending:Wait')]);
  });
  it('a late launching event never resurrects a terminating node', () => {
    expect(withHint([node(A, 'Terminating:Wait')], hint({}), node(A, 'Pending:Wait'))[0]!.lifecycleState).toBe('Terminating:Wait');
  });
  it('a launching event for an instance EC2 no longer runs adds nothing', () => {
    expect(withHint([], hint({}), undefined)).toEqual([]);
  });
});

describe('planCompletions', () => {
  const NOW = new Date('2026-11-22T10:00:00Z');
  const at = (secondsAgo: number) => new Date(NOW.getTime() - secondsAgo * 1000).toISOString();
  const complete = (observed: ObservedFleet, opts: { fleet?: typeof FLEET } = {}) => {
    const fleet = opts.fleet ?? FLEET;
    return planCompletions(fleet, observed, planDns(fleet, observed, { now: NOW }), { now: NOW });
  };

  it('completes a registered launching node and a drained leaving node, with our hooks only', () => {
    const result = complete({ nodes: [node(A, 'Pending:Wait'), { ...node(B, 'Terminating:Wait'), deregisteredAt: at(300) }], records: [], healthChecks: [] });
    expect(result.complete).toEqual([
      expect.objectContaining({ instanceId: A, transition: 'launching', hookName: 'edge-hfc-launching' }),
      expect.objectContaining({ instanceId: B, transition: 'terminating', hookName: 'edge-hfc-terminating' }),
    ]);
  });

  it('does not complete a launching node that could not be registered', () => {
    expect(complete({ nodes: [node(A, 'Pending:Wait', null)], records: [], healthChecks: [] }).complete).toEqual([]);
  });

  // The deregistration delay (default 120 s), as a table: node, what Route 53 still has, outcome.
  const cases: [string, ObservedFleet, string[], string[]][] = [
    ['record deleted by this run: drains from now', { nodes: [node(A, 'Terminating:Wait')], records: [record(A)], healthChecks: [check(A)] }, [], [A]],
    ['deleted 30 s ago: still draining', { nodes: [{ ...node(A, 'Terminating:Wait'), deregisteredAt: at(30) }], records: [], healthChecks: [] }, [], [A]],
    ['deleted 120 s ago: released', { nodes: [{ ...node(A, 'Terminating:Wait'), deregisteredAt: at(120) }], records: [], healthChecks: [] }, [A], []],
    [
      'no record and no note: drains from now (a missing note never skips the delay)',
      { nodes: [node(A, 'Terminating:Wait')], records: [], healthChecks: [] },
      [],
      [A],
    ],
    [
      'leaving for the warm pool: released at once',
      { nodes: [{ ...node(A, 'Terminating:Wait'), toWarmPool: true }], records: [record(A)], healthChecks: [] },
      [A],
      [],
    ],
  ];
  it.each(cases)('%s', (_name, observed, completed, draining) => {
    const result = complete(observed);
    expect(result.complete.map((c) => c.instanceId)).toEqual(completed);
    expect(result.draining.map((d) => d.instanceId)).toEqual(draining);
  });

  it('reports when a draining node will be released', () => {
    const result = complete({ nodes: [{ ...node(A, 'Terminating:Wait'), deregisteredAt: at(30) }], records: [], healthChecks: [] });
    expect(result.draining).toEqual([{ instanceId: A, until: '2026-11-22T10:01:30.000Z' }]);
  });

  it('with a delay of 0, releases a leaving node as soon as its record is deleted', () => {
    const fleet = fleetConfig({ dns: { hostedZoneId: 'Z0EXAMPLE', recordName: 'lb.example.com', deregistrationDelaySeconds: 0 } });
    const observed = { nodes: [node(A, 'Terminating:Wait')], records: [record(A, {}, fleet)], healthChecks: [] };
    expect(complete(observed, { fleet }).complete.map((c) => c.instanceId)).toEqual([A]);
  });
});

describe('isWarmPoolMove', () => {
  it.each([
    ['EC2', 'AutoScalingGroup', false],
    ['EC2', 'WarmPool', true],
    ['WarmPool', 'AutoScalingGroup', false],
    ['WarmPool', 'EC2', true],
    ['AutoScalingGroup', 'EC2', false],
    ['AutoScalingGroup', 'WarmPool', false], // scale-in back to the pool: a serving node leaves
  ])('%s -> %s: %s', (origin, destination, want) => {
    expect(isWarmPoolMove(hint({ origin, destination }))).toBe(want);
  });
});
