/**
 * One fleet, one run: observe, plan, apply, complete, like external-dns's controller RunOnce.
 * Every trigger (lifecycle event, schedule) runs exactly this; an event only adds a hint. Every
 * decision is in the pure plan (lib/plan/fleet.ts); this only applies it in order and reports.
 *
 * Concurrent runs (the schedule and a lifecycle event) are safe without a lock: Route 53 is read
 * before the group (observe.ts), and a pass that Route 53 tells it was overtaken observes and
 * plans again (pass.ts).
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import { describeAwsError } from '../aws/errors';
import type { FleetConfig } from '../config/schema';
import { LateEventError, ReconcileError, StaleEventError } from '../errors';
import type { LifecycleMessage } from '../events/types';
import type { PassResults } from '../plan/fleet';
import type { ReconcilePorts } from './ports';
import { pushPlannedConfig } from './applyConfig';
import { markDrains } from './markDrains';
import { type CompletionOutcome, completeActions, completeLanded } from './complete';
import { type PassOptions, type PassOutcome, runPasses } from './pass';
import { buildReport, type FleetReport, logFinished, logWaiting } from './report';
import type { MetricsSink } from '../metrics/emf';
import { reconcilePoints } from '../metrics/points';
import { retriedCalls } from '../aws/retries';

export type { CompletionOutcome, FleetReport };

export interface ReconcileOptions {
  dryRun?: boolean;
  hint?: LifecycleMessage;
  /** A lifecycle event of one of the fleet's application groups. */
  appHint?: LifecycleMessage;
  /** The clock (the simulated account passes its own). */
  now?: () => Date;
  /** Epoch ms after which no new health check is started. */
  deadline?: number;
  /** The topic managed alarms notify; without it no alarm is managed. */
  alarmTopicArn?: string;
  /** The SSM document that applies an HAProxy configuration on a node; without it nothing is pushed. */
  configDocumentName?: string;
  /** The SSM document that measures what a load balancer carries (drains). */
  measureDocumentName?: string;
  /** How long before a queued launch's hook times out it gets a heartbeat (lib/config/schedule.ts). */
  heartbeatHeadroomSeconds?: number;
  /** Called with what the run observed and planned, before anything is applied (the CLI's status view). */
  inspect?: (pass: PassOutcome) => void;
  /** Where the run's metrics go (lib/metrics); none: no metrics. */
  metrics?: MetricsSink;
}

export async function reconcileFleet(fleet: FleetConfig, aws: ReconcilePorts, logger: Logger, opts: ReconcileOptions = {}): Promise<FleetReport> {
  if (!opts.metrics) return reconcileOnce(fleet, aws, logger, opts);
  // The run's figures, from its report, whether it succeeded or failed for some nodes.
  const started = Date.now();
  const retriedBefore = retriedCalls();
  const emit = async (report: FleetReport | undefined, failed: boolean) => {
    if (!report) return;
    try {
      const run = { durationMs: Date.now() - started, now: opts.now?.() ?? new Date(), failed, retriedCalls: retriedCalls() - retriedBefore };
      await opts.metrics!.emit(reconcilePoints(report, run));
    } catch (err) {
      logger.warn('could not write the run metrics', { error: err as Error });
    }
  };
  try {
    const report = await reconcileOnce(fleet, aws, logger, opts);
    await emit(report, false);
    return report;
  } catch (err) {
    await emit(err instanceof ReconcileError ? (err.report as FleetReport | undefined) : undefined, true);
    throw err;
  }
}

