/**
 * Wraps what the simulated Auto Scaling, CloudWatch and EC2 emit into the events Lambda receives:
 * an SNS event (Message is the JSON string) or an EventBridge event (the body becomes `detail`),
 * shaped like the samples in events/ and AWS's documented examples. Also the schedule's event.
 */
import type { MetricAlarm } from '@aws-sdk/client-cloudwatch';
import type { LifecycleNotification, TestNotification } from './autoscaling';
import type { SimAccount } from './account';
import { cwTime, type AlarmNotification, type AlarmStateDetail } from './cloudwatch';
import type { SimEc2Event } from './ec2';

let seq = 0;
const id = () => `00000000-0000-4000-8000-${String(++seq).padStart(12, '0')}`;

/** An SNS-to-Lambda event carrying one message, shaped like the samples in events/. */
function snsRecord(account: SimAccount, topic: string, subject: string, message: unknown, timestamp: string) {
  return {
    Records: [
      {
        EventSource: 'aws:sns',
        EventVersion: '1.0',
        EventSubscriptionArn: `${topic}:${id()}`,
        Sns: {
          Type: 'Notification',
          MessageId: id(),
          TopicArn: topic,
          Subject: subject,
          Message: JSON.stringify(message),
          Timestamp: timestamp,
          SignatureVersion: '1',
          Signature: 'SIMULATED',
          SigningCertUrl: `https://sns.${account.region}.amazonaws.com/SimpleNotificationService-simulated.pem`,
          UnsubscribeUrl: `https://sns.${account.region}.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=${topic}`,
          MessageAttributes: {},
        },
      },
    ],
  };
}

export function snsEvent(account: SimAccount, message: LifecycleNotification | TestNotification) {
  const topic = `arn:aws:sns:${account.region}:${account.accountId}:haproxy-fleet-control-dev-lifecycle`;
  const subject =
    'Event' in message
      ? `Auto Scaling: test notification for group "${message.AutoScalingGroupName}"`
      : `Auto Scaling:  Lifecycle action '${message.LifecycleTransition.endsWith('LAUNCHING') ? 'LAUNCHING' : 'TERMINATING'}' for instance ${message.EC2InstanceId} in progress.`;
  return snsRecord(account, topic, subject, message, message.Time);
}

/** EventBridge carries lifecycle actions only (no test notification); metadata may arrive as an object. */
export function eventBridgeEvent(account: SimAccount, message: LifecycleNotification, opts: { metadataAsObject?: boolean } = {}) {
  const { LifecycleActionToken, AutoScalingGroupName, LifecycleHookName, EC2InstanceId, LifecycleTransition, Origin, Destination } = message;
  let meta: unknown = message.NotificationMetadata;
  if (opts.metadataAsObject && typeof meta === 'string') meta = JSON.parse(meta);
  return {
    version: '0',
    id: id(),
    'detail-type': LifecycleTransition.endsWith('LAUNCHING') ? 'EC2 Instance-launch Lifecycle Action' : 'EC2 Instance-terminate Lifecycle Action',
    source: 'aws.autoscaling',
    account: account.accountId,
    time: message.Time.replace(/\.\d+Z$/, 'Z'),
    region: account.region,
    resources: [`arn:aws:autoscaling:${account.region}:${account.accountId}:autoScalingGroup:sim:autoScalingGroupName/${AutoScalingGroupName}`],
    detail: {
      LifecycleActionToken,
      AutoScalingGroupName,
      LifecycleHookName,
      EC2InstanceId,
      LifecycleTransition,
      Origin,
      Destination,
      ...(meta !== undefined ? { NotificationMetadata: meta } : {}),
    },
  };
}

export function scheduledEvent(account: SimAccount) {
  return {
    version: '0',
    id: id(),
    'detail-type': 'Scheduled Event',
    source: 'aws.events',
    account: account.accountId,
    time: account
      .now()
      .toISOString()
      .replace(/\.\d+Z$/, 'Z'),
    region: account.region,
    resources: [`arn:aws:events:${account.region}:${account.accountId}:rule/haproxy-fleet-control-dev-reconcile`],
    detail: {},
  };
}

/**
 * The SNS event Lambda receives when CloudWatch publishes an alarm's state change to a topic
 * (the alarm's action). `message` is the body from `cloudWatch.outbox`; the topic defaults to
 * the first SNS action of the new state (CloudWatch publishes to each of them).
 */
export function alarmSnsEvent(account: SimAccount, message: AlarmNotification, opts: { topicArn?: string } = {}) {
  const actions =
    message.NewStateValue === 'ALARM' ? message.AlarmActions : message.NewStateValue === 'OK' ? message.OKActions : message.InsufficientDataActions;
  const topic =
    opts.topicArn ?? actions.find((a) => a.startsWith('arn:aws:sns:')) ?? `arn:aws:sns:${account.region}:${account.accountId}:haproxy-fleet-control-dev-alarms`;
  // "ALARM: \"name\" in EU (Ireland)", cut to SNS's 100-character subject limit.
  const subject = `${message.NewStateValue}: "${message.AlarmName}" in ${message.Region}`.slice(0, 100);
  return snsRecord(account, topic, subject, message, message.StateChangeTime.replace('+0000', 'Z'));
}

