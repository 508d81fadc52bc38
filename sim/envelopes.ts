/**
 * Wraps what the simulated Auto Scaling emits into the events Lambda receives: an SNS event
 * (Message is the JSON string) or an EventBridge event (the body becomes `detail`), shaped like
 * the samples in events/. Also the schedule's event.
 */
import type { LifecycleNotification, TestNotification } from './autoscaling';
import type { SimAccount } from './account';

let seq = 0;
const id = () => `00000000-0000-4000-8000-${String(++seq).padStart(12, '0')}`;

export function snsEvent(account: SimAccount, message: LifecycleNotification | TestNotification) {
  const topic = `arn:aws:sns:${account.region}:${account.accountId}:haproxy-fleet-control-dev-lifecycle`;
  const subject =
    'Event' in message
      ? `Auto Scaling: test notification for group "${message.AutoScalingGroupName}"`
      : `Auto Scaling:  Lifecycle action '${message.LifecycleTransition.endsWith('LAUNCHING') ? 'LAUNCHING' : 'TERMINATING'}' for instance ${message.EC2InstanceId} in progress.`;
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
          Timestamp: message.Time,
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
      LifecycleActionToken, AutoScalingGroupName, LifecycleHookName, EC2InstanceId, LifecycleTransition, Origin, Destination,
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
    time: account.now().toISOString().replace(/\.\d+Z$/, 'Z'),
    region: account.region,
    resources: [`arn:aws:events:${account.region}:${account.accountId}:rule/haproxy-fleet-control-dev-reconcile`],
    detail: {},
  };
}
