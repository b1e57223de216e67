import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface ThrowawayTls {
  readonly key: string;
  readonly cert: string;
  /** The certificate's path, for `caFile` in an idsync.yaml. */
  readonly certFile: string;
  readonly dir: string;
  cleanup(): Promise<void>;
}

/**
 * A throwaway self-signed certificate for 127.0.0.1 made with `openssl` (MSAL accepts only https
 * authorities). It is its own CA: clients trust it through `caFile`.
 */
export async function createThrowawayTls(): Promise<ThrowawayTls> {
  const dir = await mkdtemp(join(tmpdir(), 'graph-emulator-tls-'));
  const keyFile = join(dir, 'key.pem');
  const certFile = join(dir, 'cert.pem');
  try {
    await run('openssl', [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-days',
      '2',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1,DNS:localhost',
      '-keyout',
      keyFile,
      '-out',
      certFile,
    ]);
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw new Error('openssl is needed to make the Graph emulator certificate: apt-get install -y openssl', {
      cause: error,
    });
  }
  return {
    key: await readFile(keyFile, 'utf8'),
    cert: await readFile(certFile, 'utf8'),
    certFile,
    dir,
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}
