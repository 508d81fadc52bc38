/**
 * One fleet, one pass: observe, plan, apply, then complete the lifecycle actions whose work is
 * done. Every trigger (lifecycle event, schedule) runs exactly this; an event only adds a hint.
 *
 * Concurrent runs (duplicated events, the schedule) are safe without a lock: health check
 * creation is idempotent by CallerReference, and when Route 53 rejects a change because another
 * run got there first (ConflictError), the pass observes and plans again, up to three times. A
 * second pass over a converged fleet plans nothing and makes no mutating call.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import type { FleetConfig } from '../config/schema';
import { ConflictError, ReconcileError } from '../errors';
import type { LifecycleMessage } from '../events/types';
import { describeAwsError } from '../aws/errors';
import { planCompletions, type Completion } from '../plan/completions';
import { planDns } from '../plan/dns';
import type { Action, Plan } from '../plan/types';
import type { Adapters } from './adapters';
import { applyPlan, describeAction } from './apply';
import { observeFleet } from './observe';

const MAX_PASSES = 3;

export interface CompletionOutcome extends Completion {
  outcome: 'completed' | 'no-active-action' | 'dry-run';
}

/** What one reconcile did, for the handler's log, its return value and the demo. */
export interface FleetReport {
  fleet: string;
  group: string;
  dryRun: boolean;
  passes: number;
  /** Actions applied (or, in a dry run, planned), in order. */
  actions: Action[];
  registered: string[];
  waiting: Plan['waiting'];
  completions: CompletionOutcome[];
}

export interface ReconcileOptions {
  dryRun?: boolean;
  hint?: LifecycleMessage;
}

export async function reconcileFleet(fleet: FleetConfig, aws: Adapters, logger: Logger, opts: ReconcileOptions = {}): Promise<FleetReport> {
  const dryRun = opts.dryRun ?? false;
  let plan: Plan | undefined;
  let completions: Completion[] = [];
  let passes = 0;

  try {
    for (;;) {
      passes += 1;
      const observed = await observeFleet(fleet, aws, opts.hint);
      plan = planDns(fleet, observed);
      completions = planCompletions(fleet, observed.nodes, plan, opts.hint);
      logger.info(plan.actions.length ? 'planned changes' : 'fleet in sync', {
        pass: passes,
        nodes: observed.nodes.length,
        records: observed.records.length,
        healthChecks: observed.healthChecks.length,
        changes: plan.actions.map(describeAction),
        ...(plan.waiting.length ? { waiting: plan.waiting } : {}),
      });
      if (dryRun || plan.actions.length === 0) break;
      try {
        await applyPlan(fleet, plan, aws, logger);
        break;
      } catch (err) {
        if (!(err instanceof ConflictError) || passes >= MAX_PASSES) throw err;
        logger.warn('plan went stale while applying; observing again', { pass: passes, error: err.message });
      }
    }
  } catch (err) {
    if (err instanceof ReconcileError) throw err;
    throw new ReconcileError(`reconciling fleet ${fleet.name} failed: ${describeAwsError(err)}; no lifecycle action was completed`, fleet.name, { cause: err });
  }

  const outcomes: CompletionOutcome[] = [];
  for (const c of completions) {
    if (dryRun) {
      logger.info('would complete lifecycle action (dry run)', { ...c });
      outcomes.push({ ...c, outcome: 'dry-run' });
      continue;
    }
    const outcome = await aws.autoScaling.completeLifecycleAction({
      groupName: fleet.autoScalingGroupName,
      hookName: c.hookName,
      instanceId: c.instanceId,
      ...(c.token ? { token: c.token } : {}),
      result: 'CONTINUE',
    });
    logger.info(outcome === 'completed' ? 'lifecycle action completed with CONTINUE' : 'lifecycle action no longer exists; nothing to complete', { ...c });
    outcomes.push({ ...c, outcome });
  }

  const done = plan!;
  return { fleet: fleet.name, group: fleet.autoScalingGroupName, dryRun, passes, actions: done.actions, registered: done.registered, waiting: done.waiting, completions: outcomes };
}
