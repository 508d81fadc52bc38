/** What one reconcile did, as its report: for the handler's log and return value, the demo and the CLI. */
import type { FleetConfig } from '../config/schema';
import type { LifecycleHint } from '../events/types';
import type { AddressAction } from '../plan/addressTypes';
import type { AlarmAction } from '../plan/alarms';
import { planJson, type WaitingNode } from '../plan/fleet';
import type { Reason } from '../plan/reasons';
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
  /** Leaving nodes in their deregistration delay. */
  draining: { instanceId: string; until: string }[];
  /** Nodes left for the next run because the invocation ran out of time. */
  deferred: string[];
  completions: CompletionOutcome[];
  /** Every node that waits on one of our hooks, with why (code and sentence). */
  pending: WaitingNode[];
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
    draining: plan.waiting.filter((w) => w.reason.code === 'draining').map((w) => ({ instanceId: w.instanceId, until: w.until! })),
    deferred: [...pass.dnsDeferred],
    completions: done.outcomes,
    pending: [...plan.waiting, ...done.held],
    addressActions: plan.addresses?.actions ?? [],
    alarmActions: plan.alarms,
    ...(config && plan.config?.ok ? { config: { ...config, digest: plan.config.plan.digest, bytes: plan.config.plan.bytes } } : {}),
    ...(hint ? { hint } : {}),
    plan: planJson(plan),
  };
}
