/**
 * Observe: read the fleet's real state from AWS, in two round trips. On a converged fleet this
 * is the whole cost of a reconcile: ListResourceRecordSets and ListHealthChecks, then
 * DescribeAutoScalingGroups and DescribeInstances together (plus one ListTagsForResources per ten
 * checks whose tags this execution environment has not seen yet).
 *
 * Route 53 is read *before* the group. Two runs can overlap (the schedule and a lifecycle
 * event); reading DNS first means a run can only hold DNS state older than its view of the
 * group. A node that left after our group read was deregistered after our DNS read too, so our
 * plan at worst tries to delete what is already gone (Route 53 rejects it, we re-plan) and never
 * re-creates the record of a node that is leaving.
 */
import type { FleetConfig } from '../config/schema';
import { LateEventError, ReconcileError, StaleEventError } from '../errors';
import { lateEvent } from '../plan/late';
import type { LifecycleMessage } from '../events/types';
import { toSpec } from '../aws/route53';
import { checkedHint, EC2_ALIVE } from './hints';
import { observeServers } from './observeServers';
import { instanceOfCallerReference, instanceOfSetIdentifier } from '../plan/naming';
import { LAUNCH_WAIT } from '../plan/lifecycle';
import { withHint } from '../plan/nodes';
import { CONFIG_DIGEST_TAG, DEREGISTERED_AT_TAG, type ObservedFleet, type ObservedHealthCheck, type ObservedNode, type ObservedRecord } from '../plan/types';
import { HEARTBEAT_AT_TAG } from '../plan/tags';
import { canonicalIp } from '../plan/ip';
import { LISTED_TYPES } from '../plan/families';
import type { FleetReader } from './ports';
import { addressNodes, observePoolAndAlarms } from './observeAddresses';

/** The address a node is registered with, by dns.address: a private fleet's is its private IPv4. */
function registeredAddress(fleet: FleetConfig, info: { publicIp?: string; privateIp?: string; ipv6?: string }): string | undefined {
  switch (fleet.dns.address) {
    case 'private-ipv4':
      return info.privateIp;
    case 'ipv6':
      return info.ipv6 && canonicalIp(info.ipv6);
    default:
      return info.publicIp;
  }
}

/** A node's weight tag, read strictly: a whole number from 0 to 255, or a problem to report. */
export function nodeWeight(tag: string, value: string): Pick<ObservedNode, 'weight' | 'weightTagProblem'> {
  const v = value.trim();
  if (/^\d{1,3}$/.test(v) && Number(v) <= 255) return { weight: Number(v) };
  return { weightTagProblem: `tag ${tag} is "${value.slice(0, 40)}", not a whole number from 0 to 255` };
}

export interface ObserveOptions {
  /** A lifecycle event of the load-balancer group. */
  hint?: LifecycleMessage;
  /** A lifecycle event of one of the fleet's application groups. */
  appHint?: LifecycleMessage;
  /** Observe the application tier too (the configuration is pushed). */
  servers?: boolean;
  /** No call that changes anything, not even the heartbeat that confirms a contradicting event. */
  dryRun?: boolean;
}

/**
 * @throws LateEventError when the event's lifecycle action is already over (nothing read beyond the first round trip)
 * @throws StaleEventError when an event contradicts the describe and Auto Scaling does not
 *   confirm it (before any change: observing is the first step of every pass)
 */
