/**
 * Managed alarms: one per node that belongs to the fleet (launching or in service), named
 * `<namePrefix><instance id>`, watching the configured metric of that instance, notifying the
 * alarm function on ALARM and OK. Nodes that leave lose theirs. Alarms with the prefix that the
 * control plane did not name this way are never touched.
 */
import type { FleetConfig } from '../config/schema';
import type { AlarmSpec } from '../aws/cloudwatch';
import { alarmInstance, type NodeAlarm } from './health';
import { KEEPS_ALARM, type LifecycleState } from './lifecycle';
import { ownershipTags } from './tags';

export type AlarmAction = { kind: 'putAlarm'; spec: AlarmSpec; reason: string } | { kind: 'deleteAlarm'; name: string; instanceId: string; reason: string };


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
    actions: [topicArn],
    tags: ownershipTags(fleet, instanceId),
  };
}

/** What differs between an existing alarm and its spec (empty when it matches). */
function alarmDiff(spec: AlarmSpec, raw: Record<string, unknown>): string[] {
  const want: Record<string, unknown> = {
    Namespace: spec.namespace, MetricName: spec.metricName, Statistic: spec.statistic, Period: spec.periodSeconds,
    EvaluationPeriods: spec.evaluationPeriods, Threshold: spec.threshold, ComparisonOperator: spec.comparisonOperator, TreatMissingData: spec.treatMissingData,
  };
  const diffs = Object.entries(want).filter(([k, v]) => raw[k] !== v).map(([k, v]) => `${k} ${String(raw[k])} -> ${String(v)}`);
  const actions = (x: unknown) => JSON.stringify([...((x as string[] | undefined) ?? [])].sort());
  if (actions(raw.AlarmActions) !== actions(spec.actions) || actions(raw.OKActions) !== actions(spec.actions)) diffs.push('actions');
  return diffs;
}

export function planAlarms(
  fleet: FleetConfig,
  nodes: readonly { instanceId: string; lifecycleState: LifecycleState }[],
  alarms: readonly (NodeAlarm & { raw?: Record<string, unknown> })[],
  topicArn: string,
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
    if (!have) out.push({ kind: 'putAlarm', spec, reason: 'node joined' });
    else {
      const diffs = alarmDiff(spec, have.raw ?? {});
      if (diffs.length) out.push({ kind: 'putAlarm', spec, reason: `settings changed: ${diffs.join(', ')}` });
    }
  }
  for (const [name, a] of [...managed].sort(([x], [y]) => x.localeCompare(y))) {
    if (!wanted.has(name)) out.push({ kind: 'deleteAlarm', name, instanceId: alarmInstance(a, prefix)!, reason: 'node left' });
  }
  return out;
}
