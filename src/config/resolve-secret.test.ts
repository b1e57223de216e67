import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../core/errors.js';
import { resolveSecret } from './resolve-secret.js';

describe('resolveSecret', () => {
  it('reads env:NAME from the environment', () => {
    expect(resolveSecret('env:LDAP_PW', 'connectors[0].password', { LDAP_PW: 's3cret' })).toBe('s3cret');
  });

  it('names the field when the environment variable is not set', () => {
    expect(() => resolveSecret('env:LDAP_PW', 'connectors[0].password', {})).toThrow(
      'connectors[0].password: environment variable "LDAP_PW" is not set',
    );
  });

  it('reads file:/path and trims it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'idsync-secret-'));
    const file = join(dir, 'pw');
    await writeFile(file, '  s3cret\n');
    expect(resolveSecret(`file:${file}`, 'x')).toBe('s3cret');
  });

  it('names the field when the secret file is missing', () => {
    expect(() => resolveSecret('file:/nonexistent/idsync/pw', 'connectors[1].clientSecret')).toThrow(
      /^connectors\[1\]\.clientSecret: cannot read secret file \/nonexistent\/idsync\/pw$/,
    );
  });

  it('accepts an inline secret only with the plain: prefix', () => {
    expect(resolveSecret('plain:hunter2', 'x')).toBe('hunter2');
  });

  it('rejects an inline secret without a prefix', () => {
    let caught: unknown;
    try {
      resolveSecret('hunter2', 'connectors[0].password');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    expect((caught as ConfigError).where).toEqual({ field: 'connectors[0].password' });
    expect((caught as ConfigError).message).not.toContain('hunter2');
  });
});
