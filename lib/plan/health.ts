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

export interface NodeAlarm {
  name: string;
  state: 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';
  stateUpdated?: string;
  instanceId?: string;
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
  const since = mine.map((a) => a.stateUpdated).filter((t): t is string => !!t).sort().pop();
  const health = mine.length > 0 && mine.every((a) => a.state === 'OK') ? 'ok' : 'unknown';
  return { health, ...(since ? { healthSince: since } : {}) };
}
