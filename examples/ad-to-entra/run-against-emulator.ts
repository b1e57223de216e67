/**
 * Runs the ad-to-entra example end to end against the local Graph emulator (no tenant is needed):
 *
 *   npx tsx examples/ad-to-entra/run-against-emulator.ts
 *
 * It starts the emulator on 127.0.0.1 with a throwaway certificate, copies this folder to
 * ./data/ad-to-entra/ with the cloud connector pointed at the emulator, seeds one cloud-only user
 * (to show soft match), runs an initial sync cycle, changes a group on-premises, runs a delta
 * cycle, prints what the emulated tenant holds, and stops the emulator. Each run starts afresh:
 * the emulator keeps its tenant in memory only.
 */
import { copyFile, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseDocument } from 'yaml';
import { main } from '../../src/cli/main.js';
import { startGraphEmulator } from '../../test/graph-emulator/graph-emulator.js';
import { createThrowawayTls } from '../../test/graph-emulator/tls.js';

const TENANT_ID = '3f6c2a1e-8b4d-4c7e-9f10-5a2b6d8e4c31';
const CLIENT_ID = '9a1b7c3d-2e4f-4a6b-8c0d-1e2f3a4b5c6d';
const CLIENT_SECRET = 'emulator-only-secret';

const here = dirname(fileURLToPath(import.meta.url));
/** Where the example runs; IDSYNC_EXAMPLE_DIR moves it (the test suite runs it in a temp folder). */
const target = resolve(process.env.IDSYNC_EXAMPLE_DIR ?? 'data/ad-to-entra');

async function idsync(...args: string[]): Promise<number> {
  process.stdout.write(
    `\n$ idsync ${args.join(' ')} --config ${relative(process.cwd(), join(target, 'idsync.yaml'))}\n`,
  );
  return main([...args, '--config', join(target, 'idsync.yaml')], {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    cwd: process.cwd(),
  });
}

const tls = await createThrowawayTls();
const emulator = await startGraphEmulator({
  tenantId: TENANT_ID,
  clientId: CLIENT_ID,
  clientSecret: CLIENT_SECRET,
  tls,
});
const codes: number[] = [];
try {
  await rm(target, { recursive: true, force: true });
  await mkdir(join(target, 'directory'), { recursive: true });
  await copyFile(join(here, 'directory/onprem.ldif'), join(target, 'directory/onprem.ldif'));
  await writeFile(join(target, 'client-secret'), CLIENT_SECRET, { mode: 0o600 });
  await writeFile(join(target, 'emulator-ca.pem'), tls.cert);
  const config = parseDocument(await readFile(join(here, 'idsync.yaml'), 'utf8'));
  const index = (config.toJS() as { connectors: { type: string }[] }).connectors.findIndex((c) => c.type === 'entra');
  for (const [key, value] of Object.entries({
    tenantId: TENANT_ID,
    clientId: CLIENT_ID,
    clientSecret: `file:${join(target, 'client-secret')}`,
    authority: emulator.url,
    graphUrl: emulator.url,
    caFile: 'emulator-ca.pem',
  })) {
    config.setIn(['connectors', index, key], value);
  }
  await writeFile(join(target, 'idsync.yaml'), config.toString());

  // A user created in the cloud before synchronization: soft match joins it by userPrincipalName.
  emulator.directory.seed('users', {
    userPrincipalName: 'dknuth@contoso.com',
    displayName: 'Don (cloud)',
    onPremisesImmutableId: null,
  });

  codes.push(await idsync('staging', 'disable'));
  codes.push(await idsync('cycle', '--policy', 'initial'));
  const ldifPath = join(target, 'directory/onprem.ldif');
  const ldif = await readFile(ldifPath, 'utf8');
  await writeFile(
    ldifPath,
    ldif.replace(
      'member: CN=Grace Hopper,OU=Users,OU=Contoso,DC=contoso,DC=com\n',
      'member: CN=Donald Knuth,OU=Users,OU=Contoso,DC=contoso,DC=com\n',
    ),
  );
  process.stdout.write('\n(on-premises: Grace Hopper leaves Pioneers, Donald Knuth joins)\n');
  codes.push(await idsync('cycle', '--policy', 'delta'));
  codes.push(await idsync('cycle', '--policy', 'delta'));

  const { directory } = emulator;
  const name = (id: string): string => String(directory.objects.users.get(id)?.userPrincipalName ?? id);
  process.stdout.write('\nThe emulated tenant now holds:\n');
  for (const user of directory.objects.users.values()) {
    process.stdout.write(
      `  user  ${String(user.userPrincipalName)}  onPremisesImmutableId=${String(user.onPremisesImmutableId)}\n`,
    );
  }
  for (const group of directory.objects.groups.values()) {
    const members = [...(directory.members.get(group.id as string) ?? [])].map(name).sort();
    process.stdout.write(`  group ${String(group.displayName)}  members: ${members.join(', ')}\n`);
  }
  const writes = emulator.requests.filter((r) => r.batch).length;
  process.stdout.write(`\n${emulator.requests.length} Graph requests, ${writes} of them $batch.\n`);
} finally {
  await emulator.close();
  await tls.cleanup();
}
process.exitCode = Math.max(0, ...codes);
