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

export const IN_DNS: ReadonlySet<LifecycleState> = new Set(['Pending', 'Pending:Wait', 'Pending:Proceed', 'InService']);
export const LAUNCHING: ReadonlySet<LifecycleState> = new Set(['Pending', 'Pending:Wait', 'Pending:Proceed']);
export const KEEPS_ALARM: ReadonlySet<LifecycleState> = new Set([...IN_DNS, 'EnteringStandby', 'Standby']);
/** Waiting on a launching hook of ours. */
export const LAUNCH_WAIT: LifecycleState = 'Pending:Wait';
/** Waiting on a terminating hook of ours: deregistered, drained, then released. */
export const LEAVING: LifecycleState = 'Terminating:Wait';
