/** Parses the scheduled reconcile's trigger: an EventBridge "Scheduled Event". */
import { check } from './validate';
import { scheduledEvent } from './schemas';

/** Validates a scheduled event; returns the rule that fired, for logs. */
export function parseScheduledEvent(event: unknown): { rule?: string; time?: string } {
  const e = check(scheduledEvent, event, '');
  return { ...(e.resources[0] ? { rule: e.resources[0] } : {}), time: e.time };
}
