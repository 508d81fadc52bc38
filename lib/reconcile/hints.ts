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
 *   confirm an active action for the instance (nothing has been changed)
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
    if (problem) throw new StaleEventError(`the ${hint.transition} event for ${hint.instanceId} contradicts Auto Scaling: ${problem}; ignored, nothing was changed`, hint.instanceId);
  }
  if (judged.verdict === 'agrees') return hintOf(hint);
  const what = `the ${hint.transition} event for ${hint.instanceId} contradicts Auto Scaling (${judged.reason})`;
  if (checks.dryRun) {
    throw new StaleEventError(`${what}; a dry run does not confirm it (RecordLifecycleActionHeartbeat changes the action's timeout), so it is ignored and nothing is changed`, hint.instanceId);
  }
  const answer = await checks.autoScaling.confirmAction({ groupName: hint.groupName, hookName, instanceId: hint.instanceId });
  if (answer === 'no-active-action') {
    throw new StaleEventError(`${what}, and Auto Scaling has no active ${hint.transition} action for it on hook ${hookName}: a stale or forged event, ignored; nothing was changed`, hint.instanceId);
  }
  return hintOf(hint);
}

const hintOf = ({ instanceId, transition, origin, destination, groupName, hookName }: LifecycleMessage): LifecycleHint => ({ instanceId, transition, origin, destination, groupName, hookName });
