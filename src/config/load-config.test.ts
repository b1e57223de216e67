import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ConfigError } from '../core/errors.js';
import { ConfigValidationError } from './config-problem.js';
import { configPathFrom, loadConfig } from './load-config.js';

const EXAMPLE = fileURLToPath(new URL('./idsync.example.yaml', import.meta.url));

describe('loadConfig', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'idsync-config-'));
  });

  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('loads the commented example config with the entra-connect preset', async () => {
    const config = await loadConfig(EXAMPLE);
    expect(config.connectors.map((connector) => `${connector.name}:${connector.type}`)).toEqual([
      'corp:ldif',
      'cloud:csv',
      'ad:ldap',
      'saas:scim',
      'aad:entra',
    ]);
    // Relative paths of every connector type are taken from the config file's folder.
    expect(config.connectors[2]).toMatchObject({ tls: { caFile: join(dirname(EXAMPLE), 'certs/contoso-ca.pem') } });
    expect(config.syncRules[0]?.name).toBe('In from AD - User Sales');
    expect(config.syncRules.map((rule) => rule.name)).toContain('Out to AAD - User Join');
    const common = config.syncRules.find((rule) => rule.name === 'In from AD - User Common');
    const displayName = common?.flows.find((flow) => flow.target === 'displayName');
    expect(displayName).toMatchObject({ kind: 'expression', expression: { source: 'Trim([givenName]) & " " & [sn]' } });
    const outUser = config.syncRules.find((rule) => rule.name === 'Out to AAD - User Join');
    expect(outUser?.flows.some((flow) => flow.target === 'employeeId')).toBe(false);
  });

  it('reads the file named by IDSYNC_CONFIG when no path is given', async () => {
    const file = join(dir, 'from-env.yaml');
    await writeFile(file, 'server: { name: from-env }\n');
    vi.stubEnv('IDSYNC_CONFIG', file);
    expect((await loadConfig()).server.name).toBe('from-env');
  });

  it('prefers the path argument over IDSYNC_CONFIG', () => {
    expect(configPathFrom('a.yaml', { IDSYNC_CONFIG: 'b.yaml' })).toBe('a.yaml');
    expect(configPathFrom(undefined, { IDSYNC_CONFIG: 'b.yaml' })).toBe('b.yaml');
    expect(configPathFrom(undefined, {})).toBe('./idsync.yaml');
  });

  it('names the missing file and how to pass one', async () => {
    const file = join(dir, 'nope.yaml');
    const error = await loadConfig(file).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toContain(file);
    expect((error as ConfigError).message).toContain('IDSYNC_CONFIG');
    expect((error as ConfigError).where.file).toBe(file);
  });

  it('reports problems with the path it was given', async () => {
    const file = join(dir, 'bad.yaml');
    await writeFile(file, 'store: { type: postgres }\n');
    const error = await loadConfig(file).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConfigValidationError);
    expect((error as Error).message).toBe(`${file}:1:16: store.type: expected one of "sqlite", got "postgres"`);
  });
});