async function reconcileOnce(fleet: FleetConfig, aws: ReconcilePorts, logger: Logger, opts: ReconcileOptions): Promise<FleetReport> {
  const dryRun = opts.dryRun ?? false;
  const pushConfig = !!(fleet.haproxy && opts.configDocumentName);
  // Launches go on as soon as their records land, not at the end of the run (a burst of launches
  // waits on CreateHealthCheck's quota, one check every 2 s).
  const early: CompletionOutcome[] = [];
  const onLanded: PassOptions['onLanded'] = async (landed, plan, sofar) => {
    const notYet = new Set(plan.dns.actions.map((a) => a.instanceId).filter((id) => !landed.includes(id)));
    const results: PassResults = {
      dnsFailed: sofar.dns.failed,
      dnsDeferred: new Set([...sofar.dns.deferred, ...notYet]),
      addressesFailed: sofar.addressesFailed,
    };
    await completeLanded(landed, plan, results, aws, logger, early);
  };
  const order: PassOptions['order'] = opts.hint ? { direction: 'ascending', first: opts.hint.instanceId } : { direction: 'descending' };
  const passOptions = { ...opts, dryRun, now: opts.now ?? (() => new Date()), pushConfig, order, onLanded };
  const pass = await runPasses(fleet, aws, logger, passOptions).catch((err: unknown) => {
    // A stale or forged event: nothing was changed (observing comes first), the handler says why.
    if (err instanceof ReconcileError || err instanceof StaleEventError || err instanceof LateEventError) throw err;
    // Launches whose records landed before the failure went on already: say which.
    const went = early.filter((o) => o.outcome === 'completed').map((o) => o.instanceId);
    const completed = went.length ? `the lifecycle actions of ${went.join(', ')} were completed before it failed` : 'no lifecycle action was completed';
    // (A dry run changes nothing: reading the fleet is what failed.)
    const what = dryRun
      ? `reading fleet ${fleet.name} failed: ${describeAwsError(err)}`
      : `reconciling fleet ${fleet.name} failed: ${describeAwsError(err)}; ${completed}`;
    throw new ReconcileError(what, fleet.name, { cause: err });
  });
  const { plan, observed } = pass;
  opts.inspect?.(pass);

  // The configuration follows the fleet once DNS is in line (pushes are slow; nothing above waits for them).
  const failed = new Map<string, string>();
  const push = {
    documentName: opts.configDocumentName ?? '',
    version: pass.observedAt,
    dryRun,
    ...(opts.deadline !== undefined ? { deadline: opts.deadline } : {}),
  };
  // A server's drain clock starts before the configuration that drains it goes out.
  if (!dryRun) await markDrains(plan.drains, plan.staleDrainNotes, aws, logger, passOptions.now());
  const { result: config, failure } = await pushPlannedConfig(fleet.name, plan.config, aws, logger, push);
  // (A dry run reports the configuration's problem in the plan; it has failed nothing.)
  if (failure && !dryRun) failed.set(`fleet ${fleet.name} configuration`, failure);

  const results: PassResults = {
    dnsFailed: pass.dnsFailed,
    dnsDeferred: pass.dnsDeferred,
    addressesFailed: pass.addressesFailed,
    ...(config ? { config: { ...config, failed: config.failed.map((f) => f.instanceId) } } : {}),
  };
  const hint = observed.hint ?? observed.servers?.hint;
  logWaiting(pass, hint, logger);
  const done = await completeActions(plan, results, aws, logger, dryRun, early);

  for (const [id, why] of [...pass.dnsFailed, ...done.failed]) failed.set(id, why);
  for (const id of pass.addressesFailed) if (!failed.has(id)) failed.set(id, 'Elastic IP work failed (see the errors above)');
  logFinished(pass, done, dryRun, failed.size, logger);
  // The report is built either way: a run that failed for some nodes did the rest, and says what.
  const report = buildReport(fleet, pass, { dryRun, config, done, hint });
  if (failed.size > 0) {
    const list = [...failed].map(([id, why]) => `${id} (${why})`).join('; ');
    throw new ReconcileError(
      `fleet ${fleet.name}: ${failed.size} node(s) could not be brought in line, their lifecycle actions were not completed: ${list}`,
      fleet.name,
      { report },
    );
  }
  return report;
}
