/**
 * Parses the EC2 events that announce a node's end before it happens (docs/aws-facts.md, EC2
 * events): a Spot interruption warning (two minutes ahead), a rebalance recommendation (elevated
 * risk), and an instance state change. EventBridge delivers them to the alarm function, which
 * moves the node's Elastic IPs away while the node still serves (lib/plan/health.ts decides).
 *
 * The envelope is Powertools' EventBridgeSchema (every field AWS always sends is required); the
 * detail is ours. Which states end a node is the planner's call (lib/plan/health.ts
 * `endingOf`), not the parser's: every documented state parses, an unknown one is an error.
 */
import { EventBridgeSchema } from '@aws-lambda-powertools/parser/schemas/eventbridge';
import { z } from 'zod';
import { EventParseError } from '../errors';
import { check } from './validate';

export const SPOT_INTERRUPTION = 'EC2 Spot Instance Interruption Warning';
export const REBALANCE_RECOMMENDATION = 'EC2 Instance Rebalance Recommendation';
export const STATE_CHANGE = 'EC2 Instance State-change Notification';

/** The instance states EC2 reports (EC2 user guide, "State change events"). */
export const INSTANCE_STATES = ['pending', 'running', 'stopping', 'stopped', 'shutting-down', 'terminated'] as const;
export type InstanceState = (typeof INSTANCE_STATES)[number];

const instanceId = z.string().regex(/^i-[0-9a-f]{8,17}$/, 'must be an instance id (i- and 8 or 17 hexadecimal digits)');

const ec2Event = <D extends z.ZodType>(detailType: string, detail: D) =>
  EventBridgeSchema.extend({ 'source': z.literal('aws.ec2'), 'detail-type': z.literal(detailType), 'detail': detail });

const spotInterruption = ec2Event(SPOT_INTERRUPTION, z.object({ 'instance-id': instanceId, 'instance-action': z.enum(['hibernate', 'stop', 'terminate']) }));
const rebalanceRecommendation = ec2Event(REBALANCE_RECOMMENDATION, z.object({ 'instance-id': instanceId }));
const stateChange = ec2Event(STATE_CHANGE, z.object({ 'instance-id': instanceId, 'state': z.enum(INSTANCE_STATES) }));

/** What EC2 said about the instance. */
export type Ec2Signal =
  | { kind: 'spot-interruption'; action: 'hibernate' | 'stop' | 'terminate' }
  | { kind: 'rebalance-recommendation' }
  | { kind: 'state-change'; state: InstanceState };

/** One EC2 event about one instance. */
export interface Ec2InstanceEvent {
  instanceId: string;
  signal: Ec2Signal;
  /** When EC2 emitted it (the event's `time`, ISO 8601): the time of the announcement. */
  time: string;
  /** EventBridge's event id, for logs (a duplicate delivery carries the same id). */
  eventId: string;
}

/** True for anything that claims to come from EC2 (`source: aws.ec2`): the alarm function's dispatch. */
export function isEc2Event(event: unknown): boolean {
  return !!event && typeof event === 'object' && (event as { source?: unknown }).source === 'aws.ec2';
}

/**
 * Parses an EventBridge event from EC2 about one instance.
 * @throws EventParseError naming the bad field (`detail-type` for an event type we do not take)
 */
export function parseEc2Event(event: unknown): Ec2InstanceEvent {
  const detailType = event && typeof event === 'object' ? (event as Record<string, unknown>)['detail-type'] : undefined;
  const base = (e: z.infer<typeof EventBridgeSchema>, instance: string, signal: Ec2Signal): Ec2InstanceEvent => ({
    instanceId: instance,
    signal,
    time: new Date(e.time).toISOString(),
    eventId: e.id,
  });
  switch (detailType) {
    case SPOT_INTERRUPTION: {
      const e = check(spotInterruption, event, '');
      return base(e, e.detail['instance-id'], { kind: 'spot-interruption', action: e.detail['instance-action'] });
    }
    case REBALANCE_RECOMMENDATION: {
      const e = check(rebalanceRecommendation, event, '');
      return base(e, e.detail['instance-id'], { kind: 'rebalance-recommendation' });
    }
    case STATE_CHANGE: {
      const e = check(stateChange, event, '');
      return base(e, e.detail['instance-id'], { kind: 'state-change', state: e.detail.state });
    }
    default:
      throw new EventParseError(
        `is ${JSON.stringify(detailType ?? null)}; the alarm function takes "${SPOT_INTERRUPTION}", "${REBALANCE_RECOMMENDATION}" and "${STATE_CHANGE}" from aws.ec2`,
        'detail-type',
      );
  }
}
