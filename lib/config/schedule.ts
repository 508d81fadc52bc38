/**
 * The scheduled reconcile's period, from its EventBridge expression: the scheduled handler ends a
 * run before the next is due, and heartbeats (lib/plan/heartbeats.ts) leave two periods of room.
 */

/** The period of an EventBridge `rate(...)` expression, in ms; undefined for `cron(...)`. */
export function schedulePeriodMs(expression: string): number | undefined {
  const m = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/.exec(expression);
  if (!m) return undefined;
  const unit = m[2]!.startsWith('minute') ? 60_000 : m[2]!.startsWith('hour') ? 3_600_000 : 86_400_000;
  return Number(m[1]) * unit;
}

/**
 * How long before a launching hook times out its heartbeat is sent: two scheduled runs and a
 * run's own length (150 s with the default one-minute schedule).
 */
export function heartbeatHeadroomSeconds(scheduleExpression: string): number {
  const period = schedulePeriodMs(scheduleExpression);
  return period === undefined ? HEADROOM_SECONDS : Math.max(HEADROOM_SECONDS, (2 * period) / 1000 + 30);
}

/** The headroom with the default one-minute schedule (or an unknown, cron, one). */
export const HEADROOM_SECONDS = 150;
