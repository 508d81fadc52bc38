/**
 * The alarm handler's logic, dispatched by the event's shape:
 * - an alarm state change (SNS, EventBridge, or the alarm's Lambda action): find the fleet whose
 *   alarm name prefix matches, the node the alarm is about (InstanceId dimension, managed name,
 *   or `hfc:instance-id` alarm tag), and run the failover path. The event's state is never
 *   trusted: failover re-reads every alarm of the fleet before deciding.
 * - an EC2 event (`source: aws.ec2`) that announces a node's end (Spot interruption warning,
 *   rebalance recommendation, stopping, shutting-down, ...): one DescribeInstances by id says
 *   whether it is a fleet node at all (most EC2 events of an account are not); for a fleet node,
 *   the end is noted on the instance (`hfc:ending`) while the failover path runs at once with
 *   the node counted as failed (lib/plan/health.ts decides both).
 */
import type { FailoverClients } from '../aws/failoverClients';
import { fleetOfAlarm } from '../config/fleets';
import { ReconcileError } from '../errors';
import { parseAlarmEvent } from '../events/alarm';
import { isEc2Event, parseEc2Event } from '../events/ec2';
import { failoverPoints } from '../metrics/points';
import { alarmInstance, decideEnding, endingAnnounced, formatEndingMark } from '../plan/health';
import type { ReasonCode } from '../plan/reasons';
import { ENDING_TAG } from '../plan/tags';
import { failover, type FailoverReport } from '../reconcile/failover';
import { type FailoverAdapters, failoverAdaptersFor } from '../reconcile/failoverAdapters';
import type { HandlerDeps } from './deps';

export type AlarmOutcome = { status: 'ignored'; alarm: string; reason: string } | { status: 'handled'; report: FailoverReport };

/** What came of an EC2 event: `reason` is the decision's sentence, `code` its catalog code (docs/plan-reasons.md). */
export type Ec2Outcome =
  | { status: 'ignored'; instance: string; reason: string; code: ReasonCode }
  | { status: 'handled'; instance: string; reason: string; code: ReasonCode; marked: boolean; report: FailoverReport };

/** Everything the alarm function returns, one entry per alarm state change or EC2 event. */
export type AlarmFunctionOutcome = AlarmOutcome | Ec2Outcome;

export async function handleAlarmEvent(event: unknown, deps: HandlerDeps<FailoverClients>): Promise<AlarmFunctionOutcome[]> {
  if (isEc2Event(event)) return [await handleEc2Event(event, deps)];
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
      await emitFailover(deps, report, msg.time);
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

/**
 * An EC2 event that may announce a node's end. The mark and the failover run side by side: the
 * failover does not wait to read the mark back (it is told), and every later run reads it. If
 * either fails, the function fails, so Lambda retries the event (a repeat is harmless: the mark
 * is written only when it is new, and the plan finds the addresses already moved).
 */
async function handleEc2Event(event: unknown, deps: HandlerDeps<FailoverClients>): Promise<Ec2Outcome> {
  const msg = parseEc2Event(event);
  const { logger } = deps;
  logger.appendKeys({ instance: msg.instanceId, ec2Event: msg.signal.kind });
  try {
    logger.info('EC2 event received', { signal: msg.signal, time: msg.time, eventId: msg.eventId });
    const announced = endingAnnounced(msg);
    if ('ignore' in announced) return ignored(deps, msg.instanceId, announced.ignore);
    const aws = failoverAdaptersFor(deps.clients);
    const instance = (await aws.ec2.describeInstances([msg.instanceId])).get(msg.instanceId);
    const decision = decideEnding(deps.config, msg, announced.mark, instance);
    if (!decision.act) return ignored(deps, msg.instanceId, decision.reason);

    const { fleet, mark } = decision;
    logger.appendKeys({ fleet: fleet.name });
    logger.info('node ending', { reason: decision.reason, mark: formatEndingMark(mark), markWritten: decision.write && !deps.settings.dryRun });
    const [marked, report] = await Promise.all([
      writeMark(aws, msg.instanceId, decision.write && !deps.settings.dryRun ? formatEndingMark(mark) : undefined),
      failover(fleet, aws, logger, {
        instanceId: msg.instanceId,
        ending: mark,
        dryRun: deps.settings.dryRun,
        ...(deps.now ? { now: deps.now } : {}),
      }),
    ]);
    await emitFailover(deps, report, msg.time);
    const problems = [...(marked instanceof Error ? [`noting ${ENDING_TAG} on ${msg.instanceId}: ${marked.message}`] : []), ...report.failed];
    if (problems.length) {
      // Lambda retries the event; until the mark is written the schedule would not know of the end.
      throw new ReconcileError(`fleet ${fleet.name}: failover for the announced end of ${msg.instanceId} did not complete: ${problems.join('; ')}`, fleet.name);
    }
    return { status: 'handled', instance: msg.instanceId, reason: decision.reason.message, code: decision.reason.code, marked: marked === true, report };
  } finally {
    logger.removeKeys(['instance', 'ec2Event', 'fleet']);
  }
}

/** The failover's figures (lib/metrics/points.ts); a sink that fails never fails the failover. */
async function emitFailover(deps: HandlerDeps<FailoverClients>, report: FailoverReport, alarmTime: string | undefined): Promise<void> {
  if (!deps.metrics || report.ignored) return;
  try {
    await deps.metrics.emit(failoverPoints(report, { ...(alarmTime ? { alarmTime } : {}), now: deps.now?.() ?? new Date() }));
  } catch (err) {
    deps.logger.warn('could not write the failover metrics', { error: err as Error });
  }
}

function ignored(deps: HandlerDeps<FailoverClients>, instance: string, reason: { code: ReasonCode; message: string }): Ec2Outcome {
  deps.logger.info('EC2 event ignored', { reason });
  return { status: 'ignored', instance, reason: reason.message, code: reason.code };
}

/** Writes the mark (CreateTags), or nothing; an error is returned, not thrown, so the failover beside it still completes. */
async function writeMark(aws: FailoverAdapters, instanceId: string, value: string | undefined): Promise<boolean | Error> {
  if (value === undefined) return false;
  try {
    await aws.ec2.tagInstance(instanceId, { [ENDING_TAG]: value });
    return true;
  } catch (err) {
    return err instanceof Error ? err : new Error(String(err));
  }
}
