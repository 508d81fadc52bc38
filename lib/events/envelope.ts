/**
 * The two ways an event reaches a function: SNS (one JSON message per record) or EventBridge
 * (the body in `detail`). The envelopes are Powertools' parser schemas (SnsSchema,
 * EventBridgeSchema: every field AWS always sends is required); the bodies are ours. Each parser
 * supplies how to read the body; the dispatch and its errors (an EventParseError naming the bad
 * field) are the same for every event type.
 */
import { SnsSchema } from '@aws-lambda-powertools/parser/schemas/sns';
import type { z } from 'zod';
import { EventParseError } from '../errors';
import { check } from './validate';

/** Parses SNS message text as JSON; a syntax error names the field. */
export function snsJson(text: string, where: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new EventParseError(`is not JSON (${(err as Error).message})`, where, { cause: err });
  }
}

export function parseEnvelope<T, E>(
  event: unknown,
  how: {
    /** Parses one SNS message (already JSON-decoded); `where` names it in errors. */
    sns: (body: unknown, where: string) => T;
    /** Powertools' EventBridgeSchema extended with our source, detail-type and detail. */
    eventBridge: { schema: z.ZodType<E>; read: (event: E) => T };
    /** What the event should have been, for the error: `an Auto Scaling lifecycle event`. */
    expected: string;
  },
): T[] {
  if (event && typeof event === 'object' && 'Records' in event) {
    const sns = check(SnsSchema, event, '');
    return sns.Records.map((r, i) => {
      const where = `Records[${i}].Sns.Message`;
      return how.sns(snsJson(r.Sns.Message, where), where);
    });
  }
  if (event && typeof event === 'object' && 'detail-type' in event) {
    return [how.eventBridge.read(check(how.eventBridge.schema, event, ''))];
  }
  throw new EventParseError(`is neither an SNS event (Records[].Sns) nor ${how.expected}`, '(event)');
}
