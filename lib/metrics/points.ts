/**
 * The control plane's own metrics, as plain data points derived from what a run reports: pure,
 * so the figures are tested without a sink, and the sink (emf.ts) only writes them.
 *
 *   metric                 unit          dimensions        from
 *   ---------------------  ------------  ----------------  -----------------------------------------
 *   ReconcileDuration      Milliseconds  Fleet             one reconcile, start to report
 *   PlannedChanges         Count         Fleet, Kind       every planned change (dry runs included)
 *   AppliedChanges         Count         Fleet, Kind       changes made (not in a dry run)
 *   NodesWaiting           Count         Fleet, Reason     nodes held back, by reason code
 *   LongestWaitSeconds     Seconds       Fleet             the longest a node has waited on us (delays and drains aside)
 *   CompletedActions       Count         Fleet             lifecycle actions completed
 *   ConfigPushes           Count         Fleet             load balancers pushed a configuration
 *   NodesBehind            Count         Fleet             load balancers not running it after the run
 *   ReconcileFailures      Count         Fleet             runs that failed (some node not brought in line)
 *   Failovers              Count         Fleet             addresses moved away from a failed node
 *   FailoverFailures       Count         Fleet             address moves that failed
 *   AlarmToAssociation     Milliseconds  Fleet             alarm state change to its addresses moved
 *   RetriedCalls           Count         Fleet             retries the AWS calls of a reconcile needed (throttling, mostly)
 *
 * Dimension values are bounded: fleet names, action kinds and reason codes come from the
 * configuration and the code, never from AWS.
 */
import type { FailoverReport } from '../reconcile/failover';
import { BOUNDED_WAITS } from '../plan/reasons';
import type { FleetReport } from '../reconcile/report';

/** The namespace of every metric (both writers, the dashboard and the alarms read it). */
export const METRICS_NAMESPACE = 'HaproxyFleetControl';

export interface MetricPoint {
  name: string;
  unit: 'Count' | 'Milliseconds' | 'Seconds';
  value: number;
  dimensions: Record<string, string>;
}

const countBy = <T>(items: readonly T[], key: (t: T) => string) => {
  const out = new Map<string, number>();
  for (const i of items) out.set(key(i), (out.get(key(i)) ?? 0) + 1);
  return out;
};

/** The points of one reconcile of one fleet (its report, whether it succeeded or not). */
export function reconcilePoints(report: FleetReport, run: { durationMs: number; now: Date; failed: boolean; retriedCalls?: number }): MetricPoint[] {
  const fleet = { Fleet: report.fleet };
  const points: MetricPoint[] = [{ name: 'ReconcileDuration', unit: 'Milliseconds', value: run.durationMs, dimensions: fleet }];
  // A node whose DNS or address work failed or was left for later had its changes planned, not made.
  const heldFor = (codes: string[]) => new Set(report.pending.filter((p) => codes.includes(p.reason.code)).map((p) => p.instanceId));
  const dnsHeld = new Set([...report.deferred, ...heldFor(['dns-failed', 'dns-deferred'])]);
  const addressHeld = heldFor(['addresses-failed']);
  const changes = [
    ...report.actions.map((a) => ({ kind: a.kind, made: !dnsHeld.has(a.instanceId) })),
    ...report.addressActions.map((a) => ({ kind: a.kind, made: !addressHeld.has(a.kind === 'associateAddress' ? a.to.instanceId : a.instanceId) })),
    ...report.alarmActions.map((a) => ({ kind: a.kind, made: true })),
    ...(report.config?.pushed ?? []).map(() => ({ kind: 'pushConfig', made: true })),
  ];
  for (const [kind, n] of countBy(changes, (c) => c.kind))
    points.push({ name: 'PlannedChanges', unit: 'Count', value: n, dimensions: { ...fleet, Kind: kind } });
  if (!report.dryRun)
    for (const [kind, n] of countBy(
      changes.filter((c) => c.made),
      (c) => c.kind,
    ))
      points.push({ name: 'AppliedChanges', unit: 'Count', value: n, dimensions: { ...fleet, Kind: kind } });
  for (const [code, n] of countBy(report.pending, (p) => p.reason.code))
    points.push({ name: 'NodesWaiting', unit: 'Count', value: n, dimensions: { ...fleet, Reason: code } });
  // Always sent (0 when nothing waits), so an alarm on it sees data, not a gap.
  // Deregistration delays and drains are waits the configuration bounds: only the others count.
  const waits = report.pending
    .filter((p) => !BOUNDED_WAITS.has(p.reason.code))
    .map((p) => (p.since ? (run.now.getTime() - Date.parse(p.since)) / 1000 : 0))
    .filter((s) => Number.isFinite(s));
  points.push({ name: 'LongestWaitSeconds', unit: 'Seconds', value: Math.max(0, ...waits), dimensions: fleet });
  points.push({ name: 'CompletedActions', unit: 'Count', value: report.completions.filter((c) => c.outcome === 'completed').length, dimensions: fleet });
  if (report.config) {
    points.push({ name: 'ConfigPushes', unit: 'Count', value: report.dryRun ? 0 : report.config.pushed.length, dimensions: fleet });
    const behind = report.config.failed.length + report.config.offline.length;
    points.push({ name: 'NodesBehind', unit: 'Count', value: behind, dimensions: fleet });
  }
  points.push({ name: 'ReconcileFailures', unit: 'Count', value: run.failed ? 1 : 0, dimensions: fleet });
  if (run.retriedCalls !== undefined) points.push({ name: 'RetriedCalls', unit: 'Count', value: run.retriedCalls, dimensions: fleet });
  return points;
}

/** The points of one failover run: addresses moved away from the failed node, and how long after the alarm. */
export function failoverPoints(report: FailoverReport, run: { alarmTime?: string; now: Date }): MetricPoint[] {
  const fleet = { Fleet: report.fleet };
  const moved = report.actions.filter((a) => a.kind === 'associateAddress' && a.reason.code === 'failover');
  const points: MetricPoint[] = [
    { name: 'Failovers', unit: 'Count', value: moved.length, dimensions: fleet },
    { name: 'FailoverFailures', unit: 'Count', value: report.failed.length, dimensions: fleet },
  ];
  const since = run.alarmTime ? Date.parse(run.alarmTime) : Number.NaN;
  if (moved.length && !report.failed.length && Number.isFinite(since))
    points.push({ name: 'AlarmToAssociation', unit: 'Milliseconds', value: Math.max(0, run.now.getTime() - since), dimensions: fleet });
  return points;
}
