/** What one reconcile did, as its report: for the handler's log and return value, the demo and the CLI. */
import type { Logger } from '@aws-lambda-powertools/logger';
import type { FleetConfig } from '../config/schema';
import type { LifecycleHint } from '../events/types';
import type { AddressAction } from '../plan/addressTypes';
import type { AlarmAction } from '../plan/alarms';
import { planJson, type WaitingNode } from '../plan/fleet';
import { BOUNDED_WAITS, type Reason } from '../plan/reasons';
import type { Action } from '../plan/types';
import type { ConfigPushResult } from './applyConfig';
import type { CompletionOutcome, CompletionResults } from './complete';
import type { PassOutcome } from './pass';

/** What one reconcile did, for the handler's log, its return value and the demo. */
export interface FleetReport {
  fleet: string;
  group: string;
  dryRun: boolean;
  passes: number;
  /** DNS actions applied (or, in a dry run, planned), in order. */
  actions: Action[];
  registered: string[];
  /** Nodes that cannot be registered yet. */
  waiting: { instanceId: string; reason: Reason }[];
  /** Leaving nodes in their deregistration delay or their drain (load balancers and application servers). */
  draining: { instanceId: string; until: string }[];
  /** Nodes left for the next run because the invocation ran out of time. */
  deferred: string[];
  completions: CompletionOutcome[];
  /** Every node that waits on one of our hooks, with why (code and sentence). */
  pending: WaitingNode[];
  /** Things to fix that hold nothing back (an invalid weight tag). */
  notes: { instanceId: string; reason: Reason }[];
  /** Elastic IP changes applied (or planned, in a dry run). */
  addressActions: AddressAction[];
  /** Managed alarm changes applied (or planned). */
  alarmActions: AlarmAction[];
  /** The HAProxy configuration push, for fleets with `haproxy`. */
  config?: ConfigPushResult & { digest: string; bytes: number };
  /** The lifecycle event folded in, and how it came to be trusted. */
  hint?: LifecycleHint;
  /** The whole plan, as JSON. */
  plan: unknown;
}

export function buildReport(
  fleet: FleetConfig,
  pass: PassOutcome,
  run: { dryRun: boolean; config: ConfigPushResult | undefined; done: CompletionResults; hint: LifecycleHint | undefined },
): FleetReport {
  const { plan } = pass;
  const { dryRun, config, done, hint } = run;
  return {
    fleet: fleet.name,
    group: fleet.autoScalingGroupName,
    dryRun,
    passes: pass.passes,
    actions: plan.dns.actions,
    registered: plan.dns.registered,
    waiting: plan.dns.waiting,
    draining: plan.waiting.filter((w) => BOUNDED_WAITS.has(w.reason.code) && w.until).map((w) => ({ instanceId: w.instanceId, until: w.until! })),
    deferred: [...pass.dnsDeferred],
    completions: done.outcomes,
    pending: [...plan.waiting, ...done.held].map((w) => withSince(w, pass)),
    notes: plan.dns.notes,
    addressActions: plan.addresses?.actions ?? [],
    alarmActions: plan.alarms,
    ...(config && plan.config?.ok ? { config: { ...config, digest: plan.config.plan.digest, bytes: plan.config.plan.bytes } } : {}),
    ...(hint ? { hint } : {}),
    plan: planJson(plan),
  };
}

/** Since when a node has waited on us: a launch since it started, a leaving node since its deregistration or drain began. */
function withSince(w: WaitingNode, pass: PassOutcome): WaitingNode {
  const lb = pass.observed.nodes.find((n) => n.instanceId === w.instanceId);
  const app = pass.observed.servers?.appNodes.find((n) => n.instanceId === w.instanceId);
  const node = lb ?? app;
  const since = w.transition === 'terminating' ? (lb?.deregisteredAt ?? app?.drainingSince) : node?.launchedAt;
  return since ? { ...w, since } : w;
}

/** Logs why nodes wait and which were left for the next run, before completions are sent. */
export function logWaiting(pass: PassOutcome, hint: LifecycleHint | undefined, logger: Logger): void {
  if (hint?.check === 'assumed (dry run)')
    logger.warn(
      'the event contradicts Auto Scaling; a dry run does not confirm it (a heartbeat would extend the action): the plan assumes Auto Scaling would',
      { ...hint },
    );
  for (const w of pass.plan.waiting) {
    const line = `${w.tier === 'application' ? 'application server' : 'node'} waits: ${w.reason.message}`;
    // A node with no address of the configured kind, or a record in the way, waits for nothing: it needs a fix, now.
    if (w.reason.code === 'no-address' || w.reason.code === 'record-conflict') logger.error(line, { instanceId: w.instanceId, code: w.reason.code });
    else logger.info(line, { instanceId: w.instanceId, code: w.reason.code });
  }
  for (const n of pass.plan.dns.notes) logger.warn(`node: ${n.reason.message}`, { instanceId: n.instanceId, code: n.reason.code });
  if (pass.dnsDeferred.size)
    logger.warn('nodes left for the next run (out of time, or Route 53 throttling health check creation)', { deferred: [...pass.dnsDeferred] });
}

/** The run's one closing line, with what it counted. */
export function logFinished(pass: PassOutcome, done: CompletionResults, dryRun: boolean, failed: number, logger: Logger): void {
  const { plan } = pass;
  logger.info('reconcile finished', {
    passes: pass.passes,
    changes: dryRun ? 0 : plan.dns.actions.length,
    registered: plan.dns.registered.length,
    completed: done.outcomes.filter((o) => o.outcome === 'completed').length,
    waiting: plan.waiting.length + done.held.length,
    deferred: pass.dnsDeferred.size,
    failed,
  });
}
