/**
 * The alarm handler's logic: for each alarm state change, find the fleet whose alarm name prefix
 * matches, the node the alarm is about (InstanceId dimension, managed name, or `hfc:instance-id`
 * alarm tag), and run the failover path. The event's state is never trusted: failover re-reads
 * every alarm of the fleet before deciding.
 */
import type { FailoverClients } from '../aws/failoverClients';
import { fleetOfAlarm } from '../config/fleets';
import { ReconcileError } from '../errors';
import { parseAlarmEvent } from '../events/alarm';
import { alarmInstance } from '../plan/health';
import { failover, type FailoverReport } from '../reconcile/failover';
import { failoverAdaptersFor } from '../reconcile/failoverAdapters';
import type { HandlerDeps } from './deps';

export type AlarmOutcome = { status: 'ignored'; alarm: string; reason: string } | { status: 'handled'; report: FailoverReport };

export async function handleAlarmEvent(event: unknown, deps: HandlerDeps<FailoverClients>): Promise<AlarmOutcome[]> {
  const messages = parseAlarmEvent(event);
  const aws = failoverAdaptersFor(deps.clients);
  const { logger } = deps;
  const outcomes: AlarmOutcome[] = [];
  for (const msg of messages) {
    logger.appendKeys({ alarm: msg.alarmName, alarmState: msg.newState });
    try {
      logger.info('alarm state change received', { via: msg.via, oldState: msg.oldState, time: msg.time });
      const fleet = fleetOfAlarm(deps.config, msg.alarmName);
      if (!fleet) {
        const reason = 'no fleet with Elastic IPs has an alarm name prefix that matches';
        logger.info(`${reason}; alarm ignored`);
        outcomes.push({ status: 'ignored', alarm: msg.alarmName, reason });
        continue;
      }
      // Dimension or managed name, from the event itself; an alarm that names its node only in a
      // tag is mapped while observing (failover reads those tags with the alarms).
      const instanceId = msg.instanceId ?? alarmInstance({ name: msg.alarmName }, fleet.alarms!.namePrefix);
      logger.appendKeys({ fleet: fleet.name, ...(instanceId ? { instance: instanceId } : {}) });
      const report = await failover(fleet, aws, logger, {
        ...(instanceId ? { instanceId } : {}),
        alarmName: msg.alarmName,
        dryRun: deps.settings.dryRun,
        ...(deps.now ? { now: deps.now } : {}),
      });
      if (report.failed.length) {
        // Lambda retries the event (and then the dead-letter queue has it); the schedule retries too.
        throw new ReconcileError(`fleet ${fleet.name}: failover for alarm ${msg.alarmName} did not complete: ${report.failed.join('; ')}`, fleet.name);
      }
      outcomes.push(report.ignored ? { status: 'ignored', alarm: msg.alarmName, reason: report.ignored } : { status: 'handled', report });
    } finally {
      logger.removeKeys(['alarm', 'alarmState', 'fleet', 'instance']);
    }
  }
  return outcomes;
}
