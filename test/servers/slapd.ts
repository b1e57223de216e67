import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, openSync, closeSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createConnection, createServer } from 'node:net';
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * A throwaway OpenLDAP slapd on 127.0.0.1 for tests and benchmarks: its own temp folder, slapd.conf
 * with mdb + syncprov + accesslog (dbnosync), a free port, optional seed LDIF loaded with slapadd,
 * optional TLS (a throwaway CA and server certificate made with openssl; ldaps:// and StartTLS).
 * Started in the foreground (`-d 0`) and stopped by PID.
 */
export interface SlapdOptions {
  /** Default `dc=example,dc=com`; must start with `dc=`. */
  readonly suffix?: string;
  /** LDIF text loaded with slapadd before the first start (the suffix entry is added for you). */
  readonly seedLdif?: string;
  /** An LDIF file loaded with slapadd before the first start. */
  readonly seedFile?: string;
  readonly tls?: boolean;
  /** slapo-accesslog `logpurge` (age and interval, `[ddd+]hh:mm[:ss]`). Default: 07+00:00 01+00:00. */
  readonly logpurge?: string;
}

export interface Slapd {
  readonly dir: string;
  readonly suffix: string;
  readonly rootDn: string;
  readonly rootPassword: string;
  readonly url: string;
  /** Set when started with `tls`. */
  readonly ldapsUrl: string | undefined;
  /** PEM of the throwaway CA, when started with `tls`. */
  readonly caFile: string | undefined;
  readonly pid: number | undefined;
  /** Starts again (same data, same ports) after `stop`. */
  start(): Promise<void>;
  /** Stops by PID (SIGTERM, then SIGKILL after 5 s); harmless when already stopped. */
  stop(): Promise<void>;
  /** Stops and removes the temp folder. */
  destroy(): Promise<void>;
  /** Runs `ldapmodify` as the root DN (add/modify/delete/modrdn records). */
  modify(ldif: string): Promise<void>;
  /** Runs `ldapsearch -LLL` as the root DN; returns its LDIF output. */
  search(base: string, filter: string, ...attributes: string[]): Promise<string>;
}

const SLAPD = '/usr/sbin/slapd';
const SLAPADD = '/usr/sbin/slapadd';
/**
 * Each slapd gets its own root password. Test files run in parallel, each with its own slapd on a
 * port that was free a moment before: a client that reached another file's server by a reused port
 * would fail to bind instead of reading or writing someone else's directory.
 */
function newRootPassword(): string {
  return `secret-${randomUUID()}`;
}

/** Fails with the install command when the OpenLDAP binaries are missing (never a silent skip). */
export function requireSlapd(): void {
  for (const binary of [SLAPD, SLAPADD, '/usr/bin/ldapsearch', '/usr/bin/ldapmodify', '/usr/bin/ldapwhoami']) {
    if (!existsSync(binary)) {
      throw new Error(`${binary} not found: install OpenLDAP with "apt-get install -y slapd ldap-utils"`);
    }
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function run(command: string, args: readonly string[], input?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code === 0) resolve(Buffer.concat(out).toString('utf8'));
      else reject(new Error(`${command} exited ${code}: ${Buffer.concat(err).toString('utf8').trim()}`));
    });
    child.stdin.end(input ?? '');
  });
}

async function makeCertificates(dir: string): Promise<{ ca: string; cert: string; key: string }> {
  const ca = join(dir, 'ca.pem');
  const caKey = join(dir, 'ca.key');
  const key = join(dir, 'server.key');
  const csr = join(dir, 'server.csr');
  const cert = join(dir, 'server.pem');
  const ext = join(dir, 'server.ext');
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
  await run('openssl', [
    'req',
    '-x509',
    ...ec,
    '-keyout',
    caKey,
    '-out',
    ca,
    '-days',
    '2',
    '-subj',
    '/CN=idsync test CA',
  ]);
  await run('openssl', ['req', ...ec, '-keyout', key, '-out', csr, '-subj', '/CN=localhost']);
  await writeFile(
    ext,
    'subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n',
  );
  await run('openssl', [
    'x509',
    '-req',
    '-in',
    csr,
    '-CA',
    ca,
    '-CAkey',
    caKey,
    '-CAcreateserial',
    '-out',
    cert,
    '-days',
    '2',
    '-extfile',
    ext,
  ]);
  return { ca, cert, key };
}

