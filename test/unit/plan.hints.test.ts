/** The decision table of lib/plan/hints.ts: when a lifecycle event may be folded in, and when it must be confirmed first. */
import { describe, expect, it } from 'vitest';
import { judgeHint, judgeWarmPoolMove } from '../../lib/plan/hints';
import { A } from '../fixtures/fleet';

const listed = (lifecycleState: string) => ({ lifecycleState });

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

describe('judgeWarmPoolMove', () => {
  it('an instance the group lists is not in a warm pool: refused with the state it has', () => {
    expect(judgeWarmPoolMove({ instanceId: A }, listed('Pending:Wait'))).toEqual({ verdict: 'refuse', reason: expect.stringContaining('as Pending:Wait') });
  });
  it('an instance the group does not list must still be confirmed', () => {
    expect(judgeWarmPoolMove({ instanceId: A }, undefined).verdict).toBe('confirm');
  });
});
