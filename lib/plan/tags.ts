/**
 * Every tag key the control plane reads or writes, in one place (the IAM statements that allow
 * writing them are generated from these: deploy/cloudformation.ts).
 *
 *   key                   on                    written when
 *   --------------------  --------------------  ----------------------------------------------
 *   hfc:deregistered-at   a leaving instance    its record goes (the deregistration delay)
 *   hfc:heartbeat-at      a launching instance  we send its hook a heartbeat (timer restarts)
 *   hfc:config-digest     a load balancer       it applied a pushed configuration
 *   hfc:drain-since       a leaving app server  it is put in drain (its drain timeout runs)
 *   hfc:ending            a load balancer       EC2 announced its end (Spot interruption,
 *                                               rebalance recommendation, stopping): failed
 *                                               until it is started again (lib/plan/health.ts)
 *   hfc:pool              an Elastic IP         by the operator: the pool it belongs to
 *   hfc:home              an Elastic IP         a node claims it
 *   hfc:moved-to/-at      an Elastic IP         we move it (trusted over a lagging describe)
 *   hfc:owner, hfc:fleet,  health checks and     created (ownership for people and reports;
 *   hfc:instance-id        managed alarms        an alarm's node when it has no dimension)
 *
 * And one key we only read: Auto Scaling's own group tag (below).
 */
export const DEREGISTERED_AT_TAG = 'hfc:deregistered-at';
export const CONFIG_DIGEST_TAG = 'hfc:config-digest';
/** When a leaving application server was put in drain (lib/plan/drain.ts). */
export const DRAIN_SINCE_TAG = 'hfc:drain-since';
export const POOL_TAG = 'hfc:pool';
export const HOME_TAG = 'hfc:home';
export const MOVED_TO_TAG = 'hfc:moved-to';
export const MOVED_AT_TAG = 'hfc:moved-at';
export const OWNER_TAG = 'hfc:owner';
export const FLEET_TAG = 'hfc:fleet';
export const INSTANCE_ID_TAG = 'hfc:instance-id';
/**
 * `<ISO time> <cause>`: EC2 announced this node's end at that time (the alarm function writes it,
 * lib/plan/health.ts reads it). The node counts as failed while its LaunchTime is older.
 */
export const ENDING_TAG = 'hfc:ending';
/** When we last sent a lifecycle heartbeat for a waiting launch (lib/plan/heartbeats.ts). */
export const HEARTBEAT_AT_TAG = 'hfc:heartbeat-at';
/**
 * Auto Scaling puts this tag (the group's name) on every instance it launches, and nobody else
 * can write `aws:` keys: it finds a group's instances in one DescribeInstances call, and the IAM
 * conditions that limit our writes to the fleets' instances test it.
 */
export const AUTO_SCALING_GROUP_TAG = 'aws:autoscaling:groupName';

/** The ownership tags of a health check or a managed alarm. */
export function ownershipTags(fleet: { ownerId: string; name: string }, instanceId: string): Record<string, string> {
  return { [OWNER_TAG]: fleet.ownerId, [FLEET_TAG]: fleet.name, [INSTANCE_ID_TAG]: instanceId };
}
