/**
 * The lifecycle handler's logic: for each lifecycle message, find the fleet that manages the
 * group and reconcile it with the message as a hint. Test notifications, groups no fleet
 * manages and other teams' hooks are acknowledged and ignored, with a log line. A message that
 * contradicts Auto Scaling and names no action it confirms (stale or forged) is rejected with
 * its reason and changes nothing; Lambda does not retry it.
 */
import { fleetOfGroup } from '../config/fleets';
import { StaleEventError } from '../errors';
import { parseLifecycleEvent } from '../events/lifecycle';
import type { LifecycleEventMessage, LifecycleMessage } from '../events/types';
import { hookFor, isWarmPoolMove } from '../plan/completions';
import { routeProblem } from '../plan/hints';
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
    logger.info('Auto Scaling test notification acknowledged; nothing to do', { group: msg.groupName, requestId: msg.requestId });
    return { status: 'ignored', reason: 'test notification' };
  }
  logger.info('lifecycle action received', { via: msg.via, hookName: msg.hookName, origin: msg.origin, destination: msg.destination });
  const owner = fleetOfGroup(deps.config, msg.groupName);
  if (!owner) {
    const reason = `no fleet manages Auto Scaling group ${msg.groupName}`;
    logger.info(`${reason}; event ignored`);
    return { status: 'ignored', reason };
  }
  const { fleet } = owner;
  const app = owner.tier === 'application';
  logger.appendKeys({ fleet: fleet.name, ...(app ? { tier: 'application' } : {}) });
  const ours = app ? fleet.appLifecycleHooks[msg.transition].name : hookFor(fleet, msg.transition);
  if (msg.hookName !== ours) {
    // The group may carry other teams' hooks (EventBridge delivers them all): never complete theirs.
    const reason = `hook ${msg.hookName} is not this fleet's ${msg.transition} hook (${ours})`;
    logger.info(`${reason}; event ignored`);
    return { status: 'ignored', reason };
  }
  const aws = adaptersFor(deps.clients);
  try {
    const badRoute = routeProblem(msg);
    if (badRoute) throw new StaleEventError(`the event's route is not one Auto Scaling sends: ${badRoute}; ignored, nothing was changed`, msg.instanceId);
    if (isWarmPoolMove(msg)) {
      // Into or out of the warm pool: the instance neither serves nor stops serving, so no DNS work.
      const outcome = await completeWarmPoolMove(msg, aws, logger, { dryRun: deps.settings.dryRun });
      return { status: 'warm-pool', instanceId: msg.instanceId, outcome };
    }
    const report = await reconcileFleet(fleet, aws, logger, { ...reconcileOptions(deps, invocation), ...(app ? { appHint: msg } : { hint: msg }) });
    return { status: 'reconciled', report };
  } catch (err) {
    if (!(err instanceof StaleEventError)) throw err;
    logger.warn('lifecycle event rejected: it contradicts Auto Scaling; nothing was changed', { reason: err.message, token: msg.token });
    return { status: 'rejected', instanceId: msg.instanceId, reason: err.message };
  }
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
