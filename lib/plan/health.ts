/**
 * A node's health, from its alarms. An alarm belongs to a node by its InstanceId dimension, or
 * by its name (`<namePrefix><instance id>`, the managed alarms).
 *
 *   alarms of the node                 health     since (hold-down start)
 *   ---------------------------------  ---------  ----------------------------------
 *   any in ALARM                       alarm      -
 *   all OK                             ok         latest state change among them
 *   none, or some INSUFFICIENT_DATA    unknown    latest state change among them
 *
 * "unknown" is not a failure: a new node's alarm has no data yet, and a node whose alarm
 * cannot say is not moved away from on a guess.
 *
 * Above the alarms: a node whose end EC2 announced (Spot interruption warning, rebalance
 * recommendation, stopping, shutting-down: `hfc:ending` on the instance) is failed whatever its
 * alarms say, until it is started again (`nodeHealth`, below).
 */
import { fleetOfGroup } from '../config/fleets';
import type { Config, FleetConfig } from '../config/schema';
import type { Ec2InstanceEvent } from '../events/ec2';
import type { AddressNode } from './addressTypes';
import { type Reason, reason } from './reasons';
import { AUTO_SCALING_GROUP_TAG, ENDING_TAG } from './tags';

/** What a metric alarm watches and whom it notifies: what a managed alarm must match. */
export interface AlarmSettings {
  namespace: string;
  metricName: string;
  /** Absent on an alarm that uses a percentile (extendedStatistic) instead. */
  statistic?: 'Average' | 'Sum' | 'Minimum' | 'Maximum' | 'SampleCount';
  /** A percentile such as p99; managed alarms never use one. */
  extendedStatistic?: string;
  periodSeconds: number;
  evaluationPeriods: number;
  threshold: number;
  comparisonOperator: 'GreaterThanOrEqualToThreshold' | 'GreaterThanThreshold' | 'LessThanThreshold' | 'LessThanOrEqualToThreshold';
  treatMissingData: string;
  /** Notified on ALARM. */
  alarmActions: string[];
  /** Notified on OK. */
  okActions: string[];
}

/** One alarm of a fleet, as observed. */
export interface NodeAlarm {
  name: string;
  arn?: string;
  state: 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';
  /** When the state value last changed: the start of a hold-down. */
  stateUpdated?: string;
  /** The InstanceId dimension, or the instance named in the alarm's hfc:instance-id tag. */
  instanceId?: string;
  /** Its settings, when they were read (the reconcile compares managed alarms with their spec). */
  settings?: AlarmSettings;
}

/** The instance an alarm is about, by dimension or by the managed name. */
export function alarmInstance(alarm: Pick<NodeAlarm, 'name' | 'instanceId'>, namePrefix: string): string | undefined {
  if (alarm.instanceId) return alarm.instanceId;
  const rest = alarm.name.startsWith(namePrefix) ? alarm.name.slice(namePrefix.length) : '';
  return /^i-[0-9a-f]{8,17}$/.test(rest) ? rest : undefined;
}

export function healthOf(instanceId: string, alarms: readonly NodeAlarm[], namePrefix: string): Pick<AddressNode, 'health' | 'healthSince'> {
  const mine = alarms.filter((a) => alarmInstance(a, namePrefix) === instanceId);
  if (mine.some((a) => a.state === 'ALARM')) return { health: 'alarm' };
  const since = mine
    .map((a) => a.stateUpdated)
    .filter((t): t is string => !!t)
    .sort()
    .pop();
  const health = mine.length > 0 && mine.every((a) => a.state === 'OK') ? 'ok' : 'unknown';
  return { health, ...(since ? { healthSince: since } : {}) };
}

/**
 * EC2's announcement that a node is about to end, as the alarm function notes it on the instance
 * (tag `hfc:ending` = `<at> <cause>`, lib/plan/tags.ts).
 */
export interface EndingMark {
  /** When EC2 announced it: the event's time (ISO 8601), not when we read it. */
  at: string;
  /** `spot-interruption:<action>`, `rebalance-recommendation`, or the state (`stopping`, ...). */
  cause: string;
}

/** What failover knows of a node's health: from its alarms, or from a standing ending mark. */
export type NodeHealth = Pick<AddressNode, 'health' | 'healthSince'> & { ending?: EndingMark };

export const formatEndingMark = (m: EndingMark): string => `${m.at} ${m.cause}`;

/** Reads an `hfc:ending` value; one that does not start with a time is ignored (never strands a node on a typo). */
export function parseEndingMark(value: string | undefined): EndingMark | undefined {
  const [at, cause] = (value ?? '').trim().split(/\s+/, 2);
  if (!at || Number.isNaN(Date.parse(at))) return undefined;
  return { at: new Date(at).toISOString(), cause: cause || 'announced' };
}

/**
 * A mark holds until the instance is started again: LaunchTime is the time it was *last*
 * launched (EC2 API reference, Instance), so a stopped-then-started node (or one back from a
 * warm pool) is a fresh node, whatever its tag says. Without a LaunchTime the mark holds.
 * Compared in whole seconds: EventBridge's `time` has no fraction, and a start takes longer.
 */
export function endingStands(mark: EndingMark, launchTime: string | undefined): boolean {
  const seconds = (t: string) => Math.floor(Date.parse(t) / 1000);
  return !launchTime || seconds(launchTime) <= seconds(mark.at);
}

