import type { Reason } from './plan/reasons';
/**
 * Named errors of the control plane. Each carries `cause` and says what is wrong and where, so an
 * operator reading one log line knows what to fix. Handlers map them to outcomes: bad input is
 * never retried into AWS, transient AWS failures surface so Lambda retries the event.
 */

/** Base class: every error we raise on purpose. */
export class FleetControlError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The fleet configuration file is invalid; raised at cold start, before any AWS call. */
export class ConfigError extends FleetControlError {
  constructor(
    message: string,
    /** One line per problem: `fleets[0].healthCheck.port: Too big: expected number to be <=65535`. */
    readonly problems: readonly string[] = [],
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** An incoming event is malformed; nothing in AWS has been changed. */
export class EventParseError extends FleetControlError {
  constructor(
    message: string,
    /** Where in the event the problem is, for example `Records[0].Sns.Message.EC2InstanceId`. */
    readonly path: string,
    options?: { cause?: unknown },
  ) {
    super(`${path}: ${message}`, options);
  }
}

/**
 * Another writer changed what we planned against (a concurrent reconcile, an operator): the plan
 * is stale. The reconciler observes and plans again instead of failing.
 */
export class ConflictError extends FleetControlError {}

/**
 * A lifecycle event contradicts what Auto Scaling shows and names no action it can confirm (a
 * delayed replay, or a forged message): it is ignored and nothing is changed. Not a failure of
 * the run: Lambda must not retry it.
 */
export class StaleEventError extends FleetControlError {
  constructor(
    message: string,
    readonly instanceId: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Reconciling a fleet failed; wraps the AWS error with the fleet and the step. */
export class ReconcileError extends FleetControlError {
  constructor(
    message: string,
    readonly fleet: string,
    options?: { cause?: unknown; report?: unknown },
  ) {
    super(message, options);
    if (options?.report !== undefined) this.report = options.report;
  }

  /** What the run did before it failed (its FleetReport), when it got that far. */
  readonly report?: unknown;
}

/**
 * A lifecycle event whose action is already over (lib/plan/late.ts): acknowledged, nothing
 * changed, and not a failure (Lambda must not retry it).
 */
export class LateEventError extends FleetControlError {
  constructor(
    readonly reason: Reason,
    readonly instanceId: string,
  ) {
    super(reason.message);
  }
}
