/**
 * Decides whether a lifecycle event may be folded into an observation (the table is in
 * lib/plan/hints.ts) and, where it contradicts the describe, asks Auto Scaling. One call, and
 * only then: an event that agrees with the describe costs nothing extra.
 */
import type { AutoScalingAdapter } from '../aws/autoscaling';
import { StaleEventError } from '../errors';
import type { LifecycleHint, LifecycleMessage } from '../events/types';
import { judgeHint, poolProblem, touchesWarmPool } from '../plan/hints';
import type { ObservedNode } from '../plan/types';

export interface HintChecks {
  autoScaling: Pick<AutoScalingAdapter, 'confirmAction' | 'describeWarmPool'>;
  /** A dry run (shadow mode) makes no call that changes anything, and a heartbeat extends an action. */
  dryRun: boolean;
}

/**
 * The hint to fold in, undefined when it would change nothing.
 * @param hookName our hook for the hint's transition (the handler has checked the event names it)
 * @throws StaleEventError when the event contradicts the describe and Auto Scaling does not
 *   confirm an active action for the instance, or the warm pool contradicts its route (nothing
 *   has been changed; a dry run asks no confirmation and assumes it)
 */
export async function trustedHint(
  hint: LifecycleMessage,
  hookName: string,
  listed: Pick<ObservedNode, 'lifecycleState'> | undefined,
  alive: boolean,
  checks: HintChecks,
): Promise<LifecycleHint | undefined> {
  const judged = judgeHint(hint, listed, alive);
  if (judged.verdict === 'no-effect') return undefined;
  // A route through the warm pool, or an instance the group does not list, is checked against
  // the warm pool's own view: a real action with a rewritten route is not a move of another kind.
  if (touchesWarmPool(hint) || (judged.verdict === 'confirm' && !listed)) {
    const pooled = (await checks.autoScaling.describeWarmPool(hint.groupName)).get(hint.instanceId);
    const problem = poolProblem(hint, pooled);
    if (problem)
      throw new StaleEventError(
        `the ${hint.transition} event for ${hint.instanceId} contradicts Auto Scaling: ${problem}; ignored, nothing was changed`,
        hint.instanceId,
      );
  }
  if (judged.verdict === 'agrees') return hintOf(hint, 'agrees');
  const what = `the ${hint.transition} event for ${hint.instanceId} contradicts Auto Scaling (${judged.reason})`;
  // A dry run asks nothing that changes an action (a heartbeat extends it): it plans as active mode
  // would once Auto Scaling confirmed the event, and says so (the report's hint.check).
  if (checks.dryRun) return hintOf(hint, 'assumed (dry run)');
  const answer = await checks.autoScaling.confirmAction({ groupName: hint.groupName, hookName, instanceId: hint.instanceId });
  if (answer === 'no-active-action') {
    throw new StaleEventError(
      `${what}, and Auto Scaling has no active ${hint.transition} action for it on hook ${hookName}: a stale or forged event, ignored; nothing was changed`,
      hint.instanceId,
    );
  }
  return hintOf(hint, 'confirmed');
}

const hintOf = ({ instanceId, transition, origin, destination, groupName, hookName }: LifecycleMessage, check: LifecycleHint['check']): LifecycleHint => ({
  instanceId,
  transition,
  origin,
  destination,
  groupName,
  hookName,
  check,
});

/** EC2 states of an instance that is (still) alive. */
export const EC2_ALIVE: ReadonlySet<string> = new Set(['pending', 'running']);

/**
 * The event checked against one group's describe and EC2's view of its instance: the hint to
 * fold in (undefined when it changes nothing), and whether EC2 shows the instance alive.
 * @throws StaleEventError as trustedHint
 */
export async function checkedHint(
  hint: LifecycleMessage | undefined,
  hookName: (transition: LifecycleMessage['transition']) => string,
  group: readonly Pick<ObservedNode, 'instanceId' | 'lifecycleState'>[],
  instances: ReadonlyMap<string, { state: string }>,
  checks: HintChecks,
): Promise<{ hint?: LifecycleHint; alive: boolean }> {
  if (!hint) return { alive: false };
  const info = instances.get(hint.instanceId);
  const alive = !!info && EC2_ALIVE.has(info.state);
  const trusted = await trustedHint(
    hint,
    hookName(hint.transition),
    group.find((i) => i.instanceId === hint.instanceId),
    alive,
    checks,
  );
  return { ...(trusted ? { hint: trusted } : {}), alive };
}
