/**
 * A late lifecycle event: a duplicate, or a retry, of an event whose action is already over.
 * Auto Scaling says so in the instance's own lifecycle state (DescribeAutoScalingInstances, one
 * call by instance id, read alongside Route 53 in the first round trip): once a launch has gone
 * on past its wait, or a terminating instance is past its wait or gone, the event adds nothing
 * a reconcile needs (the schedule keeps DNS in line), and the run stops there: three calls.
 *
 * Only certain answers end the run early. An instance Auto Scaling does not list at all, on a
 * launch, may be a warm-pool instance or not listed yet: the full path decides.
 *
 *   transition    instance's state                               late?
 *   -----------   ---------------------------------------------  -----
 *   launching     Pending, Pending:Wait, Warmed:*, not listed    no
 *   launching     any other (InService, Pending:Proceed, ...)     yes
 *   terminating   Terminating, Terminating:Wait, Warmed:*        no
 *   terminating   not listed, Terminating:Proceed, Terminated     yes, unless its record is still there
 *   terminating   any other (InService: contradicts the event)    no (the full path checks it)
 */
import type { LifecycleMessage } from '../events/types';
import { LAUNCH_WAIT, LEAVING, type LifecycleState, PENDING } from './lifecycle';
import { type Reason, reason } from './reasons';

const LAUNCH_NOT_OVER: ReadonlySet<string> = new Set([PENDING, LAUNCH_WAIT]);
const TERMINATION_OVER: ReadonlySet<string> = new Set(['Terminating:Proceed', 'Terminated']);

/**
 * Why the event is late (nothing left to do for it), or undefined when the full run decides.
 * `hasRecord`: the node still has one of our records (read in the same round trip). A leaving
 * node with one is not done, whatever Auto Scaling says (its hook timed out, or it is gone):
 * the run goes on and removes it now.
 */
export function lateEvent(hint: Pick<LifecycleMessage, 'transition' | 'instanceId'>, state: LifecycleState | undefined, hasRecord = false): Reason | undefined {
  if (state?.startsWith('Warmed:')) return undefined;
  if (hint.transition === 'launching') {
    if (state === undefined || LAUNCH_NOT_OVER.has(state)) return undefined;
    return reason('event-late', `the launch of ${hint.instanceId} is already over (${state}): nothing left to do for this event`);
  }
  if (hasRecord) return undefined;
  if (state === undefined) return reason('event-late', `${hint.instanceId} has left the group: nothing left to do for this event`);
  if (state === LEAVING || state === 'Terminating') return undefined;
  return TERMINATION_OVER.has(state)
    ? reason('event-late', `the termination of ${hint.instanceId} is already over (${state}): nothing left to do for this event`)
    : undefined;
}
