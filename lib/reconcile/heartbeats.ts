/**
 * Sends the plan's heartbeats (lib/plan/heartbeats.ts) as soon as the plan is made, before the
 * run's long DNS work (a run cut short by its deadline, or a fleet that waits its turn behind
 * another in the scheduled run, must not starve them), then notes the time on those instances in one CreateTags call, so that every later
 * run knows when each hook's timer restarted. A failure is logged, never fatal: the node keeps
 * waiting, and the next run (a minute later, well within the headroom) tries again.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import type { FleetConfig } from '../config/schema';
import type { PlannedHeartbeat } from '../plan/heartbeats';
import { HEARTBEAT_AT_TAG } from '../plan/tags';
import type { HeartbeatSender } from './ports';

export async function sendHeartbeats(
  fleet: FleetConfig,
  heartbeats: readonly PlannedHeartbeat[],
  aws: HeartbeatSender,
  logger: Logger,
  now: Date,
): Promise<string[]> {
  const sent: string[] = [];
  for (const h of heartbeats) {
    try {
      const outcome = await aws.autoScaling.confirmAction({ groupName: fleet.autoScalingGroupName, hookName: h.hookName, instanceId: h.instanceId });
      if (outcome === 'active') {
        sent.push(h.instanceId);
        logger.info('lifecycle action heartbeat sent', { instanceId: h.instanceId, hookName: h.hookName, reason: h.reason });
      }
    } catch (err) {
      logger.warn('lifecycle action heartbeat failed; the next run tries again', { instanceId: h.instanceId, error: err as Error });
    }
  }
  if (sent.length) {
    try {
      await aws.ec2.tagInstances(sent, { [HEARTBEAT_AT_TAG]: now.toISOString() });
    } catch (err) {
      // Without the note the next run sends the heartbeat again: one call too many, no harm.
      logger.warn('could not note the heartbeat time on the instances', { instanceIds: sent, error: err as Error });
    }
  }
  return sent;
}
