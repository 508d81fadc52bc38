/**
 * Which lifecycle actions to complete once a plan has been applied (see the table in nodes.ts).
 * Only this fleet's own hooks are ever completed: the group may carry other teams' hooks, and
 * completing theirs would let an instance skip their work.
 *
 * A leaving node is released only after the deregistration delay has passed since its record
 * was deleted, so resolvers have stopped handing out its address:
 *
 *   Terminating:Wait node              complete?
 *   ---------------------------------  -------------------------------------------------
 *   delay 0                            yes, once record and check are gone
 *   leaving for the warm pool          yes, once record and check are gone: later runs do
 *                                      not see warm-pool instances, so none could release it
 *   record deleted by this run         no: the delay starts now (instance tag, written first)
 *   no record, no tag                  no: the delay starts now (a missing tag never skips it)
 *   no record, tagged at T             yes when now >= T + delay, else wait
 */
import type { FleetConfig } from '../config/schema';
import type { LifecycleMessage, Transition } from '../events/types';
import { LAUNCH_WAIT, LEAVING } from './lifecycle';
import { type Reason, reason } from './reasons';
import type { ObservedFleet, Plan } from './types';

export interface Completion {
  instanceId: string;
  transition: Transition;
  hookName: string;
  reason: Reason;
}

export interface CompletionPlan {
  complete: Completion[];
  /** Leaving nodes still in their deregistration delay. */
  draining: { instanceId: string; until: string }[];
}

/**
 * True when the event moves an instance into or out of the warm pool without it ever serving:
 * launched into the pool (EC2 -> WarmPool) or terminated from it (WarmPool -> EC2). A scale-in
 * back to the pool (AutoScalingGroup -> WarmPool) takes a serving node out: not this case.
 */
export function isWarmPoolMove(msg: LifecycleMessage): boolean {
  return (msg.origin === 'EC2' && msg.destination === 'WarmPool') || (msg.origin === 'WarmPool' && msg.destination === 'EC2');
}

/** Our hook for a transition. */
export function hookFor(fleet: FleetConfig, transition: Transition): string {
  return fleet.lifecycleHooks[transition].name;
}

/**
 * The actions to complete with CONTINUE, given what the plan was made from and the plan, assumed
 * applied (the caller leaves out nodes whose work failed).
 */
export function planCompletions(fleet: FleetConfig, observed: ObservedFleet, plan: Plan, opts: { now: Date }): CompletionPlan {
  const registered = new Set(plan.registered);
  const hadRecord = new Set(observed.records.map((r) => r.instanceId));
  const delayMs = fleet.dns.deregistrationDelaySeconds * 1000;
  const out: CompletionPlan = { complete: [], draining: [] };

  for (const node of observed.nodes) {
    let transition: Transition;
    let why: Reason;
    if (node.lifecycleState === LAUNCH_WAIT && registered.has(node.instanceId)) {
      transition = 'launching';
      why = reason('registered', 'record and health check exist');
    } else if (node.lifecycleState === LEAVING) {
      transition = 'terminating';
      const since = node.deregisteredAt ? Date.parse(node.deregisteredAt) : NaN;
      if (delayMs === 0) why = reason('deregistered', 'record and health check removed');
      else if (node.toWarmPool)
        why = reason('to-warm-pool', 'record and health check removed (leaving for the warm pool: released without the deregistration delay)');
      else if (hadRecord.has(node.instanceId) || Number.isNaN(since)) {
        out.draining.push({ instanceId: node.instanceId, until: new Date(opts.now.getTime() + delayMs).toISOString() });
        continue;
      } else if (opts.now.getTime() >= since + delayMs) why = reason('delay-over', `deregistration delay over (record deleted ${node.deregisteredAt})`);
      else {
        out.draining.push({ instanceId: node.instanceId, until: new Date(since + delayMs).toISOString() });
        continue;
      }
    } else {
      continue;
    }
    const hookName = hookFor(fleet, transition);
    out.complete.push({ instanceId: node.instanceId, transition, hookName, reason: why });
  }
  out.complete.sort((a, b) => a.instanceId.localeCompare(b.instanceId));
  out.draining.sort((a, b) => a.instanceId.localeCompare(b.instanceId));
  return out;
}