function slapdConf(
  dir: string,
  suffix: string,
  rootDn: string,
  rootPassword: string,
  logpurge: string,
  tls: string,
): string {
  return `include /etc/ldap/schema/core.schema
include /etc/ldap/schema/cosine.schema
include /etc/ldap/schema/nis.schema
include /etc/ldap/schema/inetorgperson.schema
modulepath /usr/lib/ldap
moduleload back_mdb
moduleload syncprov
moduleload accesslog
pidfile ${dir}/slapd.pid
sizelimit unlimited
${tls}
database mdb
suffix "cn=accesslog"
rootdn "cn=admin,cn=accesslog"
rootpw ${rootPassword}
directory ${dir}/accesslog
maxsize 1073741824
dbnosync
index default eq
index entryCSN,objectClass,reqEnd,reqResult,reqStart,reqDN eq
overlay syncprov
syncprov-nopresent TRUE
syncprov-reloadhint TRUE
database mdb
suffix "${suffix}"
rootdn "${rootDn}"
rootpw ${rootPassword}
directory ${dir}/data
maxsize 8589934592
dbnosync
index objectClass eq
index uid,cn,mail eq
index entryCSN,entryUUID eq
overlay syncprov
syncprov-checkpoint 100 10
syncprov-sessionlog 10000
overlay accesslog
logdb cn=accesslog
logops writes
logsuccess TRUE
logpurge ${logpurge}
`;
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Starts a fresh slapd (see the module comment). Call `destroy()` in afterAll. */
export async function startSlapd(options: SlapdOptions = {}): Promise<Slapd> {
  requireSlapd();
  const suffix = options.suffix ?? 'dc=example,dc=com';
  const firstDc = /^dc=([^,]+)/i.exec(suffix)?.[1];
  if (firstDc === undefined) throw new Error(`suffix ${suffix} must start with dc=`);
  const rootDn = `cn=admin,${suffix}`;
  const dir = await mkdtemp(join(tmpdir(), 'idsync-slapd-'));
  await mkdir(join(dir, 'data'));
  await mkdir(join(dir, 'accesslog'));
  let tlsConf = '';
  let caFile: string | undefined;
  if (options.tls) {
    const files = await makeCertificates(dir);
    caFile = files.ca;
    tlsConf = `TLSCACertificateFile ${files.ca}\nTLSCertificateFile ${files.cert}\nTLSCertificateKeyFile ${files.key}`;
  }
  const conf = join(dir, 'slapd.conf');
  const rootPassword = newRootPassword();
  await writeFile(conf, slapdConf(dir, suffix, rootDn, rootPassword, options.logpurge ?? '07+00:00 01+00:00', tlsConf));
  const base = `dn: ${suffix}\nobjectClass: dcObject\nobjectClass: organization\no: ${firstDc}\ndc: ${firstDc}\n\n`;
  const seed = join(dir, 'seed.ldif');
  await writeFile(seed, base + (options.seedLdif ?? ''));
  await run(SLAPADD, ['-q', '-w', '-f', conf, '-b', suffix, '-l', seed]);
  if (options.seedFile) await run(SLAPADD, ['-q', '-w', '-f', conf, '-b', suffix, '-l', options.seedFile]);

  let port = 0;
  let tlsPort: number | undefined;
  let url = '';
  let ldapsUrl: string | undefined;
  let listen = '';
  async function choosePorts(): Promise<void> {
    port = await freePort();
    tlsPort = options.tls ? await freePort() : undefined;
    url = `ldap://127.0.0.1:${port}`;
    ldapsUrl = tlsPort !== undefined ? `ldaps://127.0.0.1:${tlsPort}` : undefined;
    listen = ldapsUrl ? `${url}/ ${ldapsUrl}/` : `${url}/`;
  }
  let child: ChildProcess | undefined;

  async function isOurs(): Promise<boolean> {
    try {
      await run('/usr/bin/ldapwhoami', ['-x', '-H', url, '-D', rootDn, '-w', rootPassword]);
      return true;
    } catch {
      return false;
    }
  }

  async function start(): Promise<void> {
    if (child) return;
    const log = openSync(join(dir, 'slapd.log'), 'a');
    const started = spawn(SLAPD, ['-d', '0', '-f', conf, '-h', listen], { stdio: ['ignore', log, log] });
    closeSync(log);
    child = started;
    let exited = false;
    started.once('exit', () => {
      exited = true;
      if (child === started) child = undefined;
    });
    for (let i = 0; i < 200; i++) {
      if (exited) break;
      const isUp = (await canConnect(port)) && (tlsPort === undefined || (await canConnect(tlsPort)));
      // Up, and ours: another file's slapd on a reused port would refuse this instance's password.
      if (isUp && (await isOurs())) return;
      await sleep(50);
    }
    const text = await readFile(join(dir, 'slapd.log'), 'utf8').catch(() => '');
    await stop();
    throw new Error(`slapd did not start on ${listen}:\n${text.slice(-2000)}`);
  }

  async function stop(): Promise<void> {
    const running = child;
    if (!running || running.exitCode !== null || running.pid === undefined) {
      child = undefined;
      return;
    }
    const exited = new Promise<void>((resolve) => running.once('exit', () => resolve()));
    process.kill(running.pid, 'SIGTERM');
    const timer = setTimeout(() => {
      if (running.exitCode === null && running.pid !== undefined) process.kill(running.pid, 'SIGKILL');
    }, 5_000);
    await exited;
    clearTimeout(timer);
    child = undefined;
  }

  const auth = (): string[] => ['-x', '-H', url, '-D', rootDn, '-w', rootPassword];
  // A port found free can be taken by another test file's server before slapd binds it: try fresh ones.
  for (let attempt = 1; ; attempt++) {
    await choosePorts();
    try {
      await start();
      break;
    } catch (error) {
      if (attempt >= 3) throw error;
    }
  }
  return {
    dir,
    suffix,
    rootDn,
    rootPassword,
    url,
    ldapsUrl,
    caFile,
    get pid() {
      return child?.pid;
    },
    start,
    stop,
    async destroy() {
      await stop();
      await rm(dir, { recursive: true, force: true });
    },
    async modify(ldif: string) {
      await run('/usr/bin/ldapmodify', [...auth()], ldif);
    },
    search: (searchBase: string, filter: string, ...attributes: string[]) =>
      run('/usr/bin/ldapsearch', [...auth(), '-LLL', '-o', 'ldif-wrap=no', '-b', searchBase, filter, ...attributes]),
  };
}
