/**
 * Runs `work` over `source` with at most `limit` calls in flight and yields results as they finish
 * (not in input order). The source is pulled only when a slot is free, so a long stream is never
 * buffered. When a call throws, no new work starts; the calls in flight finish and their results
 * are yielded, then the error is rethrown.
 */
export async function* mapBounded<T, R>(
  source: AsyncIterable<T>,
  limit: number,
  work: (item: T) => Promise<R>,
): AsyncGenerator<R> {
  const iterator = source[Symbol.asyncIterator]();
  const inFlight = new Map<
    number,
    Promise<{ key: number; ok: true; value: R } | { key: number; ok: false; error: unknown }>
  >();
  let nextKey = 0;
  let isDone = false;
  let failure: { error: unknown } | null = null;
  const start = (item: T): void => {
    const key = nextKey++;
    inFlight.set(
      key,
      work(item).then(
        (value) => ({ key, ok: true as const, value }),
        (error: unknown) => ({ key, ok: false as const, error }),
      ),
    );
  };
  try {
    for (;;) {
      while (!isDone && failure === null && inFlight.size < limit) {
        const next = await iterator.next();
        if (next.done) isDone = true;
        else start(next.value);
      }
      if (inFlight.size === 0) break;
      const settled = await Promise.race(inFlight.values());
      inFlight.delete(settled.key);
      if (settled.ok) yield settled.value;
      else failure ??= { error: settled.error };
    }
  } finally {
    if (!isDone) await iterator.return?.();
  }
  if (failure !== null) throw failure.error;
}
