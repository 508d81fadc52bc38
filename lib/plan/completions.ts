/**
 * Which lifecycle actions to complete once a plan has been applied (see the table in nodes.ts).
 * Only this fleet's own hooks are ever completed: the group may carry other teams' hooks, and
 * completing theirs would let an instance skip their work.
 */
import type { FleetConfig } from '../config/schema';
import type { LifecycleMessage, Transition } from '../events/types';
import type { ObservedNode, Plan } from './types';

export interface Completion {
  instanceId: string;
  transition: Transition;
  hookName: string;
  /** The token from the event, when the event named this action; otherwise the instance id is used. */
  token?: string;
  reason: string;
}

/** True when the event is a warm-pool move: the instance does not join or leave the fleet. */
export function isWarmPoolMove(msg: LifecycleMessage): boolean {
  return msg.origin === 'WarmPool' ? msg.destination !== 'AutoScalingGroup' : msg.destination === 'WarmPool';
}

/** Our hook for a transition. */
export function hookFor(fleet: FleetConfig, transition: Transition): string {
  return fleet.lifecycleHooks[transition].name;
}

/**
 * The actions to complete with CONTINUE, given the nodes the plan was made from and the plan,
 * assumed applied in full (call this only after a successful apply).
 */
export function planCompletions(fleet: FleetConfig, nodes: ObservedNode[], plan: Plan, hint?: LifecycleMessage): Completion[] {
  const registered = new Set(plan.registered);
  const out: Completion[] = [];
  for (const node of nodes) {
    let transition: Transition;
    let reason: string;
    if (node.lifecycleState === 'Pending:Wait' && registered.has(node.instanceId)) {
      transition = 'launching';
      reason = 'record and health check exist';
    } else if (node.lifecycleState === 'Terminating:Wait') {
      transition = 'terminating';
      reason = 'record and health check removed';
    } else {
      continue;
    }
    const hookName = hookFor(fleet, transition);
    const fromEvent = hint && hint.instanceId === node.instanceId && hint.transition === transition && hint.hookName === hookName;
    out.push({ instanceId: node.instanceId, transition, hookName, ...(fromEvent ? { token: hint.token } : {}), reason });
  }
  return out.sort((a, b) => a.instanceId.localeCompare(b.instanceId));
}
