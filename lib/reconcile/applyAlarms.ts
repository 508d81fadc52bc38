/** Apply managed alarm changes. A failure is logged, not fatal: the next run retries it. */
import type { Logger } from '@aws-lambda-powertools/logger';
import type { AlarmWriter } from './ports';
import type { AlarmAction } from '../plan/alarms';

export async function applyAlarms(actions: readonly AlarmAction[], cloudWatch: AlarmWriter, logger: Logger): Promise<void> {
  for (const a of actions) {
    try {
      if (a.kind === 'putAlarm') {
        logger.info('putting node alarm', { alarm: a.spec.name, instanceId: a.spec.instanceId, reason: a.reason });
        await cloudWatch.putAlarm(a.spec);
      } else {
        logger.info('deleting node alarm', { alarm: a.name, instanceId: a.instanceId, reason: a.reason });
        await cloudWatch.deleteAlarms([a.name]);
      }
    } catch (err) {
      logger.error('node alarm change failed; the next run retries', { action: a.kind, error: err as Error });
    }
  }
}
