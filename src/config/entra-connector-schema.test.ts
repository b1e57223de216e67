import { describe, expect, it } from 'vitest';
import { ConfigValidationError, type ConfigProblem } from './config-problem.js';
import type { EntraConnectorConfig } from './connector-config.js';
import { parseConfig } from './parse-config.js';

const FILE = '/etc/idsync/idsync.yaml';

function config(fields: string): string {
  return `connectors:
  - name: cloud
    type: entra
    tenantId: 8d3f1c52-6a2e-4b6f-9a51-3c0e2f4d7b10
    clientId: 5b2e9c41-0f7a-4d38-8e16-2a9d4c7f3e55
${fields}`;
}

function entra(fields: string): EntraConnectorConfig {
  const connector = parseConfig(config(fields), FILE).connectors[0];
  if (connector?.type !== 'entra') throw new Error('expected an entra connector');
  return connector;
}

function problemsOf(fields: string): readonly ConfigProblem[] {
  try {
    parseConfig(config(fields), FILE);
  } catch (error) {
    if (error instanceof ConfigValidationError) return error.problems;
    throw error;
  }
  throw new Error('expected the config to be rejected');
}

describe('entra connector config', () => {
  it('defaults to the public cloud, 20-request batches and 999-object pages', () => {
    expect(entra('    clientSecret: env:ENTRA_SECRET\n')).toMatchObject({
      authority: 'https://login.microsoftonline.com',
      graphUrl: 'https://graph.microsoft.com',
      batchSize: 20,
      pageSize: 999,
      clientSecret: 'env:ENTRA_SECRET',
    });
  });

  it('resolves the certificate key and CA files against the config folder', () => {
    const connector = entra(`    certificate: { privateKeyFile: keys/app.pem, thumbprint: "AB:CD:${'ef'.repeat(30)}" }
    caFile: ca.pem
    authority: https://login.microsoftonline.us/
    graphUrl: https://graph.microsoft.us
`);
    expect(connector.certificate).toEqual({
      privateKeyFile: '/etc/idsync/keys/app.pem',
      thumbprint: `abcd${'ef'.repeat(30)}`,
    });
    expect(connector.caFile).toBe('/etc/idsync/ca.pem');
    expect(connector.authority).toBe('https://login.microsoftonline.us');
  });

  it('refuses an inline client secret and names the field', () => {
    expect(problemsOf('    clientSecret: hunter2\n')).toMatchObject([
      { path: ['connectors', 0, 'clientSecret'], message: expect.stringContaining('secrets are not written inline') },
    ]);
  });

  it('refuses more than 20 requests per $batch', () => {
    expect(problemsOf('    clientSecret: env:S\n    batchSize: 21\n')).toMatchObject([
      { path: ['connectors', 0, 'batchSize'], message: expect.stringContaining('at most 20') },
    ]);
  });

  it('refuses an authority that is not https', () => {
    expect(problemsOf('    clientSecret: env:S\n    authority: http://login.example\n')).toMatchObject([
      { path: ['connectors', 0, 'authority'], message: 'must be an https:// URL' },
    ]);
  });

  it('refuses a thumbprint that is neither SHA-1 nor SHA-256', () => {
    expect(problemsOf('    certificate: { privateKeyFile: k.pem, thumbprint: abc }\n')).toMatchObject([
      { path: ['connectors', 0, 'certificate', 'thumbprint'] },
    ]);
  });
});
