/**
 * Whether a lifecycle event may be folded into what Auto Scaling's describe shows.
 *
 * An event is a hint. Where it agrees with DescribeAutoScalingGroups, or would change nothing,
 * it is used (or dropped) at no cost. Where it contradicts the describe, it is used only once
 * Auto Scaling has confirmed that the instance has an active action on our hook: a delayed
 * replay, or a message forged by whoever may publish to the topic, must never take a serving
 * node out of DNS, move its Elastic IPs or drop it from the load balancers' configuration.
 * A genuine event whose describe lags (the reason hints are trusted at all) passes that check.
 *
 *   hint          describe shows                      EC2       verdict
 *   ------------  ----------------------------------  --------  ---------------------------------
 *   terminating   Terminating:Wait                    -         agrees
 *   terminating   Pending*, InService (serving)       -         confirm (it would take it out)
 *   terminating   not listed                          alive     confirm (it would add it, leaving)
 *   terminating   not listed                          gone      no effect
 *   terminating   anything else (Standby, ...)        -         no effect
 *   launching     Pending:Wait                        -         agrees
 *   launching     Pending                             -         confirm (it would complete it)
 *   launching     not listed                          alive     confirm (it would register it)
 *   launching     not listed                          gone      no effect
 *   launching     anything else (InService, ...)      -         no effect
 *
 * Pure: the confirmation itself (RecordLifecycleActionHeartbeat) is lib/reconcile/hints.ts.
 */
import type { LifecycleMessage } from '../events/types';
import { belongsInDns } from './nodes';
import type { ObservedNode } from './types';

export type HintVerdict =
  | { verdict: 'agrees' }
  | { verdict: 'no-effect'; reason: string }
  | { verdict: 'confirm'; reason: string };

/**
 * @param listed the instance as the group's describe lists it, if it does
 * @param alive whether EC2 shows the instance pending or running
 */
export function judgeHint(hint: Pick<LifecycleMessage, 'instanceId' | 'transition'>, listed: Pick<ObservedNode, 'lifecycleState'> | undefined, alive: boolean): HintVerdict {
  const id = hint.instanceId;
  if (!listed) {
    if (!alive) return { verdict: 'no-effect', reason: `instance ${id} is neither in the group nor running (a late duplicate)` };
    return { verdict: 'confirm', reason: `the group does not list instance ${id}, which EC2 shows running` };
  }
  const state = listed.lifecycleState;
  if (hint.transition === 'terminating') {
    if (state === 'Terminating:Wait') return { verdict: 'agrees' };
    if (belongsInDns(listed as ObservedNode)) return { verdict: 'confirm', reason: `the group shows instance ${id} ${state}, not terminating` };
    return { verdict: 'no-effect', reason: `the group shows instance ${id} ${state}` };
  }
  if (state === 'Pending:Wait') return { verdict: 'agrees' };
  if (state === 'Pending') return { verdict: 'confirm', reason: `the group shows instance ${id} Pending, not waiting for our hook` };
  return { verdict: 'no-effect', reason: `the group shows instance ${id} ${state}, past its launch` };
}

/**
 * A warm-pool move (into the pool at launch, or terminated from it) is completed without any
 * DNS work, so it needs the most care: the group must not list the instance (warm-pool
 * instances are listed only by DescribeWarmPool), and the action must then be confirmed.
 */
export function judgeWarmPoolMove(hint: Pick<LifecycleMessage, 'instanceId'>, listed: Pick<ObservedNode, 'lifecycleState'> | undefined): HintVerdict & { verdict: 'confirm' } | { verdict: 'refuse'; reason: string } {
  if (listed) return { verdict: 'refuse', reason: `the group lists instance ${hint.instanceId} as ${listed.lifecycleState}: not in a warm pool, so not a warm-pool move` };
  return { verdict: 'confirm', reason: `a warm-pool move of instance ${hint.instanceId} is completed without DNS work` };
}
