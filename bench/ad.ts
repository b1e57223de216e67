/** STUB: `npm run bench -- --ad`. `objects` is `--objects N` when given. */
export async function benchAd(objects?: number): Promise<void> {
  await Promise.resolve();
  throw new Error(`bench --ad is not built yet (objects: ${String(objects)})`);
}
