/**
 * Schemas of every event shape the handlers accept (docs/aws-facts.md, Auto Scaling lifecycle hooks).
 * The envelopes are Powertools' parser schemas (lib/events/envelope.ts); Powertools has no
 * lifecycle-action schema, so the bodies are ours, and EventBridgeSchema is extended with them.
 */
import { EventBridgeSchema } from '@aws-lambda-powertools/parser/schemas/eventbridge';
import { z } from 'zod';

const nonEmpty = z.string().min(1);

export const instanceId = z.string().regex(/^i-[0-9a-f]{8}(?:[0-9a-f]{9})?$/, 'must be an EC2 instance id such as i-0123456789abcdef0');

/** The lifecycle action body: the SNS Message (parsed JSON) or the EventBridge detail. */
export const lifecycleBody = z.object({
  LifecycleTransition: z.enum(['autoscaling:EC2_INSTANCE_LAUNCHING', 'autoscaling:EC2_INSTANCE_TERMINATING']),
  AutoScalingGroupName: nonEmpty,
  EC2InstanceId: instanceId,
  LifecycleHookName: nonEmpty,
  LifecycleActionToken: nonEmpty,
  // Both fields are present in every real message; a missing one means "a normal launch/terminate".
  Origin: z.enum(['EC2', 'AutoScalingGroup', 'WarmPool']).optional(),
  Destination: z.enum(['EC2', 'AutoScalingGroup', 'WarmPool']).optional(),
  // Seen as a string (SNS, some EventBridge) and as an object (other EventBridge): accept both.
  NotificationMetadata: z.union([z.string(), z.record(z.string(), z.unknown())]).optional(),
  RequestId: z.string().optional(),
  Time: z.string().optional(),
  AccountId: z.string().optional(),
  Service: z.string().optional(),
});

export const testNotification = z.object({
  Event: z.literal('autoscaling:TEST_NOTIFICATION'),
  AutoScalingGroupName: nonEmpty,
  RequestId: z.string().optional(),
});

export const LIFECYCLE_DETAIL_TYPES = ['EC2 Instance-launch Lifecycle Action', 'EC2 Instance-terminate Lifecycle Action'] as const;

/** The detail-type EventBridge gives each transition: an event whose two disagree is not Auto Scaling's. */
const DETAIL_TYPE_OF = {
  'autoscaling:EC2_INSTANCE_LAUNCHING': 'EC2 Instance-launch Lifecycle Action',
  'autoscaling:EC2_INSTANCE_TERMINATING': 'EC2 Instance-terminate Lifecycle Action',
} as const;

export const eventBridgeLifecycle = EventBridgeSchema.extend({
  source: z.literal('aws.autoscaling'),
  'detail-type': z.enum(LIFECYCLE_DETAIL_TYPES),
  detail: lifecycleBody,
}).superRefine((e, ctx) => {
  const want = DETAIL_TYPE_OF[e.detail.LifecycleTransition];
  if (e['detail-type'] !== want)
    ctx.addIssue({ code: 'custom', path: ['detail-type'], message: `must be "${want}" for LifecycleTransition ${e.detail.LifecycleTransition}` });
});

export const scheduledEvent = EventBridgeSchema.extend({
  source: z.literal('aws.events'),
  'detail-type': z.literal('Scheduled Event'),
});
