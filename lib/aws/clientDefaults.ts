/** Client settings shared by every function; no SDK import, so each function bundles only the clients it uses. */

/** Config every client accepts; the subset we set or let callers override. */
export interface ClientOverrides {
  region?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string };
  maxAttempts?: number;
  retryMode?: string;
  /** A smithy RetryStrategyV2; tests pass one without back-off delays. */
  retryStrategy?: unknown;
  /** Where to send calls; deployed functions leave it to the SDK (AWS, or AWS_ENDPOINT_URL). */
  endpoint?: string;
}

/**
 * Route 53's account-wide bucket refills at 10 requests/s and CreateHealthCheck at one per 2 s
 * (docs/aws-facts.md, Route 53: API throttling), so a burst of lifecycle events throttles easily. Adaptive mode adds
 * client-side rate limiting after the first `Throttling`, and 8 attempts ride out a busy minute
 * instead of failing the reconcile after the SDK's default 3.
 */
export const ROUTE53_DEFAULTS = { maxAttempts: 8, retryMode: 'adaptive' } as const;
export const DEFAULTS = { maxAttempts: 5 } as const;