/** A stable UUID-shaped id for an alarm's metric (AWS generates one per single-metric alarm). */
function metricId(arn: string): string {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193;
  for (let i = 0; i < arn.length; i++) {
    h1 = Math.imul(h1 ^ arn.charCodeAt(i), 16777619) >>> 0;
    h2 = Math.imul(h2 ^ arn.charCodeAt(arn.length - 1 - i), 2246822519) >>> 0;
  }
  const hex = (h1.toString(16).padStart(8, '0') + h2.toString(16).padStart(8, '0')).repeat(2);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

const stateDetail = (s: AlarmStateDetail) => ({
  reason: s.reason,
  ...(s.reasonData !== undefined ? { reasonData: s.reasonData } : {}),
  timestamp: cwTime(s.timestamp),
  value: s.value,
});

/**
 * The EventBridge "CloudWatch Alarm State Change" event of a single-metric alarm, shaped as the
 * AWS sample: `detail` {alarmName, configuration {description, metrics [{id, metricStat {metric
 * {dimensions, name, namespace}, period, stat}, returnData}]}, previousState, state}. EventBridge
 * gets every state change; `cloudWatch.takeStateChanges()` gives the arguments.
 */
export function alarmEventBridgeEvent(account: SimAccount, alarm: MetricAlarm, newState: AlarmStateDetail, oldState: AlarmStateDetail) {
  const arn = alarm.AlarmArn ?? `arn:aws:cloudwatch:${account.region}:${account.accountId}:alarm:${alarm.AlarmName}`;
  return {
    version: '0',
    id: id(),
    'detail-type': 'CloudWatch Alarm State Change',
    source: 'aws.cloudwatch',
    account: account.accountId,
    time: newState.timestamp.toISOString().replace(/\.\d+Z$/, 'Z'),
    region: account.region,
    resources: [arn],
    detail: {
      alarmName: alarm.AlarmName,
      configuration: {
        ...(alarm.AlarmDescription !== undefined ? { description: alarm.AlarmDescription } : {}),
        metrics: [
          {
            id: metricId(arn),
            metricStat: {
              metric: {
                dimensions: Object.fromEntries((alarm.Dimensions ?? []).map((d) => [d.Name, d.Value])),
                name: alarm.MetricName,
                namespace: alarm.Namespace,
              },
              period: alarm.Period,
              stat: alarm.Statistic ?? alarm.ExtendedStatistic,
            },
            returnData: true,
          },
        ],
      },
      previousState: stateDetail(oldState),
      state: stateDetail(newState),
    },
  };
}

/**
 * The event CloudWatch sends when the alarm's action is the function itself (Lambda alarm
 * action): no envelope, the alarm data at the top level (the CloudWatch guide, "Lambda alarm actions").
 */
export function alarmLambdaActionEvent(account: SimAccount, alarm: MetricAlarm, newState: AlarmStateDetail, oldState: AlarmStateDetail) {
  const bridge = alarmEventBridgeEvent(account, alarm, newState, oldState);
  return {
    source: 'aws.cloudwatch',
    alarmArn: bridge.resources[0],
    accountId: account.accountId,
    time: newState.timestamp.toISOString().replace('Z', '+0000'),
    region: account.region,
    alarmData: bridge.detail,
  };
}

const EC2_DETAIL_TYPES = {
  'state-change': 'EC2 Instance State-change Notification',
  'spot-interruption': 'EC2 Spot Instance Interruption Warning',
  'rebalance-recommendation': 'EC2 Instance Rebalance Recommendation',
} as const;

/**
 * The EventBridge event EC2 sends for an instance (source aws.ec2), shaped as the samples in
 * events/ (ec2-*.json) and the EC2 user guide's examples: `resources` holds the instance ARN,
 * `detail` {instance-id, state} for a state change, {instance-id, instance-action} for a Spot
 * interruption warning, {instance-id} for a rebalance recommendation. `e` comes from
 * `ec2.takeEvents()`.
 */
export function ec2Event(account: SimAccount, e: SimEc2Event) {
  const detail =
    e.kind === 'state-change'
      ? { 'instance-id': e.instanceId, 'state': e.state }
      : e.kind === 'spot-interruption'
        ? { 'instance-id': e.instanceId, 'instance-action': e.action }
        : { 'instance-id': e.instanceId };
  return {
    version: '0',
    id: id(),
    'detail-type': EC2_DETAIL_TYPES[e.kind],
    source: 'aws.ec2',
    account: account.accountId,
    time: e.time.toISOString().replace(/\.\d+Z$/, 'Z'),
    region: account.region,
    resources: [`arn:aws:ec2:${account.region}:${account.accountId}:instance/${e.instanceId}`],
    detail,
  };
}
