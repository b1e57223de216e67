import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, openSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Attribute, Change, Client } from 'ldapts';

/**
 * A throwaway Samba AD DC on loopback for tests and benchmarks (see /work/shared/reference/infra.md §2).
 * Samba's LDAP ports are fixed (389, 636): one DC per machine, so every Samba test runs in one file.
 */
export interface SambaAd {
  readonly dir: string;
  readonly baseDn: string;
  readonly realm: string;
  readonly netbios: string;
  /** Bind name of the domain administrator (UPN form). */
  readonly adminUser: string;
  readonly adminPassword: string;
  readonly ldapUrl: string;
  readonly ldapsUrl: string;
  /** The CA certificate Samba generated at first start (private/tls/ca.pem). */
  readonly caFile: string;
  /** The host name in the DC's generated certificate (its CN; the certificate has no SAN). */
  readonly certificateHost: string;
  readonly pid: number | undefined;
  /** A new client bound as the administrator over ldap:// (simple bind allowed by the smb.conf fix). */
  adminClient(): Promise<Client>;
  /** Stops the DC (SIGTERM, then SIGKILL after 5 s; or SIGKILL at once) and waits until it is gone. */
  stop(signal?: 'SIGTERM' | 'SIGKILL'): Promise<void>;
  /** Starts the DC again from the same provisioned directory. */
  start(): Promise<void>;
  /** Stops the DC and removes its directory. */
  destroy(): Promise<void>;
}

export const SAMBA_ADMIN_PASSWORD = 'Passw0rd!Passw0rd';
const REALM = 'SAMDOM.EXAMPLE.COM';
const BASE_DN = 'DC=samdom,DC=example,DC=com';

function requireBinary(name: string): void {
  const found = spawnSync('sh', ['-c', `command -v ${name} || test -x /usr/sbin/${name}`], { encoding: 'utf8' });
  if (found.status !== 0) {
    throw new Error(
      `"${name}" is not installed: the Active Directory tests need a real Samba AD DC. ` +
        'Install it with `apt-get install -y samba` (Debian/Ubuntu).',
    );
  }
}

function isPortOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

