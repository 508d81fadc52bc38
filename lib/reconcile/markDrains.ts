/**
 * Notes on each application server whose drain starts when it started (`hfc:drain-since`), so
 * that every later run measures its drain against the same timeout (lib/plan/drain.ts). A note
 * that fails to land is tried again by the next run; the server is in drain meanwhile (the
 * configuration renders it at weight 0 whether or not the note landed). A server in service again
 * (back from the warm pool) has its old note cleared, or its next drain would start timed out.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import type { Ec2Adapter } from '../aws/ec2';
import type { ServerDrain } from '../plan/drain';
import { DRAIN_SINCE_TAG } from '../plan/tags';

export async function markDrains(
  drains: readonly ServerDrain[],
  stale: readonly string[],
  aws: { ec2: Pick<Ec2Adapter, 'tagInstances' | 'untagInstance'> },
  logger: Logger,
  now: Date,
): Promise<void> {
  for (const id of stale) {
    try {
      await aws.ec2.untagInstance(id, [DRAIN_SINCE_TAG]);
      logger.info('application server in service again: its old drain note is cleared', { instanceId: id });
    } catch (err) {
      logger.warn('could not clear an old drain note; the next run retries', { instanceId: id, error: err as Error });
    }
  }
  const starting = drains.filter((d) => d.state === 'start').map((d) => d.instanceId);
  if (starting.length === 0) return;
  logger.info('application servers put in drain', {
    servers: starting,
    since: now.toISOString(),
    reasons: drains.filter((d) => d.state === 'start').map((d) => d.reason),
  });
  try {
    await aws.ec2.tagInstances(starting, { [DRAIN_SINCE_TAG]: now.toISOString() });
  } catch (err) {
    logger.warn('could not note when the drain started; the next run notes it again (the drain goes on meanwhile)', { servers: starting, error: err as Error });
  }
}
