import { mkdtemp, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import type { CliIo } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';
import { openRuntime, type Runtime } from '../../src/cli/compose.js';

export interface Sandbox {
  readonly dir: string;
  readonly configPath: string;
  readonly onprem: string;
  readonly cloud: string;
  open(): Promise<Runtime>;
  /** Runs the CLI in-process; returns exit code and output. */
  cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }>;
  writeLdif(text: string): Promise<void>;
  readCloud(): Promise<string>;
  cleanup(): Promise<void>;
}

export const BASE_CONFIG = `
connectors:
  - name: corp
    type: ldif
    path: onprem.ldif
    anchorAttribute: objectGUID
    parameters: { Domain.FQDN: contoso.com, Domain.Netbios: CONTOSO }
  - name: cloud
    type: csv
    path: cloud.csv
    anchorAttribute: objectId
    generateAnchorOnAdd: true
    objectTypeColumn: objectType
syncRules:
  preset: entra-connect
  presetConnectors: { onPremises: corp, cloud: cloud }
`;

/** Opens the runtime of, and runs the CLI in-process on, one config file in a test folder. */
export interface ConfigRunner {
  open(): Promise<Runtime>;
  /** Runs the CLI in-process with `--config`; returns exit code and output. */
  cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }>;
}

/** The runtime and CLI of every sandbox (file, SCIM, Graph emulator): a short lock wait, output captured. */
export function configRunner(dir: string, configPath: string): ConfigRunner {
  const io = (): CliIo & { out: string[]; err: string[] } => {
    const out: string[] = [];
    const err: string[] = [];
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    stdout.on('data', (d: Buffer) => out.push(d.toString()));
    stderr.on('data', (d: Buffer) => err.push(d.toString()));
    return { stdout, stderr, env: { IDSYNC_LOCK_WAIT_MS: '200' }, cwd: dir, out, err };
  };
  return {
    open: () => openRuntime(io(), configPath, true, 'test'),
    async cli(...args: string[]) {
      const stream = io();
      const code = await main([...args, '--config', configPath], stream);
      await new Promise((r) => setImmediate(r));
      return { code, stdout: stream.out.join(''), stderr: stream.err.join('') };
    },
  };
}

export async function createSandbox(ldif: string, extraConfig = ''): Promise<Sandbox> {
  const dir = await mkdtemp(join(tmpdir(), 'idsync-test-'));
  const configPath = join(dir, 'idsync.yaml');
  const onprem = join(dir, 'onprem.ldif');
  const cloud = join(dir, 'cloud.csv');
  await mkdir(dir, { recursive: true });
  await writeFile(configPath, `store: { path: state/idsync.db }\n${BASE_CONFIG}${extraConfig}`);
  await writeFile(onprem, ldif);
  await writeFile(cloud, 'dn,objectType,objectId\n');
  const runner = configRunner(dir, configPath);
  return {
    dir,
    configPath,
    onprem,
    cloud,
    ...runner,
    writeLdif: (text: string) => writeFile(onprem, text),
    readCloud: () => readFile(cloud, 'utf8'),
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}

/** Base64 of a 16-byte GUID built from a small number, for readable fixtures. */
export function guid(n: number): string {
  const bytes = Buffer.alloc(16);
  bytes.writeUInt32LE(n, 0);
  bytes.writeUInt32LE(0xabcdef01, 12);
  return bytes.toString('base64');
}

export interface UserSpec {
  readonly n: number;
  readonly cn: string;
  readonly extra?: string;
  readonly uac?: number;
  readonly ou?: string;
}

export function userLdif(u: UserSpec): string {
  return [
    `dn: CN=${u.cn},${u.ou ?? 'OU=Users'},DC=contoso,DC=com`,
    'objectClass: top',
    'objectClass: person',
    'objectClass: organizationalPerson',
    'objectClass: user',
    `cn: ${u.cn}`,
    `sAMAccountName: user${u.n}`,
    `userPrincipalName: user${u.n}@contoso.com`,
    `mail: user${u.n}@contoso.com`,
    `displayName: ${u.cn}`,
    `givenName: Given${u.n}`,
    `sn: Surname${u.n}`,
    `userAccountControl: ${u.uac ?? 512}`,
    `objectGUID:: ${guid(u.n)}`,
    ...(u.extra ? [u.extra] : []),
    '',
    '',
  ].join('\n');
}

export function groupLdif(n: number, cn: string, members: readonly string[]): string {
  return [
    `dn: CN=${cn},OU=Groups,DC=contoso,DC=com`,
    'objectClass: top',
    'objectClass: group',
    `cn: ${cn}`,
    `sAMAccountName: ${cn.replace(/\s/g, '')}`,
    `displayName: ${cn}`,
    'groupType: -2147483646',
    `objectGUID:: ${guid(1000 + n)}`,
    ...members.map((m) => `member: ${m}`),
    '',
    '',
  ].join('\n');
}

export function userDn(cn: string, ou = 'OU=Users'): string {
  return `CN=${cn},${ou},DC=contoso,DC=com`;
}
