/**
 * A move into or out of a warm pool (launched into the pool, or terminated from it): the
 * instance neither starts nor stops serving, so its action is completed with CONTINUE and no DNS
 * work. Because nothing else is checked on this path, the event is verified first: the group
 * must not list the instance (warm-pool instances are not in DescribeAutoScalingGroups), the
 * warm pool must show it in the state its route implies, and Auto Scaling must confirm the action
 * (lib/plan/hints.ts). A stale, forged or re-routed event completes nothing.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import { StaleEventError } from '../errors';
import type { LifecycleMessage } from '../events/types';
import { judgeWarmPoolMove } from '../plan/hints';
import type { WarmPoolMover } from './ports';

export type WarmPoolOutcome = 'completed' | 'no-active-action' | 'dry-run';

/** @throws StaleEventError when the event is not a warm-pool move Auto Scaling confirms (nothing changed) */
export async function completeWarmPoolMove(msg: LifecycleMessage, aws: WarmPoolMover, logger: Logger, opts: { dryRun: boolean }): Promise<WarmPoolOutcome> {
  const [group, pool] = await Promise.all([aws.autoScaling.describeGroup(msg.groupName), aws.autoScaling.describeWarmPool(msg.groupName)]);
  const judged = judgeWarmPoolMove(
    msg,
    group?.find((i) => i.instanceId === msg.instanceId),
    pool.get(msg.instanceId),
  );
  if (judged.verdict === 'refuse') throw new StaleEventError(`warm pool move event ignored: ${judged.reason}; nothing was changed`, msg.instanceId);
  const action = { groupName: msg.groupName, hookName: msg.hookName, instanceId: msg.instanceId };
  if (opts.dryRun) {
    logger.info('warm pool move: would confirm the action and complete it with CONTINUE (dry run)', { origin: msg.origin, destination: msg.destination });
    return 'dry-run';
  }
  if ((await aws.autoScaling.confirmAction(action)) === 'no-active-action') {
    throw new StaleEventError(
      `warm pool move event ignored: Auto Scaling has no active ${msg.transition} action for ${msg.instanceId} on hook ${msg.hookName} (stale or forged); nothing was changed`,
      msg.instanceId,
    );
  }
  const outcome = await aws.autoScaling.completeLifecycleAction({ ...action, result: 'CONTINUE' });
  logger.info('warm pool move: lifecycle action completed without DNS changes', { outcome, origin: msg.origin, destination: msg.destination });
  return outcome;
}
