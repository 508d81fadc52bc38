/**
 * Which nodes should be in DNS, decided from their Auto Scaling lifecycle state.
 *
 *   LifecycleState                     in DNS   lifecycle action we complete
 *   ---------------------------------  -------  ------------------------------------------
 *   Pending                            yes      -
 *   Pending:Wait                       yes      launching, once record + check exist
 *   Pending:Proceed, InService         yes      -
 *   EnteringStandby, Standby           no       -          (taken out for maintenance)
 *   Terminating                        no       -
 *   Terminating:Wait                   no       terminating, once record + check are gone
 *   Terminating:Proceed, Terminated    no       -
 *   Detaching, Detached                no       -
 *   (not in the group)                 no       -
 *
 * Pending:Proceed and InService must stay registered: the window between our CONTINUE and
 * InService is real, and a reconcile landing in it must not undo the registration.
 */
import type { LifecycleHint } from '../events/types';
import type { ObservedNode } from './types';

import { IN_DNS, LAUNCH_WAIT, LEAVING, PENDING } from './lifecycle';

export function belongsInDns(node: ObservedNode): boolean {
  return IN_DNS.has(node.lifecycleState);
}

/**
 * Folds an event into the observed nodes. Events are hints, but two of their facts are safe to
 * trust over a lagging DescribeAutoScalingGroups once the event agrees with it or Auto Scaling
 * has confirmed the action (hints.ts decides which): a terminating action means the node is
 * leaving and never comes back; a launching action means the node is waiting for us. An
 * instance the group no longer lists (moving back to a warm pool, or a describe that lags) is
 * added when EC2 still shows it alive (`alive`); one EC2 shows gone is a late duplicate and adds
 * nothing. A termination whose Destination is the warm pool is flagged: no later run will see
 * the node.
 */
export function withHint(
  nodes: ObservedNode[],
  hint: Pick<LifecycleHint, 'instanceId' | 'transition' | 'destination'> | undefined,
  alive?: ObservedNode,
): ObservedNode[] {
  if (!hint) return nodes;
  const current = nodes.find((n) => n.instanceId === hint.instanceId);
  if (hint.transition === 'terminating') {
    const toWarmPool = hint.destination === 'WarmPool' ? { toWarmPool: true as const } : {};
    if (!current) return alive ? [...nodes, { ...alive, lifecycleState: LEAVING, ...toWarmPool }] : nodes;
    if (!belongsInDns(current) && current.lifecycleState !== LEAVING) return nodes;
    return nodes.map((n) => (n === current ? { ...n, lifecycleState: LEAVING, ...toWarmPool } : n));
  }
  if (current && current.lifecycleState !== PENDING) return nodes;
  if (current) return nodes.map((n) => (n === current ? { ...n, lifecycleState: LAUNCH_WAIT } : n));
  return alive ? [...nodes, { ...alive, lifecycleState: LAUNCH_WAIT }] : nodes;
}
