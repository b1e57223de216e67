import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Runtime } from '../../src/cli/compose.js';
import { configRunner } from '../helpers/sandbox.js';
import { startGraphEmulator, type GraphEmulator } from './graph-emulator.js';
import { createThrowawayTls, type ThrowawayTls } from './tls.js';

export const TENANT_ID = '8d3f1c52-6a2e-4b6f-9a51-3c0e2f4d7b10';
export const CLIENT_ID = '5b2e9c41-0f7a-4d38-8e16-2a9d4c7f3e55';
export const CLIENT_SECRET = 'emulator-secret-Zq7!';
/** The default group anchor extension for CLIENT_ID. */
export const GROUP_ANCHOR = `extension_${CLIENT_ID.replace(/-/g, '')}_idsyncSourceAnchor`;

/**
 * The preset adjusted to what Graph lets an application write, as the README tells administrators
 * to do: Graph computes proxyAddresses, onPremisesSamAccountName and a group's mail (their flows
 * are removed), the connector does not write manager yet, and mailNickname is required by Graph
 * (Entra derives it from the UPN; the flow does the same when AD has none).
 */
export const GRAPH_OVERRIDES = `  presetOverrides:
    - { rule: "Out to AAD - User Join", target: mailNickname, expression: 'Coalesce([mailNickname],Item(Split([userPrincipalName],"@"),1))' }
    - { rule: "Out to AAD - Group Join", target: mailNickname, expression: 'Coalesce([mailNickname],[accountName])' }
    - { rule: "Out to AAD - User Join", target: proxyAddresses, remove: true }
    - { rule: "Out to AAD - User Join", target: onPremisesSamAccountName, remove: true }
    - { rule: "Out to AAD - User Join", target: manager, remove: true }
    - { rule: "Out to AAD - Group Join", target: proxyAddresses, remove: true }
    - { rule: "Out to AAD - Group Join", target: mail, remove: true }
`;

export interface EntraSandbox {
  readonly dir: string;
  readonly configPath: string;
  readonly emulator: GraphEmulator;
  open(): Promise<Runtime>;
  cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }>;
  writeLdif(text: string): Promise<void>;
  cleanup(): Promise<void>;
}

/** The entra connector's entry in idsync.yaml, pointed at the emulator. */
export function entraConnectorYaml(emulator: GraphEmulator, secretFile: string, certFile: string, extra = ''): string {
  return `  - name: cloud
    type: entra
    tenantId: ${TENANT_ID}
    clientId: ${CLIENT_ID}
    clientSecret: file:${secretFile}
    authority: ${emulator.url}
    graphUrl: ${emulator.url}
    caFile: ${certFile}
    maxRetries: 4
${extra}`;
}

/**
 * A temp folder with an idsync.yaml (LDIF on-premises connector + entra connector against a
 * fresh Graph emulator on 127.0.0.1, with the entra-connect preset), staging mode off.
 */
export async function createEntraSandbox(ldif: string, connectorExtra = ''): Promise<EntraSandbox> {
  const dir = await mkdtemp(join(tmpdir(), 'idsync-entra-'));
  let tls: ThrowawayTls | undefined;
  let emulator: GraphEmulator | undefined;
  try {
    tls = await createThrowawayTls();
    emulator = await startGraphEmulator({ tenantId: TENANT_ID, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, tls });
  } catch (error) {
    await tls?.cleanup();
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  const secretFile = join(dir, 'client-secret');
  const configPath = join(dir, 'idsync.yaml');

  const runningTls = tls;
  const runningEmulator = emulator;
  const sandbox: EntraSandbox = {
    dir,
    configPath,
    emulator,
    ...configRunner(dir, configPath),
    writeLdif: (text: string) => writeFile(join(dir, 'onprem.ldif'), text),
    async cleanup() {
      await runningEmulator.close();
      await runningTls.cleanup();
      await rm(dir, { recursive: true, force: true });
    },
  };
  try {
    await writeFiles(sandbox, ldif, secretFile, runningTls.certFile, connectorExtra);
    const runtime = await sandbox.open();
    try {
      await runtime.engine.setStagingMode(false);
    } finally {
      await runtime.close();
    }
  } catch (error) {
    await sandbox.cleanup();
    throw error;
  }
  return sandbox;
}

async function writeFiles(
  sandbox: EntraSandbox,
  ldif: string,
  secretFile: string,
  certFile: string,
  extra: string,
): Promise<void> {
  await writeFile(secretFile, `${CLIENT_SECRET}\n`, { mode: 0o600 });
  await writeFile(
    sandbox.configPath,
    `store: { path: state/idsync.db }
connectors:
  - name: corp
    type: ldif
    path: onprem.ldif
    anchorAttribute: objectGUID
    parameters: { Domain.FQDN: contoso.com, Domain.Netbios: CONTOSO }
${entraConnectorYaml(sandbox.emulator, secretFile, certFile, extra)}syncRules:
  preset: entra-connect
  presetConnectors: { onPremises: corp, cloud: cloud }
${GRAPH_OVERRIDES}`,
  );
  await writeFile(join(sandbox.dir, 'onprem.ldif'), ldif);
}
