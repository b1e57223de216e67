import { execFile } from 'node:child_process';
import { createHash, X509Certificate } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { CLIENT_SECRET, createEntraSandbox, type EntraSandbox } from '../graph-emulator/harness.js';
import { userLdif } from '../helpers/sandbox.js';

const run = promisify(execFile);
const LDIF = 'version: 1\n\n' + userLdif({ n: 1, cn: 'Ada Lovelace' });

let sandbox: EntraSandbox | undefined;

afterEach(async () => {
  await sandbox?.cleanup();
  sandbox = undefined;
});

describe('entra connector authentication and authorization', () => {
  it('stops with exit 3 and says the token was rejected when Graph answers 401', async () => {
    sandbox = await createEntraSandbox(LDIF);
    sandbox.emulator.faults.deny(401);
    const { code, stdout, stderr } = await sandbox.cli('cycle');
    expect(code).toBe(3);
    const output = stdout + stderr;
    expect(output).toContain('no-start-credentials');
    expect(output).toMatch(/connector "cloud": Microsoft Graph rejected the access token .*InvalidAuthenticationToken/);
    expect(output).not.toContain(CLIENT_SECRET);
  });

  it('stops with exit 3 and names the missing permissions when Graph answers 403', async () => {
    sandbox = await createEntraSandbox(LDIF);
    sandbox.emulator.faults.deny(403);
    const { code, stdout, stderr } = await sandbox.cli('cycle');
    expect(code).toBe(3);
    expect(stdout + stderr).toContain('User.ReadWrite.All and Group.ReadWrite.All');
  });

  it('stops with exit 3 when the token endpoint refuses the client secret, without printing the secret', async () => {
    sandbox = await createEntraSandbox(LDIF);
    sandbox.emulator.faults.rejectCredentials(true);
    const { code, stdout, stderr } = await sandbox.cli('cycle');
    expect(code).toBe(3);
    const output = stdout + stderr;
    expect(output).toContain('refused the client credentials of application');
    expect(output).toContain('invalid_client');
    expect(output).not.toContain(CLIENT_SECRET);
  });

  it('authenticates with a certificate: a client assertion signed by its private key', async () => {
    sandbox = await createEntraSandbox(LDIF);
    const keyFile = join(sandbox.dir, 'app-key.pem');
    const certFile = join(sandbox.dir, 'app-cert.pem');
    await run('openssl', [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '2',
      '-subj',
      '/CN=idsync-test-app',
      '-keyout',
      keyFile,
      '-out',
      certFile,
    ]);
    const certificate = await readFile(certFile, 'utf8');
    const thumbprint = createHash('sha256').update(new X509Certificate(certificate).raw).digest('hex');
    const config = await readFile(sandbox.configPath, 'utf8');
    await writeFile(
      sandbox.configPath,
      config.replace(
        / {4}clientSecret: .*\n/,
        `    certificate: { privateKeyFile: app-key.pem, thumbprint: "${thumbprint}" }\n`,
      ),
    );
    sandbox.emulator.trustClientCertificate(certificate);
    const { code, stdout, stderr } = await sandbox.cli('run', 'cloud', 'full-import');
    expect(stderr).toBe('');
    expect(stdout).toContain('success');
    expect(code).toBe(0);
    const tokenCalls = sandbox.emulator.requests.filter((r) => r.url.includes('/oauth2/v2.0/token'));
    expect(tokenCalls.at(-1)?.status).toBe(200);
  });

  it('is refused with exit 3 when the certificate is not the one registered for the application', async () => {
    sandbox = await createEntraSandbox(LDIF);
    const keyFile = join(sandbox.dir, 'app-key.pem');
    const certFile = join(sandbox.dir, 'app-cert.pem');
    const otherCert = join(sandbox.dir, 'other-cert.pem');
    await run('openssl', [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '2',
      '-subj',
      '/CN=a',
      '-keyout',
      keyFile,
      '-out',
      certFile,
    ]);
    await run('openssl', [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '2',
      '-subj',
      '/CN=b',
      '-keyout',
      join(sandbox.dir, 'other-key.pem'),
      '-out',
      otherCert,
    ]);
    const thumbprint = createHash('sha256')
      .update(new X509Certificate(await readFile(certFile, 'utf8')).raw)
      .digest('hex');
    const config = await readFile(sandbox.configPath, 'utf8');
    await writeFile(
      sandbox.configPath,
      config.replace(
        / {4}clientSecret: .*\n/,
        `    certificate: { privateKeyFile: app-key.pem, thumbprint: "${thumbprint}" }\n`,
      ),
    );
    sandbox.emulator.trustClientCertificate(await readFile(otherCert, 'utf8'));
    const { code, stdout } = await sandbox.cli('run', 'cloud', 'full-import');
    expect(code).toBe(3);
    expect(stdout).toContain('certificate of the app registration');
  });
});
