/**
 * Runs `fn` over `items`, at most `limit` at a time: independent AWS calls overlap (one round
 * trip for many) without sending more at once than a service's bucket refills.
 * After a failure no new item is started; the calls already started finish, and then the first
 * failure is thrown (nothing is left running behind the caller's back: a caller that plans
 * again after a conflict must not race its own earlier calls).
 */
export async function inParallel<T>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<void>,
  /** Asked by each worker before it takes an item: true retires it (fewer in flight from then on). */
  retire: (worker: number) => boolean = () => false,
): Promise<void> {
  let next = 0;
  let failed = false;
  const worker = async (_: unknown, index: number) => {
    while (!failed && next < items.length && !retire(index)) {
      try {
        await fn(items[next++]!);
      } catch (err) {
        failed = true;
        throw err;
      }
    }
  };
  const results = await Promise.allSettled(Array.from({ length: Math.min(limit, items.length) }, worker));
  const failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failure) throw failure.reason;
}
