/**
 * Sends the completions a plan made whose requirements the pass met (lib/plan/fleet.ts `unmet`
 * decides), with CONTINUE and by instance id. One node's failure never keeps the others waiting:
 * it is reported with the rest.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import { describeAwsError } from '../aws/errors';
import type { PassResults, FleetPlan, PlannedCompletion, WaitingNode } from '../plan/fleet';
import { unmet } from '../plan/fleet';
import { inParallel } from '../parallel';
import type { Reason } from '../plan/reasons';
import type { ActionCompleter } from './ports';

export interface CompletionOutcome {
  instanceId: string;
  transition: PlannedCompletion['transition'];
  hookName: string;
  reason: Reason;
  outcome: 'completed' | 'no-active-action' | 'dry-run';
}

export interface CompletionResults {
  outcomes: CompletionOutcome[];
  /** Planned completions whose requirements were not met, with why. */
  held: WaitingNode[];
  /** Completions AWS refused (the run fails, the next one retries). */
  failed: Map<string, string>;
}

/**
 * Completes, as soon as their records have landed, the planned completions of these nodes that
 * need nothing more (a launch that waits for the configuration push still waits). Silent about
 * the rest: the run's final completeActions says why they wait.
 */
export async function completeLanded(
  landed: readonly string[],
  plan: FleetPlan,
  results: PassResults,
  aws: ActionCompleter,
  logger: Logger,
  done: CompletionOutcome[],
): Promise<void> {
  const ids = new Set(landed);
  const pending = plan.completions.filter((c) => ids.has(c.instanceId) && !done.some((d) => d.instanceId === c.instanceId && d.transition === c.transition));
  const now = pending.filter((c) => unmet(c, plan, results).length === 0);
  const out = await completeActions({ ...plan, completions: now }, results, aws, logger, false);
  done.push(...out.outcomes); // a failure here is tried again by the run's final completeActions
}

/** CompleteLifecycleAction calls in flight at once. */
const COMPLETIONS_IN_FLIGHT = 10;

const logOf = (c: PlannedCompletion) => ({ instanceId: c.instanceId, transition: c.transition, hookName: c.hookName, group: c.groupName, reason: c.reason });
const baseOf = (c: PlannedCompletion) => ({ instanceId: c.instanceId, transition: c.transition, hookName: c.hookName, reason: c.reason });

export async function completeActions(
  plan: FleetPlan,
  results: PassResults,
  aws: ActionCompleter,
  logger: Logger,
  dryRun: boolean,
  already: readonly CompletionOutcome[] = [],
): Promise<CompletionResults> {
  const out: CompletionResults = { outcomes: [], held: [], failed: new Map() };
  const send: PlannedCompletion[] = [];
  const outcomeOf = new Map<PlannedCompletion, CompletionOutcome>();
  for (const c of plan.completions) {
    const earlier = already.find((d) => d.instanceId === c.instanceId && d.transition === c.transition);
    if (earlier) {
      outcomeOf.set(c, earlier); // completed as soon as its record landed
      continue;
    }
    const why = unmet(c, plan, results);
    if (why.length) {
      for (const reason of why) out.held.push({ instanceId: c.instanceId, tier: c.tier, transition: c.transition, reason });
      logger.info(`${c.tier === 'application' ? 'application server' : 'node'} waits: ${why.map((r) => r.message).join('; ')}`, logOf(c));
      continue;
    }
    if (dryRun) {
      logger.info('would complete lifecycle action (dry run)', logOf(c));
      outcomeOf.set(c, { ...baseOf(c), outcome: 'dry-run' });
      continue;
    }
    send.push(c);
  }
  // A few at a time: a batch of launches goes on in one or two round trips, not one per node.
  await inParallel(send, COMPLETIONS_IN_FLIGHT, async (c) => {
    try {
      const outcome = await aws.autoScaling.completeLifecycleAction({
        groupName: c.groupName,
        hookName: c.hookName,
        instanceId: c.instanceId,
        result: 'CONTINUE',
      });
      logger.info(outcome === 'completed' ? 'lifecycle action completed with CONTINUE' : 'lifecycle action no longer exists; nothing to complete', logOf(c));
      outcomeOf.set(c, { ...baseOf(c), outcome });
    } catch (err) {
      out.failed.set(c.instanceId, `completing the ${c.transition} action: ${describeAwsError(err)}`);
      logger.error('completing the lifecycle action failed; the next run retries', { ...logOf(c), error: err as Error });
    }
  });
  for (const c of plan.completions) {
    const o = outcomeOf.get(c);
    if (o) out.outcomes.push(o);
  }
  return out;
}
