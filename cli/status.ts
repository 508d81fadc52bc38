/**
 * `hfc status`: every node of every fleet as the control plane sees it now, from one dry run of
 * its reconcile (cli/inspect.ts). Built as plain data (the `--json` output), then rendered.
 */
import { describeAction } from '../lib/reconcile/apply';
import { alarmInstance } from '../lib/plan/health';
import type { FleetView } from './inspect';
import { fleetPlan } from './plan';
import { table } from './table';

export interface LoadBalancerStatus {
  instanceId: string;
  lifecycleState: string;
  availabilityZone?: string;
  /** Its records at the fleet's name (A, AAAA), with the weight and the check each references. */
  records: { type: string; value: string; weight: number; healthCheckId?: string }[];
  /** Our health checks for it, what each probes or watches, and Route 53's verdict now. */
  healthChecks: { id: string; target: string; status: string }[];
  /** Pool addresses whose home it is, and those it holds now (fleets with Elastic IPs). */
  elasticIps?: { home: string[]; holding: string[] };
  /** Its alarms' states (fleets with alarms). */
  alarms?: { name: string; state: string }[];
  /** The HAProxy configuration it runs against the one rendered now (fleets with haproxy). */
  config?: { applied: string | null; rendered: string | null; current: boolean };
  /** Why its lifecycle action waits, when it does. */
  waiting?: { code: string; message: string; until?: string };
  /** What a reconcile would change for it now. */
  planned: { action: string; code: string; message: string }[];
}

export interface AppServerStatus {
  instanceId: string;
  group: string;
  lifecycleState: string;
  /** The backends whose rendered configuration lists it. */
  inConfig: boolean;
  drainingSince?: string;
  waiting?: { code: string; message: string; until?: string };
}

export interface FleetStatus {
  fleet: string;
  group: string;
  recordName: string;
  /** The configuration's digest rendered now, and the load balancers behind it. */
  config?: { digest: string | null; behind: string[]; problem?: string };
  loadBalancers: LoadBalancerStatus[];
  applicationServers: AppServerStatus[];
  /** Things to fix that hold nothing back (an invalid weight tag). */
  notes: { instanceId: string; code: string; message: string }[];
  /** Changes a reconcile would make now, all kinds together. */
  pendingChanges: number;
  /** Nodes waiting (held back, or in a delay or drain). */
  waiting: number;
}

const short = (r: { code: string; message: string }) => ({ code: r.code, message: r.message });

export function fleetStatus(view: FleetView): FleetStatus {
  const { fleet, observed, plan, report } = view;
  const rendered = plan.config?.ok ? plan.config.plan : undefined;
  const waitingOf = (id: string) => {
    const w = report.pending.find((p) => p.instanceId === id);
    return w ? { ...short(w.reason), ...(w.until ? { until: w.until } : {}) } : undefined;
  };
  const pool = observed.addressState?.pool ?? [];
  const alarms = observed.addressState?.alarms ?? [];
  const prefix = fleet.alarms?.namePrefix ?? '';
  const loadBalancers = [...observed.nodes]
    .sort((a, b) => a.instanceId.localeCompare(b.instanceId))
    .map((n): LoadBalancerStatus => {
      const id = n.instanceId;
      const waiting = waitingOf(id);
      return {
        instanceId: id,
        lifecycleState: n.lifecycleState,
        ...(n.availabilityZone ? { availabilityZone: n.availabilityZone } : {}),
        records: observed.records
          .filter((r) => r.instanceId === id)
          .map((r) => ({ type: r.type, value: r.values.join(','), weight: r.weight, ...(r.healthCheckId ? { healthCheckId: r.healthCheckId } : {}) })),
        healthChecks: observed.healthChecks
          .filter((c) => c.instanceId === id)
          .map((c) => ({
            id: c.id,
            target:
              c.spec.type === 'CLOUDWATCH_METRIC'
                ? `alarm ${c.spec.alarmName}`
                : `${c.spec.type} ${c.spec.ipAddress}:${c.spec.port}${c.spec.resourcePath ?? ''}`,
            status: view.checkHealth?.get(c.id) ?? 'unknown',
          })),
        ...(fleet.elasticIps
          ? {
              elasticIps: {
                home: pool.filter((a) => a.home === id).map((a) => a.publicIp),
                holding: pool.filter((a) => a.holder?.instanceId === id).map((a) => a.publicIp),
              },
            }
          : {}),
        ...(fleet.alarms ? { alarms: alarms.filter((a) => alarmInstance(a, prefix) === id).map((a) => ({ name: a.name, state: a.state })) } : {}),
        ...(fleet.haproxy
          ? { config: { applied: n.configDigest ?? null, rendered: rendered?.digest ?? null, current: !!rendered && n.configDigest === rendered.digest } }
          : {}),
        ...(waiting ? { waiting } : {}),
        planned: [
          ...plan.dns.actions.filter((a) => a.instanceId === id).map((a) => ({ action: describeActionText(describeAction(a)), ...short(a.reason) })),
          ...(plan.addresses?.actions ?? [])
            .filter((a) => (a.kind === 'associateAddress' ? a.to.instanceId === id || a.from?.instanceId === id : a.instanceId === id))
            .map((a) => ({ action: a.kind === 'associateAddress' ? `associateAddress ${a.publicIp} -> ${a.to.instanceId}` : a.kind, ...short(a.reason) })),
        ],
      };
    });
  const listed = new Set(rendered?.rendered ?? []);
  const applicationServers = (observed.servers?.appNodes ?? [])
    .map(
      (n): AppServerStatus => ({
        instanceId: n.instanceId,
        group: n.groupName,
        lifecycleState: n.lifecycleState,
        inConfig: listed.has(n.instanceId),
        ...(n.drainingSince ? { drainingSince: n.drainingSince } : {}),
        ...(waitingOf(n.instanceId) ? { waiting: waitingOf(n.instanceId)! } : {}),
      }),
    )
    .sort((a, b) => a.instanceId.localeCompare(b.instanceId));
  return {
    fleet: fleet.name,
    group: fleet.autoScalingGroupName,
    recordName: fleet.dns.recordName,
    ...(fleet.haproxy
      ? {
          config: plan.config?.ok
            ? { digest: plan.config.plan.digest, behind: plan.config.plan.behind }
            : { digest: null, behind: [], ...(plan.config && !plan.config.ok ? { problem: plan.config.reason.message } : {}) },
        }
      : {}),
    loadBalancers,
    applicationServers,
    notes: report.notes.map((n) => ({ instanceId: n.instanceId, ...short(n.reason) })),
    pendingChanges: pendingChanges(view),
    waiting: report.pending.length,
  };
}

