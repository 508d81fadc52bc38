/** The decision table of lib/plan/hints.ts: when a lifecycle event may be folded in, and when it must be confirmed first. */
import { describe, expect, it } from 'vitest';
import { judgeHint, judgeWarmPoolMove, poolProblem, routeProblem } from '../../lib/plan/hints';
import { asLifecycleState } from '../../lib/plan/lifecycle';
import { A } from '../fixtures/fleet';

const listed = (lifecycleState: string) => ({ lifecycleState: asLifecycleState(lifecycleState) });

describe('judgeHint', () => {
  it.each([
    // transition, describe shows (undefined: not listed), EC2 alive, verdict
    ['terminating', 'Terminating:Wait', true, 'agrees'],
    ['terminating', 'InService', true, 'confirm'],
    ['terminating', 'Pending', true, 'confirm'],
    ['terminating', 'Pending:Wait', true, 'confirm'],
    ['terminating', 'Pending:Proceed', true, 'confirm'],
    ['terminating', undefined, true, 'confirm'],
    ['terminating', undefined, false, 'no-effect'],
    ['terminating', 'Standby', true, 'no-effect'],
    ['terminating', 'Terminating:Proceed', true, 'no-effect'],
    ['launching', 'Pending:Wait', true, 'agrees'],
    ['launching', 'Pending', true, 'confirm'],
    ['launching', undefined, true, 'confirm'],
    ['launching', undefined, false, 'no-effect'],
    ['launching', 'InService', true, 'no-effect'],
    ['launching', 'Pending:Proceed', true, 'no-effect'],
    ['launching', 'Terminating:Wait', true, 'no-effect'],
  ] as const)('%s event, group shows %s, alive %s: %s', (transition, state, alive, verdict) => {
    const judged = judgeHint({ instanceId: A, transition }, state ? listed(state) : undefined, alive);
    expect(judged.verdict).toBe(verdict);
    if (judged.verdict !== 'agrees') expect(judged.reason).toContain(A);
  });
});

describe('routeProblem: the routes Auto Scaling sends', () => {
  it.each([
    ['launching', 'EC2', 'AutoScalingGroup', true],
    ['launching', 'EC2', 'WarmPool', true],
    ['launching', 'WarmPool', 'AutoScalingGroup', true],
    ['terminating', 'AutoScalingGroup', 'EC2', true],
    ['terminating', 'AutoScalingGroup', 'WarmPool', true],
    ['terminating', 'WarmPool', 'EC2', true],
    ['launching', 'WarmPool', 'EC2', false],
    ['launching', 'AutoScalingGroup', 'WarmPool', false],
    ['terminating', 'EC2', 'WarmPool', false],
    ['terminating', 'WarmPool', 'WarmPool', false],
    ['launching', 'EC2', 'EC2', false],
  ] as const)('%s from %s to %s: %s', (transition, origin, destination, ok) => {
    expect(routeProblem({ transition, origin, destination }) === undefined).toBe(ok);
  });
});

describe('poolProblem: the warm pool must agree with the route', () => {
  it.each([
    // origin, destination, warm pool shows (undefined: not listed), holds
    ['EC2', 'WarmPool', 'Warmed:Pending:Wait', true],
    ['EC2', 'WarmPool', undefined, false],
    ['AutoScalingGroup', 'WarmPool', 'Warmed:Pending:Wait', true],
    ['AutoScalingGroup', 'WarmPool', 'Warmed:Stopped', false],
    ['WarmPool', 'EC2', 'Warmed:Terminating:Wait', true],
    ['WarmPool', 'EC2', 'Warmed:Pending:Wait', false], // a scale-in to the pool, re-routed
    ['WarmPool', 'AutoScalingGroup', 'Warmed:Stopped', true],
    ['WarmPool', 'AutoScalingGroup', undefined, true],
    ['EC2', 'AutoScalingGroup', undefined, true],
    ['EC2', 'AutoScalingGroup', 'Warmed:Pending:Wait', false], // a launch into the pool, re-routed
    ['AutoScalingGroup', 'EC2', 'Warmed:Pending:Wait', false],
  ] as const)('%s to %s, pool shows %s: %s', (origin, destination, pooled, holds) => {
    const problem = poolProblem({ instanceId: A, origin, destination }, pooled);
    expect(problem === undefined).toBe(holds);
    if (problem) expect(problem).toContain(A);
  });
});

describe('judgeWarmPoolMove', () => {
  const intoPool = { instanceId: A, origin: 'EC2', destination: 'WarmPool' };
  it('an instance the group lists is not in a warm pool: refused with the state it has', () => {
    expect(judgeWarmPoolMove(intoPool, listed('Pending:Wait'), undefined)).toEqual({ verdict: 'refuse', reason: expect.stringContaining('as Pending:Wait') });
  });
  it('an instance the warm pool shows as the route implies must still be confirmed', () => {
    expect(judgeWarmPoolMove(intoPool, undefined, 'Warmed:Pending:Wait').verdict).toBe('confirm');
  });
  it('an instance the warm pool does not list (a lagging describe of a real launch, re-routed) is refused', () => {
    expect(judgeWarmPoolMove(intoPool, undefined, undefined)).toEqual({ verdict: 'refuse', reason: expect.stringContaining('does not list') });
  });
});
