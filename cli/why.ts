/**
 * `hfc why <instance-id>`: every gate of one node, from the same dry run as `status` and `plan`:
 * is it registered, is its lifecycle action being held and by what, until when, and when its
 * hook would time out on its own.
 */
import { LAUNCH_WAIT, LEAVING } from '../lib/plan/lifecycle';
import type { FleetView } from './inspect';
import { fleetPlan, type PlannedChange } from './plan';
import { fleetStatus } from './status';

export interface WhyView {
  instanceId: string;
  fleet: string;
  tier: 'load-balancer' | 'application-server';
  group: string;
  lifecycleState: string;
  /** One line per gate, in the order they apply. */
  gates: { gate: string; state: 'met' | 'waiting' | 'not-applicable' | 'info'; detail: string }[];
  /** What a reconcile would do for it now. */
  planned: PlannedChange[];
}

export function whyNode(views: readonly FleetView[], instanceId: string): WhyView | undefined {
  for (const view of views) {
    const lb = view.observed.nodes.find((n) => n.instanceId === instanceId);
    const app = view.observed.servers?.appNodes.find((n) => n.instanceId === instanceId);
    if (!lb && !app) continue;
    const { fleet, report } = view;
    const status = fleetStatus(view);
    const plan = fleetPlan(view);
    const gates: WhyView['gates'] = [];
    const state = (lb ?? app)!.lifecycleState;
    const pending = report.pending.find((p) => p.instanceId === instanceId);
    const completion = report.completions.find((c) => c.instanceId === instanceId);
    if (lb) {
      const s = status.loadBalancers.find((x) => x.instanceId === instanceId)!;
      const leaving = lb.lifecycleState === LEAVING;
      gates.push({
        gate: leaving ? 'deregistered from DNS' : 'registered in DNS',
        state: leaving ? (s.records.length ? 'waiting' : 'met') : s.records.length ? 'met' : 'waiting',
        detail: s.records.length
          ? s.records
              .map((r) => {
                const check = s.healthChecks.find((c) => c.id === r.healthCheckId);
                return `${r.type} ${r.value} weight ${r.weight}, check ${r.healthCheckId ?? 'none'}${check ? ` (${check.status})` : ''}`;
              })
              .join('; ')
          : leaving
            ? 'no record left'
            : report.registered.includes(instanceId)
              ? 'not yet: the next reconcile registers it'
              : 'no record',
      });
      if (s.elasticIps)
        gates.push({
          gate: 'Elastic IPs',
          state: 'info',
          detail: `home ${s.elasticIps.home.join(', ') || 'none'}; holds ${s.elasticIps.holding.join(', ') || 'none'}`,
        });
      if (s.alarms) gates.push({ gate: 'alarms', state: 'info', detail: s.alarms.map((a) => `${a.name} ${a.state}`).join('; ') || 'none' });
      if (s.config)
        gates.push({
          gate: 'HAProxy configuration',
          state: s.config.current ? 'met' : 'waiting',
          detail: s.config.current
            ? `runs ${s.config.rendered?.slice(0, 12)}`
            : `runs ${s.config.applied?.slice(0, 12) ?? 'none'}, rendered now ${s.config.rendered?.slice(0, 12) ?? 'none'}`,
        });
    } else if (app) {
      const s = status.applicationServers.find((x) => x.instanceId === instanceId)!;
      gates.push({ gate: 'in the HAProxy configuration', state: s.inConfig ? 'met' : 'info', detail: s.inConfig ? 'listed' : 'not listed' });
      if (s.drainingSince) gates.push({ gate: 'drain', state: 'info', detail: `in drain since ${s.drainingSince}` });
    }
    const transition = state === LAUNCH_WAIT ? 'launching' : state === LEAVING ? 'terminating' : undefined;
    if (!transition) gates.push({ gate: 'lifecycle action', state: 'not-applicable', detail: `${state}: no action of ours to complete` });
    else if (completion) {
      // The dry run assumes its planned work succeeds: say so when there is any.
      const work = plan.changes.filter((c) => c.instanceId === instanceId && c.kind !== 'completeLifecycleAction').length;
      gates.push({
        gate: 'lifecycle action',
        state: work ? 'waiting' : 'met',
        detail: `the next reconcile completes its ${transition} action${work ? ` once its ${work} planned change(s) succeed` : ''}: ${completion.reason.message} [${completion.reason.code}]`,
      });
    } else if (pending)
      gates.push({
        gate: 'lifecycle action',
        state: 'waiting',
        detail: `its ${transition} action waits: ${pending.reason.message} [${pending.reason.code}]${pending.since ? `, since ${pending.since}` : ''}${pending.until ? `, until ${pending.until}` : ''}`,
      });
    else gates.push({ gate: 'lifecycle action', state: 'waiting', detail: `its ${transition} action is not completed by this run` });
    if (transition && lb) {
      const hook = fleet.lifecycleHooks[transition];
      const started = lb.timerStartedAt;
      if (started)
        gates.push({
          gate: 'hook timeout',
          state: 'info',
          detail: `${hook.name}: its timer started ${started}; without a completion or heartbeat, Auto Scaling applies ${hook.defaultResult} at ${new Date(Date.parse(started) + hook.heartbeatTimeoutSeconds * 1000).toISOString()}`,
        });
    }
    return {
      instanceId,
      fleet: fleet.name,
      tier: lb ? 'load-balancer' : 'application-server',
      group: lb ? fleet.autoScalingGroupName : app!.groupName,
      lifecycleState: state,
      gates,
      planned: plan.changes.filter((c) => c.instanceId === instanceId),
    };
  }
  return undefined;
}

export function renderWhy(w: WhyView): string {
  const mark = { met: 'ok  ', waiting: 'WAIT', 'not-applicable': '-   ', info: '    ' };
  return [
    `${w.instanceId}: ${w.tier} of fleet ${w.fleet} (group ${w.group}), ${w.lifecycleState}`,
    ...w.gates.map((g) => `  ${mark[g.state]} ${g.gate}: ${g.detail}`),
    ...(w.planned.length
      ? ['  planned now:', ...w.planned.map((c) => `    ${c.kind} ${c.detail} (${c.reason.message} [${c.reason.code}])`)]
      : ['  planned now: nothing']),
    '',
  ].join('\n');
}
