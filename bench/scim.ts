/** STUB: `npm run bench -- --scim`. `objects` is `--objects N` when given. */
export async function benchScim(objects?: number): Promise<void> {
  await Promise.resolve();
  throw new Error(`bench --scim is not built yet (objects: ${String(objects)})`);
}
