/** lib/plan/lifecycle.ts knows every state Auto Scaling reports, and reads any other as Unknown. */
import { LifecycleState } from '@aws-sdk/client-auto-scaling';
import { describe, expect, it } from 'vitest';
import { asLifecycleState, LIFECYCLE_STATES } from '../../lib/plan/lifecycle';

describe('LIFECYCLE_STATES', () => {
  it("is the SDK's LifecycleState enum, plus Unknown", () => {
    expect([...LIFECYCLE_STATES].sort()).toEqual([...Object.values(LifecycleState), 'Unknown'].sort());
  });

  it('a state it does not know is Unknown (no set holds it: the node is left as it is)', () => {
    expect(asLifecycleState('Warmed:Hibernated')).toBe('Warmed:Hibernated');
    expect(asLifecycleState('Pending:Teleporting')).toBe('Unknown');
    expect(asLifecycleState(undefined)).toBe('Unknown');
  });
});
