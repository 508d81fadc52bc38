/** When a lifecycle event is late: only certain answers end the run early; anything else goes the full path. */
import { describe, expect, it } from 'vitest';
import { lateEvent } from '../../lib/plan/late';
import { asLifecycleState } from '../../lib/plan/lifecycle';

const I = 'i-0aaaaaaaaaaaaaaa1';

describe('lateEvent', () => {
  it.each([
    ['launching', 'Pending', false],
    ['launching', 'Pending:Wait', false],
    ['launching', 'Warmed:Pending:Wait', false],
    ['launching', undefined, false], // not listed yet, or a warm-pool instance: the full path checks
    ['launching', 'Pending:Proceed', true],
    ['launching', 'InService', true],
    ['launching', 'Terminating:Wait', true],
    ['terminating', 'Terminating', false],
    ['terminating', 'Terminating:Wait', false],
    ['terminating', 'Warmed:Terminating:Wait', false],
    ['terminating', 'InService', false], // contradicts the event: hints.ts confirms or rejects it
    ['terminating', 'Terminating:Proceed', true],
    ['terminating', 'Terminated', true],
    ['terminating', undefined, true], // gone from the group
  ] as const)('%s event, instance %s: late %s', (transition, state, late) => {
    const why = lateEvent({ transition, instanceId: I }, state === undefined ? undefined : asLifecycleState(state));
    expect(why !== undefined).toBe(late);
    if (why) {
      expect(why.code).toBe('event-late');
      expect(why.message).toContain(I);
    }
  });

  it('a terminating event is not late while the node still has its record (its hook timed out, or it is gone: the run removes it)', () => {
    expect(lateEvent({ transition: 'terminating', instanceId: I }, undefined, true)).toBeUndefined();
    expect(lateEvent({ transition: 'terminating', instanceId: I }, asLifecycleState('Terminated'), true)).toBeUndefined();
    expect(lateEvent({ transition: 'launching', instanceId: I }, asLifecycleState('InService'), true)?.code).toBe('event-late');
  });
});
