import { describe, expect, it } from 'vitest';
import { ConfigValidationError } from './config-problem.js';
import { parseConfig } from './parse-config.js';

function config(scim: string): string {
  return `connectors:\n  - name: scim\n    type: scim\n${scim}`;
}

function problemsOf(text: string): string[] {
  try {
    parseConfig(text, 'idsync.yaml');
  } catch (error) {
    if (error instanceof ConfigValidationError) return error.problems.map((p) => `${p.line}: ${p.message}`);
    throw error;
  }
  throw new Error('expected the config to be rejected');
}

describe('scim connector config', () => {
  it('applies the defaults', () => {
    const parsed = parseConfig(
      config('    baseUrl: https://scim.example.com/v2\n    auth: { bearerToken: "env:SCIM_TOKEN" }\n'),
      'idsync.yaml',
    );
    expect(parsed.connectors[0]).toEqual({
      type: 'scim',
      name: 'scim',
      baseUrl: 'https://scim.example.com/v2',
      auth: { bearerToken: 'env:SCIM_TOKEN' },
      concurrency: 4,
      pageSize: 200,
      usePut: false,
      deltaImport: 'lastModified',
      useETags: true,
      matchBeforeCreate: true,
      timeoutMs: 30_000,
      retries: 4,
      objectTypes: ['user', 'group'],
    });
  });

  it('accepts OAuth 2.0 client credentials', () => {
    const parsed = parseConfig(
      config(
        '    baseUrl: https://scim.example.com/v2\n    auth:\n      oauth: { tokenUrl: "https://login.example.com/token", clientId: idsync, clientSecret: "file:/run/secret", scope: scim }\n',
      ),
      'idsync.yaml',
    );
    expect(parsed.connectors[0]).toMatchObject({
      auth: {
        oauth: {
          tokenUrl: 'https://login.example.com/token',
          clientId: 'idsync',
          clientSecret: 'file:/run/secret',
          scope: 'scim',
        },
      },
    });
  });

  it('names the field of a bad URL, a bad auth and an out-of-range concurrency', () => {
    expect(
      problemsOf(
        config('    baseUrl: ftp://x\n    auth: { token: abc }\n    concurrency: 0\n    deltaImport: sometimes\n'),
      ),
    ).toEqual([
      expect.stringMatching(/^4: .*http/),
      expect.stringMatching(/^5: expected \{ bearerToken: <secret ref> \} or \{ oauth:/),
      expect.stringMatching(/^6: .*1/),
      expect.stringMatching(/^7: .*lastModified.*difference/),
    ]);
  });

  it('rejects a setting it does not know', () => {
    expect(
      problemsOf(config('    baseUrl: https://x.example/scim\n    auth: { bearerToken: "env:T" }\n    pagesize: 10\n')),
    ).toEqual([expect.stringMatching(/^6: .*pagesize/)]);
  });
});
