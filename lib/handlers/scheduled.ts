/**
 * The scheduled reconcile: every fleet, every run. It repairs drift (a record deleted by hand),
 * registers nodes no hook told us about (instances that predate the hook, lost events) and
 * completes lifecycle actions still waiting for work that is now done. One failing fleet does
 * not stop the others; the run fails at the end if any did, so the failure is visible.
 */
import { conciseSetupErrors, explainSetupError } from '../aws/setupErrors';
import { ReconcileError } from '../errors';
import { parseScheduledEvent } from '../events/scheduled';
import { adaptersFor } from '../reconcile/adapters';
import { reconcileFleet, type FleetReport } from '../reconcile/reconcileFleet';
import type { HandlerDeps } from './deps';
import type { Invocation } from './wrap';
import { reconcileOptions } from './reconcileOptions';
import { schedulePeriodMs } from '../config/schedule';

/** Ends a scheduled run this long before the next is due (its last calls, its completions). */
const RUN_MARGIN_MS = 15_000;

export async function handleScheduledEvent(event: unknown, deps: HandlerDeps, invocation: Invocation = {}): Promise<FleetReport[]> {
  const trigger = parseScheduledEvent(event);
  const { logger } = deps;
  const aws = adaptersFor(deps.clients);
  const reports: FleetReport[] = [];
  const failures: ReconcileError[] = [];
  logger.info('scheduled reconcile', { ...trigger, fleets: deps.config.fleets.map((f) => f.name) });
  const fleets = deps.config.fleets;
  // The run ends before the next one is due: an overlapping run would be throttled by the
  // function's reserved concurrency and retried by Lambda minutes later, and the heartbeats of
  // launches queued behind Route 53's quota (lib/plan/heartbeats.ts) rely on the schedule's beat.
  const period = schedulePeriodMs(deps.config.deployment.schedule);
  const cap = period === undefined ? undefined : Date.now() + period - RUN_MARGIN_MS;
  const deadline = cap === undefined ? invocation.deadline : Math.min(cap, invocation.deadline ?? cap);
  for (const [i, fleet] of fleets.entries()) {
    logger.appendKeys({ fleet: fleet.name, group: fleet.autoScalingGroupName });
    try {
      // Each fleet gets its share of the time left, so a fleet in a long burst (its health
      // checks paced by Route 53's quota) never keeps the fleets after it from their turn.
      const share = deadline === undefined ? {} : { deadline: Date.now() + (deadline - Date.now()) / (fleets.length - i) };
      reports.push(await reconcileFleet(fleet, aws, logger, reconcileOptions(deps, { ...invocation, ...share })));
    } catch (err) {
      const e = err instanceof ReconcileError ? err : new ReconcileError(String(err), fleet.name, { cause: err });
      // AWS not reachable at all, off Lambda: said once, in one line, by the handler's middleware.
      const setup = conciseSetupErrors() ? explainSetupError(e) : undefined;
      if (setup) logger.error('fleet reconcile failed', { reason: setup });
      else logger.error('fleet reconcile failed', { error: e, ...(e.report ? { report: e.report } : {}) });
      failures.push(e);
    } finally {
      logger.removeKeys(['fleet', 'group']);
    }
  }
  if (failures.length > 0) {
    throw new ReconcileError(
      `${failures.length} of ${deps.config.fleets.length} fleets failed to reconcile: ${failures.map((f) => f.message).join(' | ')}`,
      failures.map((f) => f.fleet).join(','),
      { cause: failures.length === 1 ? failures[0] : new AggregateError(failures) },
    );
  }
  return reports;
}
