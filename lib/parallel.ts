/**
 * Runs `fn` over `items`, at most `limit` at a time: independent AWS calls overlap (one round
 * trip for many) without sending more at once than a service's bucket refills.
 * The first failure rejects; the calls already started still finish.
 */
export async function inParallel<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
