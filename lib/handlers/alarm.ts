/**
 * The alarm handler's logic: for each alarm state change, find the fleet whose alarm name prefix
 * matches, the node the alarm is about (InstanceId dimension, managed name, or `hfc:instance-id`
 * alarm tag), and run the failover path. The event's state is never trusted: failover re-reads
 * every alarm of the fleet before deciding.
 */
import type { FailoverClients } from '../aws/failoverClients';
import { parseAlarmEvent, type AlarmMessage } from '../events/alarm';
import { alarmInstance } from '../plan/health';
import { failover, type FailoverReport } from '../reconcile/failover';
import { failoverAdaptersFor, type FailoverAdapters } from '../reconcile/failoverAdapters';
import type { HandlerDeps } from './deps';

export type AlarmOutcome = { status: 'ignored'; alarm: string; reason: string } | { status: 'handled'; report: FailoverReport };

async function resolveInstance(msg: AlarmMessage, prefix: string, aws: FailoverAdapters): Promise<string | undefined> {
  return msg.instanceId ?? alarmInstance({ name: msg.alarmName }, prefix) ?? (msg.alarmArn ? await aws.cloudWatch.instanceTag(msg.alarmArn) : undefined);
}

export async function handleAlarmEvent(event: unknown, deps: HandlerDeps<FailoverClients>): Promise<AlarmOutcome[]> {
  const messages = parseAlarmEvent(event);
  const aws = failoverAdaptersFor(deps.clients);
  const { logger } = deps;
  const outcomes: AlarmOutcome[] = [];
  for (const msg of messages) {
    logger.appendKeys({ alarm: msg.alarmName, alarmState: msg.newState });
    try {
      logger.info('alarm state change received', { via: msg.via, oldState: msg.oldState, time: msg.time });
      const fleet = deps.config.fleets.find((f) => f.elasticIps && f.alarms && msg.alarmName.startsWith(f.alarms.namePrefix));
      if (!fleet) {
        const reason = 'no fleet with Elastic IPs has an alarm name prefix that matches';
        logger.info(`${reason}; alarm ignored`);
        outcomes.push({ status: 'ignored', alarm: msg.alarmName, reason });
        continue;
      }
      const instanceId = await resolveInstance(msg, fleet.alarms!.namePrefix, aws);
      if (!instanceId) {
        const reason = 'the alarm names no instance (no InstanceId dimension, managed name or hfc:instance-id tag)';
        logger.info(`${reason}; alarm ignored`);
        outcomes.push({ status: 'ignored', alarm: msg.alarmName, reason });
        continue;
      }
      logger.appendKeys({ fleet: fleet.name, instance: instanceId });
      const report = await failover(fleet, aws, logger, {
        instanceId,
        alarmName: msg.alarmName,
        dryRun: deps.settings.dryRun,
        ...(deps.now ? { now: deps.now } : {}),
      });
      outcomes.push(report.ignored ? { status: 'ignored', alarm: msg.alarmName, reason: report.ignored } : { status: 'handled', report });
    } finally {
      logger.removeKeys(['alarm', 'alarmState', 'fleet', 'instance']);
    }
  }
  return outcomes;
}