/** Every change a reconcile would make now (the same list `hfc plan` prints). */
export function pendingChanges(view: FleetView): number {
  return fleetPlan(view).changes.length;
}

function describeActionText(d: Record<string, unknown>): string {
  const extra = ['target', 'value', 'healthCheckId'].map((k) => d[k]).filter((v) => v !== undefined);
  return [d.action, ...extra].join(' ');
}

const dash = (v: string | undefined | null) => (v ? v : '-');

export function renderStatus(fleets: FleetStatus[]): string {
  const out: string[] = [];
  for (const f of fleets) {
    out.push(`fleet ${f.fleet}  group ${f.group}  record ${f.recordName}`);
    if (f.config)
      out.push(
        `configuration ${dash(f.config.digest?.slice(0, 12))}${f.config.behind.length ? `, ${f.config.behind.length} behind` : ''}${f.config.problem ? `: ${f.config.problem}` : ''}`,
      );
    const extra = (lb: LoadBalancerStatus) => [
      ...(lb.elasticIps ? [lb.elasticIps.home.join(',') || '-', lb.elasticIps.holding.join(',') || '-'] : []),
      ...(lb.alarms ? [lb.alarms.map((a) => a.state).join(',') || '-'] : []),
      ...(lb.config ? [lb.config.current ? 'current' : lb.config.applied ? `behind (${lb.config.applied.slice(0, 12)})` : 'none'] : []),
    ];
    const head = [
      'INSTANCE',
      'STATE',
      'AZ',
      'RECORDS',
      'CHECKS (ROUTE 53)',
      ...(f.loadBalancers[0]?.elasticIps ? ['EIP HOME', 'EIP HELD'] : []),
      ...(f.loadBalancers[0]?.alarms ? ['ALARM'] : []),
      ...(f.loadBalancers[0]?.config ? ['CONFIG'] : []),
      'WAITING / PLANNED',
    ];
    const rows = f.loadBalancers.map((lb) => [
      lb.instanceId,
      lb.lifecycleState,
      dash(lb.availabilityZone),
      lb.records.map((r) => `${r.type} ${r.value} w${r.weight}`).join('; ') || '-',
      lb.healthChecks.map((c) => c.status).join(',') || '-',
      ...extra(lb),
      lb.waiting ? `${lb.waiting.code}: ${lb.waiting.message}` : lb.planned.length ? lb.planned.map((p) => `${p.action} [${p.code}]`).join('; ') : '-',
    ]);
    out.push(rows.length ? table(head, rows) : '(no load balancers)');
    if (f.applicationServers.length) {
      out.push(
        table(
          ['APP SERVER', 'GROUP', 'STATE', 'IN CONFIG', 'WAITING'],
          f.applicationServers.map((s) => [
            s.instanceId,
            s.group,
            s.lifecycleState,
            s.inConfig ? 'yes' : 'no',
            s.waiting ? `${s.waiting.code}: ${s.waiting.message}` : '-',
          ]),
        ),
      );
    }
    for (const n of f.notes) out.push(`note ${n.instanceId}: ${n.message} [${n.code}]`);
    out.push(
      f.pendingChanges
        ? `${f.pendingChanges} change(s) pending: hfc plan shows them`
        : f.waiting
          ? `${f.waiting} node(s) waiting: hfc why <instance-id> says on what`
          : 'in sync',
    );
    out.push('');
  }
  return out.join('\n');
}
