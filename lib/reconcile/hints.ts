/**
 * Decides whether a lifecycle event may be folded into an observation (the table is in
 * lib/plan/hints.ts) and, where it contradicts the describe, asks Auto Scaling. One call, and
 * only then: an event that agrees with the describe costs nothing extra.
 */
import type { AutoScalingAdapter } from '../aws/autoscaling';
import { StaleEventError } from '../errors';
import type { LifecycleHint, LifecycleMessage } from '../events/types';
import { judgeHint } from '../plan/hints';
import type { ObservedNode } from '../plan/types';

export interface HintChecks {
  autoScaling: Pick<AutoScalingAdapter, 'confirmAction'>;
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
  if (judged.verdict === 'agrees') return hintOf(hint);
  if (judged.verdict === 'no-effect') return undefined;
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
