/**
 * Runs `fn` over `items`, at most `limit` at a time: independent AWS calls overlap (one round
 * trip for many) without sending more at once than a service's bucket refills.
 * The first failure rejects; the calls already started still finish.
 */
export async function inParallel<T>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<void>,
  /** Asked by each worker before it takes an item: true retires it (fewer in flight from then on). */
  retire: (worker: number) => boolean = () => false,
): Promise<void> {
  let next = 0;
  const worker = async (_: unknown, index: number) => {
    while (next < items.length && !retire(index)) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
