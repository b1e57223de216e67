import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startScimServer, type ScimServer } from '../../examples/scim-target/server.js';
import type { Runtime } from '../../src/cli/compose.js';
import { configRunner } from '../helpers/sandbox.js';

export const SCIM_TEST_TOKEN = 'scim-test-token-5f2c';

/**
 * A temp folder with an LDIF "AD", a real SCIM service (examples/scim-target, scimmy + SQLite) on
 * loopback and an idsync.yaml with the `ad-to-scim` preset. `cleanup()` stops the service and
 * removes the folder; call it from afterEach/afterAll so it runs when a test fails.
 */
export interface ScimSandbox {
  readonly dir: string;
  readonly configPath: string;
  readonly server: ScimServer;
  open(): Promise<Runtime>;
  cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }>;
  writeLdif(text: string): Promise<void>;
  /** Rewrites idsync.yaml with other SCIM connector settings (YAML lines, indented under the connector). */
  writeConfig(scimSettings?: string): Promise<void>;
  cleanup(): Promise<void>;
}

export async function createScimSandbox(ldif: string, scimSettings = ''): Promise<ScimSandbox> {
  const dir = await mkdtemp(join(tmpdir(), 'idsync-scim-'));
  const configPath = join(dir, 'idsync.yaml');
  const tokenFile = join(dir, 'scim-token');
  await writeFile(tokenFile, `${SCIM_TEST_TOKEN}\n`);
  await writeFile(join(dir, 'wrong-token'), 'not-the-token\n');
  await writeFile(join(dir, 'onprem.ldif'), ldif);
  const server = await startScimServer({
    port: 0,
    dbPath: join(dir, 'scim.db'),
    token: SCIM_TEST_TOKEN,
    readOnlyToken: 'read-only-token',
    oauthClient: { id: 'idsync', secret: 'client-secret' },
  });
  const writeConfig = (settings = scimSettings): Promise<void> =>
    writeFile(
      configPath,
      `store: { path: state/idsync.db }
connectors:
  - name: corp
    type: ldif
    path: onprem.ldif
    anchorAttribute: objectGUID
    parameters: { Domain.FQDN: contoso.com, Domain.Netbios: CONTOSO }
  - name: scim
    type: scim
    baseUrl: ${server.url}
${settings.includes('auth:') ? '' : `    auth: { bearerToken: "file:${tokenFile}" }\n`}${settings}
syncRules:
  preset: ad-to-scim
  presetConnectors: { onPremises: corp, cloud: scim }
`,
    );
  await writeConfig();

  return {
    dir,
    configPath,
    server,
    ...configRunner(dir, configPath),
    writeLdif: (text: string) => writeFile(join(dir, 'onprem.ldif'), text),
    writeConfig,
    async cleanup() {
      await server.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** GET below the service's base URL with the test token; the parsed body. */
export async function scimGet(server: ScimServer, path: string): Promise<Record<string, unknown>> {
  const response = await fetch(server.url + path, { headers: { Authorization: `Bearer ${SCIM_TEST_TOKEN}` } });
  return (await response.json()) as Record<string, unknown>;
}

/** Every resource of `/Users` or `/Groups` (small test sets: one page). */
export async function scimList(server: ScimServer, endpoint: '/Users' | '/Groups'): Promise<Record<string, unknown>[]> {
  const body = await scimGet(server, `${endpoint}?count=1000`);
  return (body.Resources ?? []) as Record<string, unknown>[];
}
