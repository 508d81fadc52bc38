/** What the handlers understand of an event, once parsed and validated. */

export type Transition = 'launching' | 'terminating';

/** One Auto Scaling lifecycle action notification, from SNS or EventBridge. */
export interface LifecycleMessage {
  kind: 'lifecycle';
  groupName: string;
  instanceId: string;
  transition: Transition;
  hookName: string;
  /** Logged only: actions are completed by instance id (see LifecycleHint). */
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
 * What the reconcile folds in of a lifecycle message. Never its token: tokens are not secret
 * (every subscriber and every rule on the default bus sees them) and one event's token may name
 * another instance's action, so actions are always completed by instance id.
 */
export type LifecycleHint = Pick<LifecycleMessage, 'instanceId' | 'transition' | 'origin' | 'destination' | 'groupName' | 'hookName'> & {
  /**
   * How it came to be trusted: it agrees with the describe, Auto Scaling confirmed it, or (a dry
   * run, which asks nothing that changes an action) it is assumed confirmed for the plan only.
   */
  check: 'agrees' | 'confirmed' | 'assumed (dry run)';
};

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
