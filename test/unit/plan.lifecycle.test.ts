import { describe, expect, it } from 'vitest';
import type { LifecycleMessage } from '../../lib/events/types';
import { isWarmPoolMove, planCompletions } from '../../lib/plan/completions';
import { planDns } from '../../lib/plan/dns';
import { belongsInDns, withHint } from '../../lib/plan/nodes';
import { A, B, FLEET, node } from '../fixtures/fleet';

const hint = (over: Partial<LifecycleMessage>): LifecycleMessage => ({
  kind: 'lifecycle', groupName: 'edge-haproxy', instanceId: A, transition: 'launching', hookName: 'edge-hfc-launching',
  token: 'tok-1', origin: 'EC2', destination: 'AutoScalingGroup', via: 'sns', ...over,
});

describe('belongsInDns', () => {
  it.each([
    ['Pending', true], ['Pending:Wait', true], ['Pending:Proceed', true], ['InService', true],
    ['EnteringStandby', false], ['Standby', false], ['Terminating', false], ['Terminating:Wait', false],
    ['Terminating:Proceed', false], ['Terminated', false], ['Detaching', false], ['Detached', false],
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
  it('completes a registered launching node and a leaving node, with our hooks only', () => {
    const nodes = [node(A, 'Pending:Wait'), node(B, 'Terminating:Wait')];
    const plan = planDns(FLEET, { nodes, records: [], healthChecks: [] });
    expect(planCompletions(FLEET, nodes, plan)).toEqual([
      expect.objectContaining({ instanceId: A, transition: 'launching', hookName: 'edge-hfc-launching' }),
      expect.objectContaining({ instanceId: B, transition: 'terminating', hookName: 'edge-hfc-terminating' }),
    ]);
  });
  it('uses the event token for the action the event named', () => {
    const nodes = [node(A, 'Pending:Wait')];
    const plan = planDns(FLEET, { nodes, records: [], healthChecks: [] });
    expect(planCompletions(FLEET, nodes, plan, hint({}))[0]!.token).toBe('tok-1');
    expect(planCompletions(FLEET, nodes, plan, hint({ hookName: 'someone-elses-hook' }))[0]!.token).toBeUndefined();
  });
  it('does not complete a launching node that could not be registered', () => {
    const nodes = [node(A, 'Pending:Wait', null)];
    const plan = planDns(FLEET, { nodes, records: [], healthChecks: [] });
    expect(planCompletions(FLEET, nodes, plan)).toEqual([]);
  });
});

describe('isWarmPoolMove', () => {
  it.each([
    ['EC2', 'AutoScalingGroup', false],
    ['EC2', 'WarmPool', true],
    ['WarmPool', 'AutoScalingGroup', false],
    ['WarmPool', 'EC2', true],
    ['AutoScalingGroup', 'EC2', false],
    ['AutoScalingGroup', 'WarmPool', true],
  ])('%s -> %s: %s', (origin, destination, want) => {
    expect(isWarmPoolMove(hint({ origin, destination }))).toBe(want);
  });
});
