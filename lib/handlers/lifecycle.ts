/**
 * The lifecycle handler's logic: for each lifecycle message, act on what lib/plan/dispatch.ts
 * decides: reconcile the fleet with the message as a hint, or complete a warm-pool move. Test
 * notifications, groups no fleet manages and other teams' hooks are acknowledged and ignored,
 * with a log line. A message whose route Auto Scaling never sends, or that contradicts Auto
 * Scaling and names no action it confirms (stale or forged), is rejected with its reason and
 * changes nothing; Lambda does not retry it. Every such decision is logged with its reason
 * (`{ code, message }`, docs/plan-reasons.md); the returned outcome keeps the sentence as its
 * `reason`.
 */
import { LateEventError, StaleEventError } from '../errors';
import { parseLifecycleEvent } from '../events/lifecycle';
import type { LifecycleEventMessage, LifecycleMessage } from '../events/types';
import { dispatchLifecycle, unconfirmed } from '../plan/dispatch';
import type { Reason } from '../plan/reasons';
import { adaptersFor } from '../reconcile/adapters';
import { reconcileFleet, type FleetReport } from '../reconcile/reconcileFleet';
import { completeWarmPoolMove, type WarmPoolOutcome } from '../reconcile/warmPoolMove';
import type { HandlerDeps } from './deps';
import type { Invocation } from './wrap';
import { reconcileOptions } from './reconcileOptions';

export type MessageOutcome =
  | { status: 'ignored'; reason: string }
  | { status: 'rejected'; instanceId: string; reason: string }
  | { status: 'warm-pool'; instanceId: string; outcome: WarmPoolOutcome }
  | { status: 'reconciled'; report: FleetReport };

const CORRELATION_KEYS = ['fleet', 'group', 'instance', 'transition', 'tier'];

async function handleMessage(msg: LifecycleEventMessage, deps: HandlerDeps, invocation: Invocation): Promise<MessageOutcome> {
  const { logger } = deps;
  if (msg.kind === 'test') {
    const { reason } = dispatchLifecycle(deps.config, msg);
    logger.info('Auto Scaling test notification acknowledged; nothing to do', { group: msg.groupName, requestId: msg.requestId, reason });
    return { status: 'ignored', reason: reason.message };
  }
  logger.info('lifecycle action received', { via: msg.via, hookName: msg.hookName, origin: msg.origin, destination: msg.destination });
  const target = dispatchLifecycle(deps.config, msg);
  if (target.kind === 'ignore') {
    logger.info(`${target.reason.message}; event ignored`, { reason: target.reason });
    return { status: 'ignored', reason: target.reason.message };
  }
  const { fleet, tier } = target;
  logger.appendKeys({ fleet: fleet.name, ...(tier === 'application' ? { tier } : {}) });
  if (target.kind === 'reject') return rejected(msg, target.reason, deps);
  const aws = adaptersFor(deps.clients);
  try {
    if (target.kind === 'warm-pool-move') {
      // Into or out of the warm pool: the instance neither serves nor stops serving, so no DNS work.
      logger.info('warm-pool move: completed once the warm pool confirms it', { reason: target.reason });
      const outcome = await completeWarmPoolMove(msg, aws, logger, { dryRun: deps.settings.dryRun });
      return { status: 'warm-pool', instanceId: msg.instanceId, outcome };
    }
    const hint = tier === 'application' ? { appHint: msg } : { hint: msg };
    const report = await reconcileFleet(fleet, aws, logger, { ...reconcileOptions(deps, invocation), ...hint });
    return { status: 'reconciled', report };
  } catch (err) {
    if (err instanceof LateEventError) {
      logger.info(`${err.reason.message}; event acknowledged`, { reason: err.reason });
      return { status: 'ignored', reason: err.reason.message };
    }
    if (!(err instanceof StaleEventError)) throw err;
    return rejected(msg, unconfirmed(err.message), deps);
  }
}

function rejected(msg: LifecycleMessage, reason: Reason, deps: HandlerDeps): MessageOutcome {
  deps.logger.warn('lifecycle event rejected: it contradicts Auto Scaling; nothing was changed', { reason, token: msg.token });
  return { status: 'rejected', instanceId: msg.instanceId, reason: reason.message };
}

/**
 * Handles one SNS or EventBridge lifecycle event.
 * @throws EventParseError for a malformed event (before any AWS call)
 * @throws ReconcileError when the fleet could not be brought in line (Lambda retries the event)
 */
export async function handleLifecycleEvent(event: unknown, deps: HandlerDeps, invocation: Invocation = {}): Promise<MessageOutcome[]> {
  const messages = parseLifecycleEvent(event);
  const outcomes: MessageOutcome[] = [];
  for (const msg of messages) {
    deps.logger.appendKeys({ group: msg.groupName, ...(msg.kind === 'lifecycle' ? keysOf(msg) : {}) });
    try {
      outcomes.push(await handleMessage(msg, deps, invocation));
    } finally {
      deps.logger.removeKeys(CORRELATION_KEYS);
    }
  }
  return outcomes;
}

function keysOf(msg: LifecycleMessage) {
  return { instance: msg.instanceId, transition: msg.transition };
}
