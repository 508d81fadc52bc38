/**
 * What a lifecycle message asks of us, decided before any AWS call: which fleet it is about
 * (lib/config/fleets.ts), whether the hook is ours, whether its route is one Auto Scaling sends,
 * and whether it is a warm-pool move (completed after its own checks) or a change the fleet's
 * reconcile folds in. Pure; the lifecycle handler only acts on the answer, and every answer
 * carries a reason from the catalog (lib/plan/reasons.ts), which the handler logs.
 *
 *   message                                      dispatch         reason
 *   -------------------------------------------  ---------------  -----------------------
 *   Auto Scaling's test notification             ignore           test-notification
 *   a group no fleet manages                     ignore           group-not-managed
 *   a hook that is not this fleet's for the      ignore           hook-not-ours
 *     transition (another team's, or ours for
 *     the other transition)
 *   a route Auto Scaling never sends for the     reject           route-impossible
 *     transition
 *   into the warm pool at launch, or             warm-pool-move   warm-pool-move
 *     terminated from it
 *   anything else                                reconcile        -
 *
 * A message the reconcile or the warm-pool move then finds contradicting Auto Scaling (stale or
 * forged: lib/reconcile/hints.ts, lib/reconcile/warmPoolMove.ts) is rejected with `unconfirmed`.
 */
import { fleetOfGroup, type GroupOwner } from '../config/fleets';
import type { Config } from '../config/schema';
import type { LifecycleEventMessage, LifecycleMessage, TestMessage } from '../events/types';
import { isWarmPoolMove } from './completions';
import { routeProblem } from './hints';
import { type Reason, reason } from './reasons';

export type LifecycleDispatch =
  /** Not ours (a test notification, another group, another team's hook): acknowledged, nothing changed. */
  | { kind: 'ignore'; reason: Reason }
  /** Ours, but Auto Scaling never sends it: rejected, nothing changed, not retried. */
  | ({ kind: 'reject'; reason: Reason } & GroupOwner)
  /** Into or out of the warm pool: no DNS work, completed once the warm pool confirms it. */
  | ({ kind: 'warm-pool-move'; reason: Reason } & GroupOwner)
  /** Everything else: the fleet is reconciled with the message as a hint. */
  | ({ kind: 'reconcile' } & GroupOwner);

export type Ignore = Extract<LifecycleDispatch, { kind: 'ignore' }>;

export function dispatchLifecycle(config: Config, msg: TestMessage): Ignore;
export function dispatchLifecycle(config: Config, msg: LifecycleMessage): LifecycleDispatch;
export function dispatchLifecycle(config: Config, msg: LifecycleEventMessage): LifecycleDispatch {
  // The sentences of the ignored and rejected answers are the handler's returned `reason`: keep them stable.
  if (msg.kind === 'test') return { kind: 'ignore', reason: reason('test-notification', 'test notification') };
  const owner = fleetOfGroup(config, msg.groupName);
  if (!owner) return { kind: 'ignore', reason: reason('group-not-managed', `no fleet manages Auto Scaling group ${msg.groupName}`) };
  const hooks = owner.tier === 'application' ? owner.fleet.appLifecycleHooks : owner.fleet.lifecycleHooks;
  const ours = hooks[msg.transition].name;
  // The group may carry other teams' hooks (EventBridge delivers them all): never complete theirs.
  if (msg.hookName !== ours)
    return { kind: 'ignore', reason: reason('hook-not-ours', `hook ${msg.hookName} is not this fleet's ${msg.transition} hook (${ours})`) };
  const badRoute = routeProblem(msg);
  if (badRoute)
    return {
      kind: 'reject',
      reason: reason('route-impossible', `the event's route is not one Auto Scaling sends: ${badRoute}; ignored, nothing was changed`),
      ...owner,
    };
  if (isWarmPoolMove(msg)) {
    const move = msg.origin === 'WarmPool' ? 'terminated from the warm pool' : 'launched into the warm pool';
    return {
      kind: 'warm-pool-move',
      reason: reason('warm-pool-move', `${move}: it never served, so no DNS work; completed once the warm pool confirms the move`),
      ...owner,
    };
  }
  return { kind: 'reconcile', ...owner };
}

/**
 * Why a message the reconcile or the warm-pool move found contradicting Auto Scaling is rejected
 * (its StaleEventError's sentence): nothing was changed, and Lambda does not retry it.
 */
export const unconfirmed = (message: string): Reason => reason('event-unconfirmed', message);
