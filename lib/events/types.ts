/** What the handlers understand of an event, once parsed and validated. */

export type Transition = 'launching' | 'terminating';

/** One Auto Scaling lifecycle action notification, from SNS or EventBridge. */
export interface LifecycleMessage {
  kind: 'lifecycle';
  groupName: string;
  instanceId: string;
  transition: Transition;
  hookName: string;
  token: string;
  /** EC2 | AutoScalingGroup | WarmPool: a warm-pool move needs no DNS work. */
  origin: string;
  destination: string;
  /** The hook's NotificationMetadata, parsed when it is JSON. */
  metadata?: unknown;
  requestId?: string;
  time?: string;
  /** Where it came from, for logs: `sns` or `eventbridge`. */
  via: 'sns' | 'eventbridge';
}

/**
 * A lifecycle message as the reconcile folds it into what it observed. The token is kept only
 * when the describe agreed with the event; an event that had to be confirmed was confirmed by its
 * instance, so its action is completed by instance id, never by a token nobody checked.
 */
export type LifecycleHint = Omit<LifecycleMessage, 'token'> & { token?: string };

/** Sent once when a hook's notification target is set; acknowledged and ignored. */
export interface TestMessage {
  kind: 'test';
  groupName: string;
  requestId?: string;
  via: 'sns';
}

export type LifecycleEventMessage = LifecycleMessage | TestMessage;

export const TRANSITIONS: Record<string, Transition> = {
  'autoscaling:EC2_INSTANCE_LAUNCHING': 'launching',
  'autoscaling:EC2_INSTANCE_TERMINATING': 'terminating',
};
