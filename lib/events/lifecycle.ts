/**
 * Parses what the lifecycle function receives: an SNS event whose Message is a lifecycle action
 * (or the hook's test notification), or an EventBridge lifecycle action event. Anything else is
 * an EventParseError naming the field, raised before any AWS call.
 */
import type { z } from 'zod';
import { check } from './validate';
import { parseEnvelope } from './envelope';
import { eventBridgeLifecycle, lifecycleBody, testNotification } from './schemas';
import { TRANSITIONS, type LifecycleEventMessage, type LifecycleMessage } from './types';

function parseMetadata(meta: unknown): unknown {
  if (typeof meta !== 'string') return meta;
  try {
    return JSON.parse(meta);
  } catch {
    return meta; // free-form text is allowed by Auto Scaling
  }
}

function toMessage(body: z.output<typeof lifecycleBody>, via: LifecycleMessage['via']): LifecycleMessage {
  const transition = TRANSITIONS[body.LifecycleTransition]!;
  return {
    kind: 'lifecycle',
    groupName: body.AutoScalingGroupName,
    instanceId: body.EC2InstanceId,
    transition,
    hookName: body.LifecycleHookName,
    token: body.LifecycleActionToken,
    origin: body.Origin ?? (transition === 'launching' ? 'EC2' : 'AutoScalingGroup'),
    destination: body.Destination ?? (transition === 'launching' ? 'AutoScalingGroup' : 'EC2'),
    ...(body.NotificationMetadata !== undefined ? { metadata: parseMetadata(body.NotificationMetadata) } : {}),
    ...(body.RequestId ? { requestId: body.RequestId } : {}),
    ...(body.Time ? { time: body.Time } : {}),
    via,
  };
}

function parseSnsMessage(body: unknown, where: string): LifecycleEventMessage {
  if (body && typeof body === 'object' && (body as { Event?: unknown }).Event === 'autoscaling:TEST_NOTIFICATION') {
    const t = check(testNotification, body, where);
    return { kind: 'test', groupName: t.AutoScalingGroupName, ...(t.RequestId ? { requestId: t.RequestId } : {}), via: 'sns' };
  }
  return toMessage(check(lifecycleBody, body, where), 'sns');
}

/**
 * Parses a lifecycle event delivered by SNS or EventBridge.
 * @returns one message per SNS record (EventBridge delivers one per event)
 * @throws EventParseError when the event is not one of the accepted shapes
 */
export function parseLifecycleEvent(event: unknown): LifecycleEventMessage[] {
  return parseEnvelope(event, {
    sns: parseSnsMessage,
    eventBridge: { schema: eventBridgeLifecycle, read: (eb) => toMessage(eb.detail, 'eventbridge') },
    expected: 'an EventBridge Auto Scaling lifecycle event (source aws.autoscaling)',
  });
}
