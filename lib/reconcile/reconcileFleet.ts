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
import { ReconcileError, StaleEventError } from '../errors';
import type { LifecycleMessage } from '../events/types';
import type { PassResults } from '../plan/fleet';
import type { Adapters } from './adapters';
import { applyConfig, type ConfigPushResult } from './applyConfig';
import { type CompletionOutcome, completeActions } from './complete';
import { runPasses } from './pass';
import { buildReport, type FleetReport } from './report';

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
}

export async function reconcileFleet(fleet: FleetConfig, aws: Adapters, logger: Logger, opts: ReconcileOptions = {}): Promise<FleetReport> {
  const dryRun = opts.dryRun ?? false;
  const pushConfig = !!(fleet.haproxy && opts.configDocumentName);
  const pass = await runPasses(fleet, aws, logger, { ...opts, dryRun, now: opts.now ?? (() => new Date()), pushConfig }).catch((err: unknown) => {
    // A stale or forged event: nothing was changed (observing comes first), the handler says why.
    if (err instanceof ReconcileError || err instanceof StaleEventError) throw err;
    throw new ReconcileError(`reconciling fleet ${fleet.name} failed: ${describeAwsError(err)}; no lifecycle action was completed`, fleet.name, { cause: err });
  });
  const { plan, observed } = pass;

  // The configuration follows the fleet once DNS is in line (pushes are slow; nothing above waits for them).
  const failed = new Map<string, string>();
  let config: ConfigPushResult | undefined;
  if (plan.config && !plan.config.ok) {
    failed.set(`fleet ${fleet.name} configuration`, plan.config.reason.message);
    logger.error('the HAProxy configuration is not pushed; the next run retries', { reason: plan.config.reason });
  } else if (plan.config?.ok) {
    try {
      config = await applyConfig(fleet.name, plan.config.plan, aws, logger, {
        documentName: opts.configDocumentName!,
        version: pass.observedAt,
        dryRun,
        ...(opts.deadline !== undefined ? { deadline: opts.deadline } : {}),
      });
    } catch (err) {
      failed.set(`fleet ${fleet.name} configuration`, describeAwsError(err));
      logger.error('pushing the HAProxy configuration failed; the next run retries', { error: err as Error });
    }
  }

  const results: PassResults = {
    dnsFailed: pass.dnsFailed,
    dnsDeferred: pass.dnsDeferred,
    addressesFailed: pass.addressesFailed,
    ...(config ? { config: { ...config, failed: config.failed.map((f) => f.instanceId) } } : {}),
  };
  const hint = observed.hint ?? observed.servers?.hint;
  if (hint?.check === 'assumed (dry run)')
    logger.warn(
      'the event contradicts Auto Scaling; a dry run does not confirm it (a heartbeat would extend the action): the plan assumes Auto Scaling would',
      { ...hint },
    );
  for (const w of plan.waiting)
    logger.info(`${w.tier === 'application' ? 'application server' : 'node'} waits: ${w.reason.message}`, { instanceId: w.instanceId, code: w.reason.code });
  if (pass.dnsDeferred.size)
    logger.warn('nodes left for the next run (out of time, or Route 53 throttling health check creation)', { deferred: [...pass.dnsDeferred] });

  const done = await completeActions(plan, results, aws, logger, dryRun);
  for (const [id, why] of [...pass.dnsFailed, ...done.failed]) failed.set(id, why);
  for (const id of pass.addressesFailed) if (!failed.has(id)) failed.set(id, 'Elastic IP work failed (see the errors above)');
  logger.info('reconcile finished', {
    passes: pass.passes,
    changes: dryRun ? 0 : plan.dns.actions.length,
    registered: plan.dns.registered.length,
    completed: done.outcomes.filter((o) => o.outcome === 'completed').length,
    waiting: plan.waiting.length + done.held.length,
    deferred: pass.dnsDeferred.size,
    failed: failed.size,
  });
  if (failed.size > 0) {
    const list = [...failed].map(([id, why]) => `${id} (${why})`).join('; ');
    throw new ReconcileError(
      `fleet ${fleet.name}: ${failed.size} node(s) could not be brought in line, their lifecycle actions were not completed: ${list}`,
      fleet.name,
    );
  }
  return buildReport(fleet, pass, { dryRun, config, done, hint });
}
