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
 * Before any of this, the event's route (Origin, Destination) must be one Auto Scaling sends for
 * its transition (routeProblem); and whenever the event is confirmed, or its route touches a warm
 * pool, the warm pool's own view must agree with the route (poolProblem): a real action with a
 * rewritten route must not pass as another kind of move.
 *
 * Pure: the calls (RecordLifecycleActionHeartbeat, DescribeWarmPool) are lib/reconcile/hints.ts.
 */
import type { LifecycleMessage } from '../events/types';
import { LAUNCH_WAIT, LEAVING, PENDING, POOL_LAUNCH_WAIT, POOL_LEAVING } from './lifecycle';
import { belongsInDns } from './nodes';
import type { ObservedNode } from './types';

export type HintVerdict = { verdict: 'agrees' } | { verdict: 'no-effect'; reason: string } | { verdict: 'confirm'; reason: string };

/**
 * @param listed the instance as the group's describe lists it, if it does
 * @param alive whether EC2 shows the instance pending or running
 */
export function judgeHint(
  hint: Pick<LifecycleMessage, 'instanceId' | 'transition'>,
  listed: Pick<ObservedNode, 'lifecycleState'> | undefined,
  alive: boolean,
): HintVerdict {
  const id = hint.instanceId;
  if (!listed) {
    if (!alive) return { verdict: 'no-effect', reason: `instance ${id} is neither in the group nor running (a late duplicate)` };
    return { verdict: 'confirm', reason: `the group does not list instance ${id}, which EC2 shows running` };
  }
  const state = listed.lifecycleState;
  if (hint.transition === 'terminating') {
    if (state === LEAVING) return { verdict: 'agrees' };
    if (belongsInDns(listed as ObservedNode)) return { verdict: 'confirm', reason: `the group shows instance ${id} ${state}, not terminating` };
    return { verdict: 'no-effect', reason: `the group shows instance ${id} ${state}` };
  }
  if (state === LAUNCH_WAIT) return { verdict: 'agrees' };
  if (state === PENDING) return { verdict: 'confirm', reason: `the group shows instance ${id} ${state}, not waiting for our hook` };
  return { verdict: 'no-effect', reason: `the group shows instance ${id} ${state}, past its launch` };
}

/**
 * The routes Auto Scaling sends for each transition (its user guide, warm pools): an event with
 * another route, or whose route does not fit its transition, was not sent by Auto Scaling.
 */
const ROUTES: Record<LifecycleMessage['transition'], readonly string[]> = {
  launching: ['EC2>AutoScalingGroup', 'EC2>WarmPool', 'WarmPool>AutoScalingGroup'],
  terminating: ['AutoScalingGroup>EC2', 'AutoScalingGroup>WarmPool', 'WarmPool>EC2'],
};

/** Why the event's route cannot be one Auto Scaling sends for its transition, if it cannot. */
export function routeProblem(hint: Pick<LifecycleMessage, 'transition' | 'origin' | 'destination'>): string | undefined {
  const route = `${hint.origin}>${hint.destination}`;
  if (ROUTES[hint.transition].includes(route)) return undefined;
  return `a ${hint.transition} action never goes from ${hint.origin} to ${hint.destination} (Auto Scaling sends ${ROUTES[hint.transition].map((r) => r.replace('>', ' to ')).join(', ')})`;
}

/** Whether the event's route touches a warm pool. */
export const touchesWarmPool = (hint: Pick<LifecycleMessage, 'origin' | 'destination'>) => hint.origin === 'WarmPool' || hint.destination === 'WarmPool';

/**
 * Where the warm pool must show an instance for the event's route to be true (DescribeWarmPool
 * lists warm-pool instances; DescribeAutoScalingGroups does not):
 *
 *   route                                   warm pool shows the instance
 *   --------------------------------------  -------------------------------------------------
 *   launch into the pool (EC2 > WarmPool)   Warmed:Pending:Wait
 *   scale-in to the pool (ASG > WarmPool)   Warmed:Pending:Wait
 *   terminated from it (WarmPool > EC2)     Warmed:Terminating:Wait
 *   out of it into service (WarmPool > ASG) anything or nothing (it is leaving the pool)
 *   any route without the pool              not at all
 *
 * @param pooled the instance's state in the warm pool, undefined when the pool does not list it
 * @returns why the route is false, or undefined when it holds
 */
export function poolProblem(hint: Pick<LifecycleMessage, 'instanceId' | 'origin' | 'destination'>, pooled: string | undefined): string | undefined {
  const id = hint.instanceId;
  if (hint.origin === 'WarmPool' && hint.destination === 'AutoScalingGroup') return undefined;
  const want = hint.destination === 'WarmPool' ? POOL_LAUNCH_WAIT : hint.origin === 'WarmPool' ? POOL_LEAVING : undefined;
  if (want === undefined)
    return pooled === undefined
      ? undefined
      : `the warm pool lists instance ${id} as ${pooled}, but the event says it goes from ${hint.origin} to ${hint.destination}`;
  if (pooled === want) return undefined;
  return pooled === undefined
    ? `the warm pool does not list instance ${id}, but the event says it goes from ${hint.origin} to ${hint.destination}`
    : `the warm pool lists instance ${id} as ${pooled}, not ${want} as a move from ${hint.origin} to ${hint.destination} would be`;
}

/**
 * A warm-pool move (into the pool at launch, or terminated from it) is completed without any
 * DNS work, so it needs the most care: the group must not list the instance, the warm pool must
 * show it in the state the route implies (poolProblem), and the action must then be confirmed.
 */
export function judgeWarmPoolMove(
  hint: Pick<LifecycleMessage, 'instanceId' | 'origin' | 'destination'>,
  listed: Pick<ObservedNode, 'lifecycleState'> | undefined,
  pooled: string | undefined,
): { verdict: 'confirm'; reason: string } | { verdict: 'refuse'; reason: string } {
  if (listed)
    return {
      verdict: 'refuse',
      reason: `the group lists instance ${hint.instanceId} as ${listed.lifecycleState}: not in a warm pool, so not a warm-pool move`,
    };
  const problem = poolProblem(hint, pooled);
  if (problem) return { verdict: 'refuse', reason: problem };
  return { verdict: 'confirm', reason: `a warm-pool move of instance ${hint.instanceId} is completed without DNS work` };
}
