/**
 * `hfc plan`: what a reconcile would do now, every change with its reason, and every node that
 * waits with why. Exit 0 when every fleet is in sync, 2 when changes are pending (CI, cron).
 */
import { behindReason } from '../lib/plan/config';
import { describeAction } from '../lib/reconcile/apply';
import type { FleetView } from './inspect';
import { table } from './table';

export interface PlannedChange {
  kind: string;
  instanceId: string;
  /** What exactly: the target of a check, a record's value, an address and where it goes. */
  detail: string;
  reason: { code: string; message: string };
}

export interface FleetPlanView {
  fleet: string;
  inSync: boolean;
  changes: PlannedChange[];
  waiting: { instanceId: string; tier: string; code: string; message: string; until?: string }[];
}

const r = (x: { code: string; message: string }) => ({ code: x.code, message: x.message });

export function fleetPlan(view: FleetView): FleetPlanView {
  const { plan, report } = view;
  const changes: PlannedChange[] = [];
  for (const a of plan.dns.actions) {
    const d = describeAction(a) as Record<string, unknown>;
    const detail = [d.target, d.setIdentifier && `${'record' in a ? a.record.type : ''} ${d.value ?? ''} weight ${d.weight ?? '-'}`, d.healthCheckId, d.at]
      .filter((x) => typeof x === 'string' && x.trim())
      .join(' ');
    changes.push({ kind: a.kind, instanceId: a.instanceId, detail, reason: r(a.reason) });
  }
  for (const a of plan.addresses?.actions ?? []) {
    if (a.kind === 'associateAddress')
      changes.push({
        kind: a.kind,
        instanceId: a.to.instanceId,
        detail: `${a.publicIp} ${a.from ? `from ${a.from.instanceId} ` : ''}to ${a.to.instanceId}`,
        reason: r(a.reason),
      });
    else if (a.kind === 'assignSecondaryIps') changes.push({ kind: a.kind, instanceId: a.instanceId, detail: `${a.count} on ${a.eniId}`, reason: r(a.reason) });
    else changes.push({ kind: a.kind, instanceId: a.instanceId, detail: a.allocationId, reason: r(a.reason) });
  }
  for (const a of plan.alarms)
    changes.push({
      kind: a.kind,
      instanceId: a.kind === 'putAlarm' ? a.spec.instanceId : a.instanceId,
      detail: a.kind === 'putAlarm' ? a.spec.name : a.name,
      reason: r(a.reason),
    });
  if (plan.config?.ok)
    for (const id of plan.config.plan.behind)
      changes.push({
        kind: 'pushConfig',
        instanceId: id,
        detail: `${plan.config.plan.digest.slice(0, 12)} (${plan.config.plan.bytes} bytes)`,
        reason: r(behindReason(view.observed.nodes.find((n) => n.instanceId === id)?.configDigest, plan.config.plan.digest)),
      });
  for (const h of plan.heartbeats) changes.push({ kind: 'heartbeat', instanceId: h.instanceId, detail: h.hookName, reason: r(h.reason) });
  for (const d of plan.drains.filter((x) => x.state === 'start'))
    changes.push({ kind: 'markDrain', instanceId: d.instanceId, detail: 'hfc:drain-since', reason: r(d.reason) });
  for (const id of plan.staleDrainNotes)
    changes.push({
      kind: 'clearDrainNote',
      instanceId: id,
      detail: 'hfc:drain-since',
      reason: { code: 'back-in-service', message: 'in service again: its old drain note is cleared' },
    });
  for (const c of report.completions)
    changes.push({ kind: 'completeLifecycleAction', instanceId: c.instanceId, detail: `${c.hookName} CONTINUE (${c.transition})`, reason: r(c.reason) });
  const waiting = report.pending;
  return {
    fleet: view.fleet.name,
    // In sync: nothing to change and nobody waiting (a node held back, a delay or a drain running;
    // a dry run does not measure drains, so one in progress always shows here).
    inSync: changes.length === 0 && waiting.length === 0,
    changes,
    waiting: waiting.map((w) => ({ instanceId: w.instanceId, tier: w.tier, ...r(w.reason), ...(w.until ? { until: w.until } : {}) })),
  };
}

export function renderPlan(fleets: FleetPlanView[]): string {
  const out: string[] = [];
  for (const f of fleets) {
    out.push(`fleet ${f.fleet}: ${f.inSync ? 'in sync' : `${f.changes.length} change(s), ${f.waiting.length} node(s) waiting`}`);
    if (f.changes.length)
      out.push(
        table(
          ['CHANGE', 'INSTANCE', 'DETAIL', 'REASON'],
          f.changes.map((c) => [c.kind, c.instanceId, c.detail || '-', `${c.reason.message} [${c.reason.code}]`]),
        ),
      );
    if (f.waiting.length)
      out.push(
        table(
          ['WAITING', 'TIER', 'UNTIL', 'REASON'],
          f.waiting.map((w) => [w.instanceId, w.tier, w.until ?? '-', `${w.message} [${w.code}]`]),
        ),
      );
    out.push('');
  }
  return out.join('\n');
}
