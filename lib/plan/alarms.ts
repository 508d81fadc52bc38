/**
 * Managed alarms: one per node that belongs to the fleet (launching or in service), named
 * `<namePrefix><instance id>`, watching the configured metric of that instance, notifying the
 * alarm function on ALARM and OK. Nodes that leave lose theirs. Alarms with the prefix that the
 * control plane did not name this way are never touched.
 */
import type { FleetConfig } from '../config/schema';
import { alarmInstance, type AlarmSettings, type NodeAlarm } from './health';
import { KEEPS_ALARM, type LifecycleState } from './lifecycle';
import { type Reason, reason } from './reasons';
import { ownershipTags } from './tags';

/** What a managed alarm should be. */
export interface AlarmSpec extends AlarmSettings {
  name: string;
  description: string;
  instanceId: string;
  tags: Record<string, string>;
}

export type AlarmAction = { kind: 'putAlarm'; spec: AlarmSpec; reason: Reason } | { kind: 'deleteAlarm'; name: string; instanceId: string; reason: Reason };

export function alarmSpec(fleet: FleetConfig, instanceId: string, topicArn: string): AlarmSpec {
  const a = fleet.alarms!;
  return {
    name: `${a.namePrefix}${instanceId}`,
    description: `haproxy-fleet-control: node ${instanceId} of fleet ${fleet.name} has failed; its Elastic IPs move to healthy peers`,
    instanceId,
    namespace: a.metric.namespace,
    metricName: a.metric.name,
    statistic: a.metric.statistic,
    periodSeconds: a.metric.periodSeconds,
    evaluationPeriods: a.metric.evaluationPeriods,
    threshold: a.metric.threshold,
    comparisonOperator: a.metric.comparisonOperator,
    treatMissingData: a.metric.treatMissingData,
    alarmActions: [topicArn],
    okActions: [topicArn],
    tags: ownershipTags(fleet, instanceId),
  };
}

/** What differs between an existing alarm and its spec (empty when it matches). */
function alarmDiff(spec: AlarmSpec, have: AlarmSettings | undefined): string[] {
  if (!have) return ['settings unknown'];
  const scalar = [
    'namespace',
    'metricName',
    'statistic',
    'extendedStatistic',
    'periodSeconds',
    'evaluationPeriods',
    'threshold',
    'comparisonOperator',
    'treatMissingData',
  ] as const;
  const diffs: string[] = scalar.filter((k) => have[k] !== spec[k]).map((k) => `${k} ${String(have[k])} -> ${String(spec[k])}`);
  const same = (a: readonly string[], b: readonly string[]) => [...a].sort().join() === [...b].sort().join();
  if (!same(have.alarmActions, spec.alarmActions) || !same(have.okActions, spec.okActions)) diffs.push('actions');
  return diffs;
}

/**
 * @param watched nodes whose record or health check of ours still exists: in a private fleet their
 *   check watches the alarm, so the alarm of a node that left is deleted only once a run sees
 *   neither (after its DNS work succeeded, whatever failed or was deferred on the way)
 */
export function planAlarms(
  fleet: FleetConfig,
  nodes: readonly { instanceId: string; lifecycleState: LifecycleState }[],
  alarms: readonly NodeAlarm[],
  topicArn: string,
  watched: ReadonlySet<string> = new Set(),
): AlarmAction[] {
  if (!fleet.alarms?.manage) return [];
  const prefix = fleet.alarms.namePrefix;
  const out: AlarmAction[] = [];
  const managed = new Map(alarms.filter((a) => a.name === `${prefix}${alarmInstance(a, prefix)}`).map((a) => [a.name, a]));
  const wanted = new Set<string>();
  for (const n of [...nodes].sort((a, b) => a.instanceId.localeCompare(b.instanceId))) {
    if (!KEEPS_ALARM.has(n.lifecycleState)) continue;
    const spec = alarmSpec(fleet, n.instanceId, topicArn);
    wanted.add(spec.name);
    const have = managed.get(spec.name);
    if (!have) out.push({ kind: 'putAlarm', spec, reason: reason('node-joined', 'node joined') });
    else {
      const diffs = alarmDiff(spec, have.settings);
      if (diffs.length) out.push({ kind: 'putAlarm', spec, reason: reason('alarm-drifted', `settings changed: ${diffs.join(', ')}`) });
    }
  }
  for (const [name, a] of [...managed].sort(([x], [y]) => x.localeCompare(y))) {
    if (wanted.has(name)) continue;
    const instanceId = alarmInstance(a, prefix)!;
    if (fleet.dns.address === 'private-ipv4' && watched.has(instanceId)) continue;
    out.push({ kind: 'deleteAlarm', name, instanceId, reason: reason('node-left', 'node left') });
  }
  return out;
}
