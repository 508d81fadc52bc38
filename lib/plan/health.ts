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
 */
import type { AddressNode } from './addressTypes';

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