export async function observeFleet(fleet: FleetConfig, aws: FleetReader, opts: ObserveOptions = {}): Promise<ObservedFleet> {
  const { hint } = opts;
  const dryRun = opts.dryRun ?? false;
  // With an event, the instance's own state comes in the same round trip: an event whose action
  // is already over (a duplicate, a retry) ends the run here, after three calls (late.ts).
  const [records, checks, hintState] = await Promise.all([
    // Both families, whatever the fleet registers now: records of a family it dropped are found and removed.
    aws.route53.listRecords(fleet.dns.hostedZoneId, fleet.dns.recordName, LISTED_TYPES),
    aws.route53.listHealthChecks(),
    // Best effort: a lookup that fails (throttled, or a role without the permission) only means
    // the run goes the full path.
    hint ? aws.autoScaling.describeInstance(hint.instanceId).catch(() => null) : null,
  ]);
  if (hint && hintState !== null && (!hintState || hintState.groupName === hint.groupName)) {
    const hasRecord = records.some((r) => instanceOfSetIdentifier(fleet, r.setIdentifier) === hint.instanceId);
    const late = lateEvent(hint, hintState?.lifecycleState, hasRecord);
    if (late) throw new LateEventError(late, hint.instanceId);
  }
  const ours: ObservedHealthCheck[] = [];
  for (const c of checks) {
    const instanceId = instanceOfCallerReference(fleet, c.CallerReference);
    if (!instanceId || !c.Id || !c.HealthCheckConfig) continue;
    ours.push({ id: c.Id, callerReference: c.CallerReference ?? '', instanceId, spec: toSpec(c.HealthCheckConfig), tags: {} });
  }
  const ourRecords: ObservedRecord[] = [];
  for (const r of records) {
    const instanceId = instanceOfSetIdentifier(fleet, r.setIdentifier);
    if (instanceId) ourRecords.push({ ...r, instanceId });
  }

  // Everything else in one round trip: the group, its instances (found by the tag Auto Scaling
  // puts on them, so no need to wait for the group's list), tags we do not know yet, and the
  // address pool, alarms and application tier when the fleet has them.
  const withAddresses = !!(fleet.elasticIps || fleet.alarms);
  const [tags, groupInstances, tagged, extra, servers] = await Promise.all([
    aws.route53.healthCheckTags(ours.map((c) => c.id)),
    aws.autoScaling.describeGroup(fleet.autoScalingGroupName),
    aws.ec2.describeGroupInstances(fleet.autoScalingGroupName),
    withAddresses ? observePoolAndAlarms(fleet, aws) : Promise.resolve(undefined),
    // The application tier only feeds the configuration push: a failure to read it holds the
    // push (and launches waiting for it) back, never the load balancers' DNS work. A stale or
    // forged application event still stops the whole pass before any change.
    opts.servers && fleet.haproxy
      ? observeServers(fleet, aws, opts.appHint, { dryRun }).catch((err: unknown) => {
          if (err instanceof StaleEventError) throw err;
          return { failed: err instanceof Error ? err : new Error(String(err)) };
        })
      : Promise.resolve(undefined),
  ]);
  if (!groupInstances) {
    // A typo in the group name must not deregister the whole fleet: refuse, change nothing.
    throw new ReconcileError(`Auto Scaling group "${fleet.autoScalingGroupName}" of fleet ${fleet.name} does not exist; nothing was changed`, fleet.name);
  }
  for (const c of ours) c.tags = tags.get(c.id) ?? {};

  // What the tag query cannot return (stopping or stopped instances, the event's instance when
  // the group no longer lists it) is described by id: usually nothing, so no extra round trip.
  const wanted = new Set(groupInstances.map((i) => i.instanceId));
  if (hint) wanted.add(hint.instanceId);
  const missing = [...wanted].filter((id) => !tagged.has(id)).sort();
  const instances = missing.length ? new Map([...tagged, ...(await aws.ec2.describeInstances(missing))]) : tagged;
  const facts = (id: string): Partial<ObservedNode> => {
    const info = instances.get(id);
    if (!info) return {};
    const alive = EC2_ALIVE.has(info.state);
    const deregisteredAt = info.tags[DEREGISTERED_AT_TAG];
    const applied = info.tags[CONFIG_DIGEST_TAG];
    const timerStartedAt = latest(info.launchTime, info.tags[HEARTBEAT_AT_TAG]);
    const weightTag = info.tags[fleet.dns.weightTag];
    const address = alive ? registeredAddress(fleet, info) : undefined;
    const address6 = alive && fleet.dns.dualStack && info.ipv6 ? canonicalIp(info.ipv6) : undefined;
    return {
      // The address this fleet registers (elastic-ip mode starts from the public IPv4 too).
      ...(address ? { address } : {}),
      ...(address6 ? { address6 } : {}),
      ...(alive && info.privateIp ? { privateIp: info.privateIp } : {}),
      ...(applied ? { configDigest: applied } : {}),
      ...(deregisteredAt ? { deregisteredAt } : {}),
      ...(timerStartedAt ? { timerStartedAt } : {}),
      ...(info.launchTime ? { launchedAt: info.launchTime } : {}),
      ...(weightTag === undefined ? {} : nodeWeight(fleet.dns.weightTag, weightTag)),
      ...(info.availabilityZone ? { availabilityZone: info.availabilityZone } : {}),
    };
  };

  const nodes: ObservedNode[] = groupInstances.map((i) => ({ ...i, ...facts(i.instanceId) }));
  const { hint: trusted, alive: isAlive } = await checkedHint(hint, (t) => fleet.lifecycleHooks[t].name, groupInstances, instances, {
    autoScaling: aws.autoScaling,
    dryRun,
  });
  const alive: ObservedNode | undefined =
    trusted && isAlive ? { instanceId: trusted.instanceId, lifecycleState: LAUNCH_WAIT, ...facts(trusted.instanceId) } : undefined;

  const finalNodes = withHint(nodes, trusted, alive);
  const addressState = extra ? { nodes: addressNodes(fleet, finalNodes, instances, extra.alarms), pool: extra.pool, alarms: extra.alarms } : undefined;
  return {
    nodes: finalNodes,
    records: ourRecords,
    healthChecks: ours,
    otherRecords: Object.fromEntries(LISTED_TYPES.map((t) => [t, records.filter((r) => r.type === t).length - ourRecords.filter((r) => r.type === t).length])),
    simpleRecords: Object.fromEntries(LISTED_TYPES.map((t) => [t, records.filter((r) => r.type === t && !r.setIdentifier).length])),
    otherHealthChecks: checks.length - ours.length,
    ...(addressState ? { addressState } : {}),
    ...(servers && 'failed' in servers ? { serversError: servers.failed } : servers ? { servers } : {}),
    ...(trusted ? { hint: trusted } : {}),
  };
}

/** The later of two ISO 8601 times (either may be missing or unreadable). */
function latest(a: string | undefined, b: string | undefined): string | undefined {
  const ms = [a, b].map((t) => (t ? Date.parse(t) : Number.NaN)).filter((t) => !Number.isNaN(t));
  return ms.length ? new Date(Math.max(...ms)).toISOString() : undefined;
}