const later = (a: string | undefined, b: string | undefined) => (!a ? b : !b ? a : Date.parse(a) >= Date.parse(b) ? a : b);

/**
 * A node's health as every run sees it: its alarms, unless EC2 announced its end (a standing
 * `hfc:ending` mark, or the one the alarm function is acting on right now, passed in because it
 * may not be readable yet). A marked node counts as failed in every run, so neither the schedule
 * nor an alarm turning OK moves its addresses back. The hold-down of a healthy node starts at
 * the later of its alarms' last change and its last start (a restarted node proves itself first).
 */
export function nodeHealth(
  instanceId: string,
  alarms: readonly NodeAlarm[],
  namePrefix: string,
  instance?: { tags: Readonly<Record<string, string>>; launchTime?: string },
  announced?: EndingMark,
): NodeHealth {
  const launchTime = instance?.launchTime;
  const ending = [announced, parseEndingMark(instance?.tags[ENDING_TAG])]
    .filter((m): m is EndingMark => !!m && endingStands(m, launchTime))
    .sort((x, y) => Date.parse(x.at) - Date.parse(y.at))[0];
  if (ending) return { health: 'alarm', ending };
  const fromAlarms = healthOf(instanceId, alarms, namePrefix);
  const since = later(fromAlarms.healthSince, launchTime);
  return { health: fromAlarms.health, ...(since ? { healthSince: since } : {}) };
}

/** Why a node that cannot serve cannot, for a reason's sentence: `in ALARM`, or EC2's announcement. */
export function failureOf(n: Pick<AddressNode, 'health'> & { ending?: EndingMark }): string {
  if (n.ending) return `announced ending (${n.ending.cause} at ${n.ending.at})`;
  return n.health === 'alarm' ? 'in ALARM' : `health ${n.health}`;
}

/** The instance states that end a node (the stack's EventBridge rule sends only these). */
export const ENDING_STATES = ['stopping', 'shutting-down', 'stopped', 'terminated'] as const;

/**
 * What an EC2 event means for the node it names, decided in two steps: from the event alone,
 * before any AWS call (most EC2 events of an account are not about our nodes, and the rule
 * already drops the states that end nothing), then from the instance as EC2 describes it.
 *
 *   event                                        decision                     reason
 *   -------------------------------------------  ---------------------------  -----------------
 *   state pending or running                     ignore (no AWS call)         not-ending
 *   instance unknown to EC2, in no group, or in  ignore                       not-fleet-node
 *     a group that is not the load balancers
 *     of a fleet with Elastic IPs
 *   instance started again after the event       ignore (an earlier life)     ending-superseded
 *   Spot interruption warning, rebalance         mark the node (unless a      node-ending
 *     recommendation, stopping, shutting-down,     standing mark is as
 *     stopped, terminated                          recent; never a terminated
 *                                                  one) and fail it over now
 */
export function endingAnnounced(event: Ec2InstanceEvent): { mark: EndingMark } | { ignore: Reason } {
  const s = event.signal;
  if (s.kind === 'state-change' && !(ENDING_STATES as readonly string[]).includes(s.state))
    return { ignore: reason('not-ending', `instance ${event.instanceId} is ${s.state}: nothing ends`) };
  const cause = s.kind === 'spot-interruption' ? `spot-interruption:${s.action}` : s.kind === 'rebalance-recommendation' ? s.kind : s.state;
  return { mark: { at: event.time, cause } };
}

export type EndingDecision =
  | { act: false; reason: Reason }
  | {
      act: true;
      fleet: FleetConfig;
      mark: EndingMark;
      /** Whether to write the mark: not when a standing one is as recent, nor on a terminated instance (it never runs again). */
      write: boolean;
      reason: Reason;
    };

/**
 * @param instance the instance as DescribeInstances shows it, or undefined when EC2 does not list it
 */
export function decideEnding(
  config: Config,
  event: Ec2InstanceEvent,
  mark: EndingMark,
  instance: { state: string; launchTime?: string; tags: Readonly<Record<string, string>> } | undefined,
): EndingDecision {
  const id = event.instanceId;
  if (!instance) return { act: false, reason: reason('not-fleet-node', `EC2 lists no instance ${id}`) };
  const group = instance.tags[AUTO_SCALING_GROUP_TAG];
  const owner = group ? fleetOfGroup(config, group) : undefined;
  if (owner?.tier !== 'load-balancers' || !owner.fleet.elasticIps) {
    const where = !group ? 'is in no Auto Scaling group' : `is in Auto Scaling group ${group}, not the load balancers of a fleet with Elastic IPs`;
    return { act: false, reason: reason('not-fleet-node', `instance ${id} ${where}`) };
  }
  if (!endingStands(mark, instance.launchTime))
    return {
      act: false,
      reason: reason(
        'ending-superseded',
        `instance ${id} was started again at ${instance.launchTime}, after the event (${mark.at}): it is about an earlier run`,
      ),
    };
  const noted = parseEndingMark(instance.tags[ENDING_TAG]);
  const standing = !!noted && endingStands(noted, instance.launchTime) && Date.parse(noted.at) >= Date.parse(mark.at);
  return {
    act: true,
    fleet: owner.fleet,
    mark,
    write: !standing && instance.state !== 'terminated',
    reason: reason(
      'node-ending',
      `EC2 announced the end of ${id} of fleet ${owner.fleet.name} (${mark.cause} at ${mark.at}): it counts as failed until it is started again; its addresses move to healthy peers now`,
    ),
  };
}
