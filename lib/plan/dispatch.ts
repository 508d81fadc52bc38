/**
 * What a lifecycle message asks of us, decided before any AWS call: which fleet it is about
 * (lib/config/fleets.ts), whether the hook is ours, whether its route is one Auto Scaling sends,
 * and whether it is a warm-pool move (completed after its own checks) or a change the fleet's
 * reconcile folds in. Pure; the lifecycle handler only acts on the answer.
 */
import { fleetOfGroup, type GroupOwner } from '../config/fleets';
import type { Config } from '../config/schema';
import type { LifecycleMessage } from '../events/types';
import { isWarmPoolMove } from './completions';
import { routeProblem } from './hints';

export type LifecycleDispatch =
  /** Not ours (another group, another team's hook): acknowledged, nothing changed. */
  | { kind: 'ignore'; reason: string }
  /** Ours, but Auto Scaling never sends it: rejected, nothing changed, not retried. */
  | ({ kind: 'reject'; reason: string } & GroupOwner)
  /** Into or out of the warm pool: no DNS work, completed once the warm pool confirms it. */
  | ({ kind: 'warm-pool-move' } & GroupOwner)
  /** Everything else: the fleet is reconciled with the message as a hint. */
  | ({ kind: 'reconcile' } & GroupOwner);

export function dispatchLifecycle(config: Config, msg: LifecycleMessage): LifecycleDispatch {
  const owner = fleetOfGroup(config, msg.groupName);
  if (!owner) return { kind: 'ignore', reason: `no fleet manages Auto Scaling group ${msg.groupName}` };
  const hooks = owner.tier === 'application' ? owner.fleet.appLifecycleHooks : owner.fleet.lifecycleHooks;
  const ours = hooks[msg.transition].name;
  // The group may carry other teams' hooks (EventBridge delivers them all): never complete theirs.
  if (msg.hookName !== ours) return { kind: 'ignore', reason: `hook ${msg.hookName} is not this fleet's ${msg.transition} hook (${ours})` };
  const badRoute = routeProblem(msg);
  if (badRoute) return { kind: 'reject', reason: `the event's route is not one Auto Scaling sends: ${badRoute}; ignored, nothing was changed`, ...owner };
  return { kind: isWarmPoolMove(msg) ? 'warm-pool-move' : 'reconcile', ...owner };
}
