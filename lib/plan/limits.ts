/**
 * Route 53's quotas that cap a fleet (docs/aws-facts.md, Route 53): the configuration is checked
 * against them when it is loaded, and the DNS planner never plans past them, so a fleet that
 * outgrows them waits with a reason instead of failing whole batches with InvalidChangeBatch.
 */
export const ROUTE53_LIMITS = {
  /** Weighted records per name and type (not adjustable). */
  weightedRecordsPerName: 100,
  /** Health checks per account, by default (adjustable by request). */
  healthChecksPerAccount: 200,
} as const;
