/**
 * Parses what the alarm function receives: a CloudWatch alarm state change delivered by SNS
 * (the alarm's action; Message is JSON), by EventBridge ("CloudWatch Alarm State Change"), or
 * by the alarm itself through a Lambda alarm action (no hop in between: the fastest path;
 * docs/aws-facts.md, CloudWatch).
 * The state in the event is only a hint: the handler re-reads every alarm before acting, so a
 * stale or reordered notification cannot move an address the wrong way.
 */
import { EventBridgeSchema } from '@aws-lambda-powertools/parser/schemas/eventbridge';
import { z } from 'zod';
import { parseEnvelope } from './envelope';
import { check } from './validate';

const state = z.enum(['OK', 'ALARM', 'INSUFFICIENT_DATA']);

const snsAlarmBody = z.object({
  AlarmName: z.string().min(1),
  NewStateValue: state,
  OldStateValue: state.optional(),
  StateChangeTime: z.string().optional(),
  AlarmArn: z.string().optional(),
  Trigger: z
    .object({
      Dimensions: z.array(z.object({ name: z.string(), value: z.string() })).optional(),
      MetricName: z.string().optional(),
      Namespace: z.string().optional(),
    })
    .optional(),
});

/** The alarm's state change as CloudWatch describes it: EventBridge's `detail`, the Lambda action's `alarmData`. */
const alarmStateChange = z.object({
  alarmName: z.string().min(1),
  state: z.object({ value: state, timestamp: z.string().optional() }),
  previousState: z.object({ value: state }).optional(),
  configuration: z
    .object({
      metrics: z
        .array(z.object({ metricStat: z.object({ metric: z.object({ dimensions: z.record(z.string(), z.string()).optional() }) }).optional() }))
        .optional(),
    })
    .optional(),
});

const eventBridgeAlarm = EventBridgeSchema.extend({
  'source': z.literal('aws.cloudwatch'),
  'detail-type': z.literal('CloudWatch Alarm State Change'),
  'detail': alarmStateChange,
});

/** CloudWatch's Lambda alarm action: the alarm invokes the function directly. */
const lambdaAlarmAction = z.object({
  source: z.literal('aws.cloudwatch'),
  alarmArn: z.string().min(1),
  accountId: z.string().optional(),
  time: z.string().optional(),
  region: z.string().optional(),
  alarmData: alarmStateChange,
});

type MetricsConfig = { metrics?: { metricStat?: { metric: { dimensions?: Record<string, string> | undefined } } | undefined }[] | undefined } | undefined;
const instanceOfMetrics = (c: MetricsConfig) => c?.metrics?.map((m) => m.metricStat?.metric.dimensions?.InstanceId).find((v) => !!v);

/** One alarm state change. */
export interface AlarmMessage {
  alarmName: string;
  alarmArn?: string;
  newState: 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';
  oldState?: 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';
  time?: string;
  /** The InstanceId dimension of the alarm's metric, when it has one. */
  instanceId?: string;
  via: 'sns' | 'eventbridge' | 'lambda-action';
}

function parseSnsMessage(body: unknown, where: string): AlarmMessage {
  const b = check(snsAlarmBody, body, where);
  const instanceId = b.Trigger?.Dimensions?.find((d) => d.name === 'InstanceId')?.value;
  return {
    alarmName: b.AlarmName,
    newState: b.NewStateValue,
    via: 'sns',
    ...(b.AlarmArn ? { alarmArn: b.AlarmArn } : {}),
    ...(b.OldStateValue ? { oldState: b.OldStateValue } : {}),
    ...(b.StateChangeTime ? { time: b.StateChangeTime } : {}),
    ...(instanceId ? { instanceId } : {}),
  };
}

/**
 * Parses an alarm state change from SNS or EventBridge.
 * @throws EventParseError when the event is neither
 */
export function parseAlarmEvent(event: unknown): AlarmMessage[] {
  if (event && typeof event === 'object' && 'alarmData' in event) {
    const e = check(lambdaAlarmAction, event, '');
    const instanceId = instanceOfMetrics(e.alarmData.configuration);
    return [
      {
        alarmName: e.alarmData.alarmName,
        alarmArn: e.alarmArn,
        newState: e.alarmData.state.value,
        via: 'lambda-action',
        ...(e.alarmData.previousState ? { oldState: e.alarmData.previousState.value } : {}),
        ...(e.alarmData.state.timestamp ? { time: e.alarmData.state.timestamp } : {}),
        ...(instanceId ? { instanceId } : {}),
      },
    ];
  }
  return parseEnvelope(event, {
    sns: parseSnsMessage,
    eventBridge: {
      schema: eventBridgeAlarm,
      read: (e) => {
        const instanceId = instanceOfMetrics(e.detail.configuration);
        return {
          alarmName: e.detail.alarmName,
          newState: e.detail.state.value,
          via: 'eventbridge' as const,
          ...(e.resources[0] ? { alarmArn: e.resources[0] } : {}),
          ...(e.detail.previousState ? { oldState: e.detail.previousState.value } : {}),
          ...(e.detail.state.timestamp ? { time: e.detail.state.timestamp } : {}),
          ...(instanceId ? { instanceId } : {}),
        };
      },
    },
    expected: 'an EventBridge "CloudWatch Alarm State Change", nor a CloudWatch Lambda alarm action (alarmData)',
  });
}
