/**
 * Auto Scaling lifecycle states, and the sets every decision is made from: one place, so the
 * DNS, address, alarm, configuration and completion planners can never disagree about what a
 * state means. The states are Auto Scaling's (LifecycleState in DescribeAutoScalingGroups and
 * DescribeWarmPool); a state this list does not know is read as `Unknown`, which no set holds:
 * the node is left as it is rather than guessed about.
 *
 *   set            states                                        meaning
 *   -------------  --------------------------------------------  ---------------------------------
 *   IN_DNS         Pending, Pending:Wait, Pending:Proceed,       registered (a launching node is
 *                  InService                                     registered before it serves)
 *   LAUNCHING      Pending, Pending:Wait, Pending:Proceed        may hold its own Elastic IP only
 *   LEAVING        Terminating:Wait                              deregistered, drained, released
 *   KEEPS_ALARM    IN_DNS, EnteringStandby, Standby              its managed alarm stays
 *
 * Single states a decision names (below): PENDING, LAUNCH_WAIT, IN_SERVICE, LEAVING, and the
 * warm pool's POOL_LAUNCH_WAIT and POOL_LEAVING. Planners use these, never the strings.
 */

export const LIFECYCLE_STATES = [
  'Pending',
  'Pending:Wait',
  'Pending:Proceed',
  'Quarantined',
  'InService',
  'Terminating',
  'Terminating:Wait',
  'Terminating:Proceed',
  'Terminating:Retained',
  'Terminated',
  'Detaching',
  'Detached',
  'EnteringStandby',
  'Standby',
  'ReplacingRootVolume',
  'ReplacingRootVolume:Wait',
  'ReplacingRootVolume:Proceed',
  'RootVolumeReplaced',
  'Warmed:Pending',
  'Warmed:Pending:Wait',
  'Warmed:Pending:Proceed',
  'Warmed:Pending:Retained',
  'Warmed:Terminating',
  'Warmed:Terminating:Wait',
  'Warmed:Terminating:Proceed',
  'Warmed:Terminating:Retained',
  'Warmed:Terminated',
  'Warmed:Stopped',
  'Warmed:Running',
  'Warmed:Hibernated',
  'Unknown',
] as const;

export type LifecycleState = (typeof LIFECYCLE_STATES)[number];

const KNOWN = new Set<string>(LIFECYCLE_STATES);

/** Auto Scaling's state as we read it: one we know, or `Unknown`. */
export function asLifecycleState(state: string | undefined): LifecycleState {
  return state !== undefined && KNOWN.has(state) ? (state as LifecycleState) : 'Unknown';
}

/** Launching, not (yet) waiting on a hook: an event saying it waits on ours is ahead of the describe. */
export const PENDING: LifecycleState = 'Pending';
/** Waiting on a launching hook of ours. */
export const LAUNCH_WAIT: LifecycleState = 'Pending:Wait';
/** Serving: the only state that receives peers' Elastic IPs. */
export const IN_SERVICE: LifecycleState = 'InService';
/** Waiting on a terminating hook of ours: deregistered, drained, then released. */
export const LEAVING: LifecycleState = 'Terminating:Wait';
/**
 * Warm-pool states (DescribeWarmPool), for checking an event's route against the pool:
 * waiting on a launching hook on the way into the pool (at launch, or at a scale-in back to it),
 * and waiting on a terminating hook on the way out of it to be terminated.
 */
export const POOL_LAUNCH_WAIT: LifecycleState = 'Warmed:Pending:Wait';
export const POOL_LEAVING: LifecycleState = 'Warmed:Terminating:Wait';

export const LAUNCHING: ReadonlySet<LifecycleState> = new Set([PENDING, LAUNCH_WAIT, 'Pending:Proceed']);
export const IN_DNS: ReadonlySet<LifecycleState> = new Set([...LAUNCHING, IN_SERVICE]);
export const KEEPS_ALARM: ReadonlySet<LifecycleState> = new Set([...IN_DNS, 'EnteringStandby', 'Standby']);
