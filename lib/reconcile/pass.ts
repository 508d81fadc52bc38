/**
 * One pass of a reconcile: observe, plan (lib/plan/fleet.ts), apply the plan's address, DNS and
 * alarm work in that order. When Route 53 rejects a change because another run got there first
 * (ConflictError), the pass observes and plans again, up to three times; a second pass over a
 * converged fleet plans nothing and makes no mutating call.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import type { FleetConfig } from '../config/schema';
import { ConflictError } from '../errors';
import type { LifecycleMessage } from '../events/types';
import { type FleetPlan, planFleet } from '../plan/fleet';
import type { ObservedFleet } from '../plan/types';
import type { ReconcilePorts } from './ports';
import { type ApplyOptions, type ApplyResult, applyPlan, describeAction } from './apply';
import { applyAddressPlan } from './applyAddresses';
import { applyAlarms } from './applyAlarms';
import { sendHeartbeats } from './heartbeats';
import { observeFleet } from './observe';
import { measureLoads } from './measureLoads';
import { measureRequest } from '../plan/drain';

const MAX_PASSES = 3;

export interface PassOptions {
  dryRun: boolean;
  now: () => Date;
  hint?: LifecycleMessage;
  appHint?: LifecycleMessage;
  alarmTopicArn?: string;
  pushConfig: boolean;
  /** The SSM document that reports what a load balancer carries (lib/haproxy/measure.sh); without it drains run to their timeouts. */
  measureDocumentName?: string;
  deadline?: number;
  /** lib/config/schedule.ts heartbeatHeadroomSeconds. */
  heartbeatHeadroomSeconds?: number;
  /** Which end of the fleet health checks are created from (apply.ts). */
  order?: ApplyOptions['order'];
  /** After each record batch lands: the nodes in it, with the pass's plan and results so far. */
  onLanded?: (landed: string[], plan: FleetPlan, sofar: { dns: ApplyResult; addressesFailed: Set<string> }) => Promise<void>;
}

export interface PassOutcome {
  passes: number;
  observed: ObservedFleet;
  /** When the last pass started observing: the version of the configuration it pushes. */
  observedAt: number;
  plan: FleetPlan;
  dnsFailed: Map<string, string>;
  dnsDeferred: Set<string>;
  addressesFailed: Set<string>;
}

export async function runPasses(fleet: FleetConfig, aws: ReconcilePorts, logger: Logger, opts: PassOptions): Promise<PassOutcome> {
  for (let passes = 1; ; passes++) {
    try {
      const observedAt = opts.now().getTime();
      const observed = await observeFleet(fleet, aws, {
        ...(opts.hint ? { hint: opts.hint } : {}),
        ...(opts.appHint ? { appHint: opts.appHint } : {}),
        servers: opts.pushConfig,
        dryRun: opts.dryRun,
      });
      // A drain in progress is measured on the load balancers (one more round trip, only then).
      const wanted = opts.pushConfig && opts.measureDocumentName && !opts.dryRun ? measureRequest(fleet, observed, opts.now()) : undefined;
      if (wanted)
        observed.loads = await measureLoads(wanted, aws, logger, {
          documentName: opts.measureDocumentName!,
          now: opts.now,
          ...(opts.deadline !== undefined ? { deadline: opts.deadline } : {}),
        });
      const plan = planFleet(fleet, observed, {
        now: opts.now(),
        pushConfig: opts.pushConfig,
        ...(opts.alarmTopicArn ? { alarmTopicArn: opts.alarmTopicArn } : {}),
        ...(opts.heartbeatHeadroomSeconds ? { heartbeatHeadroomSeconds: opts.heartbeatHeadroomSeconds } : {}),
      });
      const changes = plan.dns.actions.length + (plan.addresses?.actions.length ?? 0) + plan.alarms.length;
      logger.info(changes ? 'planned changes' : 'fleet in sync', {
        pass: passes,
        nodes: observed.nodes.length,
        records: observed.records.length,
        healthChecks: observed.healthChecks.length,
        changes: plan.dns.actions.map(describeAction),
        ...(plan.addresses ? { addressChanges: plan.addresses.actions, stuckAddresses: plan.addresses.stuck } : {}),
        ...(plan.alarms.length
          ? { alarmChanges: plan.alarms.map((a) => ({ kind: a.kind, reason: a.reason, name: a.kind === 'putAlarm' ? a.spec.name : a.name })) }
          : {}),
      });
      // Each pass starts afresh: a pass that Route 53 overtook is observed and planned again, and
      // what failed in it counts only if the new plan still has that work to do (then it is
      // tried again here). A node whose addresses a concurrent run put in place is not held back.
      const outcome: PassOutcome = { passes, observed, observedAt, plan, dnsFailed: new Map(), dnsDeferred: new Set(), addressesFailed: new Set() };
      if (opts.dryRun) return outcome;
      if (passes === 1 && plan.heartbeats.length > 0) await sendHeartbeats(fleet, plan.heartbeats, aws, logger, opts.now());
      // Alarms are put before DNS work and deleted after it: a private fleet's health check
      // watches its node's alarm, and Route 53 needs the alarm to exist when the check is made.
      const alarmPuts = plan.alarms.filter((a) => a.kind === 'putAlarm');
      const alarmDeletes = plan.alarms.filter((a) => a.kind === 'deleteAlarm');
      if (alarmPuts.length > 0) await applyAlarms(alarmPuts, aws.cloudWatch, logger);
      if (plan.addresses && plan.addresses.actions.length > 0)
        outcome.addressesFailed = (await applyAddressPlan(plan.addresses, aws.addresses, logger, opts.now)).failedNodes;
      if (plan.dns.actions.length > 0) {
        const { onLanded } = opts;
        const applied = await applyPlan(fleet, plan.dns, aws, logger, {
          ...(opts.deadline !== undefined ? { deadline: opts.deadline } : {}),
          ...(opts.order ? { order: opts.order } : {}),
          ...(onLanded ? { onLanded: (landed, dns) => onLanded(landed, plan, { dns, addressesFailed: outcome.addressesFailed }) } : {}),
        });
        outcome.dnsFailed = applied.failed;
        outcome.dnsDeferred = applied.deferred;
      }
      if (alarmDeletes.length > 0) await applyAlarms(alarmDeletes, aws.cloudWatch, logger);
      return outcome;
    } catch (err) {
      if (!(err instanceof ConflictError) || passes >= MAX_PASSES) throw err;
      logger.warn('another writer changed Route 53 under this pass; observing again', { pass: passes, error: err.message });
    }
  }
}