async function waitFor(what: string, condition: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await condition()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

async function canBind(url: string, user: string, password: string): Promise<boolean> {
  const client = new Client({ url, connectTimeout: 1000, timeout: 2000 });
  try {
    await client.bind(user, password);
    return true;
  } catch {
    return false;
  } finally {
    await client.unbind().catch(() => undefined);
  }
}

function provision(dir: string): void {
  const result = spawnSync(
    'samba-tool',
    [
      'domain',
      'provision',
      '--server-role=dc',
      `--realm=${REALM}`,
      '--domain=SAMDOM',
      `--adminpass=${SAMBA_ADMIN_PASSWORD}`,
      '--dns-backend=NONE',
      '--backend-store=mdb',
      '--host-name=dc1',
      `--targetdir=${join(dir, 'ad')}`,
      '--option=interfaces=lo',
      '--option=bind interfaces only=yes',
    ],
    { encoding: 'utf8', timeout: 120_000 },
  );
  if (result.status !== 0) {
    throw new Error(
      `samba-tool domain provision failed (exit ${String(result.status)}): ${result.stderr.slice(-2000)}`,
    );
  }
}

/**
 * Only LDAP runs; simple binds work on 389 (provision's `--option` for it does not reach
 * smb.conf, infra.md §2); logs stay in the temporary directory.
 */
async function fixSmbConf(dir: string): Promise<string> {
  const path = join(dir, 'ad', 'etc', 'smb.conf');
  const text = await readFile(path, 'utf8');
  const fixed = text
    .replace(/^\tserver services = .*$/m, '\tserver services = ldap\n\tldap server require strong auth = no')
    .replace(/^\tlog file = .*$/m, `\tlog file = ${join(dir, 'ad', 'log.%m')}`);
  if (!fixed.includes('ldap server require strong auth = no')) {
    throw new Error(`unexpected smb.conf layout in ${path}: no "server services" line to fix`);
  }
  await writeFile(path, fixed);
  return path;
}

/**
 * Provisions a new domain in a temporary directory and starts `samba -i -M single` on it.
 * Fails with a clear message when Samba is missing or port 389 is taken.
 */
export async function startSambaAd(): Promise<SambaAd> {
  requireBinary('samba');
  requireBinary('samba-tool');
  if (process.getuid?.() !== 0) {
    throw new Error(
      'the Active Directory tests run a Samba AD DC, which listens on ports 389 and 636 only: run the tests as root',
    );
  }
  if (await isPortOpen(389)) {
    throw new Error(
      'port 389 on 127.0.0.1 is already in use (another Samba AD DC or LDAP server?). Samba cannot listen ' +
        'on another port, so stop that server first (Samba tests must run one at a time).',
    );
  }
  const dir = await mkdtemp(join(tmpdir(), 'idsync-samba-'));
  let child: ChildProcess | undefined;
  try {
    provision(dir);
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  const smbConf = await fixSmbConf(dir);
  const adminUser = `Administrator@${REALM.toLowerCase()}`;
  const ldapUrl = 'ldap://127.0.0.1:389';

  const start = async (): Promise<void> => {
    if (await isPortOpen(389)) throw new Error('port 389 on 127.0.0.1 is already in use; cannot start Samba');
    const log = openSync(join(dir, 'samba.log'), 'a');
    // stdin stays an open pipe: `samba -i` stops when its stdin closes, so a crashed test run
    // does not leave the DC behind.
    child = spawn('samba', ['-i', '-M', 'single', '-s', smbConf], { stdio: ['pipe', log, log] });
    closeSync(log);
    const started = child;
    let exited = false;
    started.once('exit', () => (exited = true));
    try {
      await waitFor(
        'Samba to accept binds on 389',
        async () => {
          if (exited) throw new Error(`samba exited at start; see ${join(dir, 'samba.log')}`);
          return canBind(ldapUrl, adminUser, SAMBA_ADMIN_PASSWORD);
        },
        30_000,
      );
    } catch (error) {
      await stop();
      throw error;
    }
  };

  const stop = async (signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM'): Promise<void> => {
    const running = child;
    child = undefined;
    if (!running || running.exitCode !== null || running.signalCode !== null) return;
    const gone = new Promise<void>((resolve) => running.once('exit', () => resolve()));
    running.kill(signal);
    const timer = setTimeout(() => running.kill('SIGKILL'), 5000);
    await gone;
    clearTimeout(timer);
    await waitFor('port 389 to close', async () => !(await isPortOpen(389)), 10_000);
  };

  await start();
  const caFile = join(dir, 'ad', 'private', 'tls', 'ca.pem');
  await waitFor('the generated TLS certificate', () => Promise.resolve(existsSync(caFile)), 10_000);
  return {
    dir,
    baseDn: BASE_DN,
    realm: REALM,
    netbios: 'SAMDOM',
    adminUser,
    adminPassword: SAMBA_ADMIN_PASSWORD,
    ldapUrl,
    ldapsUrl: 'ldaps://127.0.0.1:636',
    caFile,
    certificateHost: `DC1.${REALM.toLowerCase()}`,
    get pid() {
      return child?.pid;
    },
    async adminClient() {
      const client = new Client({ url: ldapUrl, timeout: 30_000 });
      await client.bind(adminUser, SAMBA_ADMIN_PASSWORD);
      return client;
    },
    stop,
    start,
    async destroy() {
      await stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Test data helpers over a bound client. */
export async function addOu(client: Client, dn: string): Promise<void> {
  await client.add(dn, { objectClass: ['top', 'organizationalUnit'] });
}

export interface SeedUser {
  readonly cn: string;
  readonly sAMAccountName: string;
  readonly attributes?: Readonly<Record<string, string | readonly string[]>>;
}

/** Adds a user; the DN is `CN=<cn escaped>,<parent>`. Returns the DN. */
export async function addUser(client: Client, parent: string, user: SeedUser): Promise<string> {
  const dn = `CN=${escapeRdnValue(user.cn)},${parent}`;
  const attributes: Record<string, string | string[]> = {
    objectClass: ['top', 'person', 'organizationalPerson', 'user'],
    sAMAccountName: user.sAMAccountName,
    userPrincipalName: `${user.sAMAccountName}@${REALM.toLowerCase()}`,
  };
  for (const [name, value] of Object.entries(user.attributes ?? {})) {
    attributes[name] = typeof value === 'string' ? value : [...value];
  }
  await client.add(dn, attributes);
  return dn;
}

/** Adds a global security group with the given member DNs. Returns the DN. */
export async function addGroup(
  client: Client,
  parent: string,
  cn: string,
  members: readonly string[],
): Promise<string> {
  const dn = `CN=${escapeRdnValue(cn)},${parent}`;
  await client.add(dn, {
    objectClass: ['top', 'group'],
    sAMAccountName: cn.replace(/[^A-Za-z0-9]/g, '').slice(0, 20),
    ...(members.length > 0 ? { member: [...members] } : {}),
  });
  return dn;
}

export async function modifyValues(
  client: Client,
  dn: string,
  operation: 'add' | 'delete' | 'replace',
  type: string,
  values: readonly string[],
): Promise<void> {
  await client.modify(dn, new Change({ operation, modification: new Attribute({ type, values: [...values] }) }));
}

/** RFC 4514 escaping of an attribute value inside an RDN. */
export function escapeRdnValue(value: string): string {
  return value
    .replace(/[\\,+"<>;=]/g, (c) => `\\${c}`)
    .replace(/^[ #]/, (c) => `\\${c}`)
    .replace(/ $/, '\\ ')
    .replace(/\0/g, '\\00');
}
