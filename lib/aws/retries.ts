/**
 * Counts the AWS calls that needed retries (throttling, mostly: the SDK retries throttled and
 * transient errors with back-off), for the run's RetriedCalls metric (lib/metrics/points.ts).
 * One counter per process: the metric is the difference over one run.
 */

let retried = 0;

/** Retries made so far by every client that carries `countRetries`. */
export const retriedCalls = (): number => retried;

interface WithMetadata {
  $metadata?: { attempts?: number };
}

/** Adds the counting middleware to a client (what it sends is unchanged). */
export function countRetries<C extends { middlewareStack: { add: (mw: never, opts: { step: 'initialize'; name: string }) => void } }>(client: C): C {
  const middleware = (next: (args: unknown) => Promise<{ output: WithMetadata }>) => async (args: unknown) => {
    try {
      const result = await next(args);
      retried += Math.max(0, (result.output?.$metadata?.attempts ?? 1) - 1);
      return result;
    } catch (err) {
      retried += Math.max(0, ((err as WithMetadata).$metadata?.attempts ?? 1) - 1);
      throw err;
    }
  };
  client.middlewareStack.add(middleware as never, { step: 'initialize', name: 'hfcCountRetries' });
  return client;
}
