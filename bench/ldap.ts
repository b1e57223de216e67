/** STUB: `npm run bench -- --ldap`. `objects` is `--objects N` when given. */
export async function benchLdap(objects?: number): Promise<void> {
  await Promise.resolve();
  throw new Error(`bench --ldap is not built yet (objects: ${String(objects)})`);
}
