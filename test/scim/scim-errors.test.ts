import { afterEach, describe, expect, it } from 'vitest';
import type { Runtime } from '../../src/cli/compose.js';
import type { CsObject } from '../../src/core/connector-space.js';
import { groupLdif, userDn, userLdif } from '../helpers/sandbox.js';
import { createScimSandbox, scimList, SCIM_TEST_TOKEN, type ScimSandbox } from '../servers/scim.js';

const USERS = [
  { n: 1, cn: 'Ada Lovelace' },
  { n: 2, cn: 'Alan Turing' },
  { n: 3, cn: 'Grace Hopper' },
];
const BASE_LDIF =
  'version: 1\n\n' +
  USERS.map(userLdif).join('') +
  groupLdif(1, 'Pioneers', [userDn('Ada Lovelace'), userDn('Alan Turing')]);

let sandbox: ScimSandbox | undefined;
let runtime: Runtime | undefined;

afterEach(async () => {
  await runtime?.close();
  runtime = undefined;
  await sandbox?.cleanup();
  sandbox = undefined;
});

async function setup(ldif = BASE_LDIF, settings = ''): Promise<{ sb: ScimSandbox; rt: Runtime }> {
  sandbox = await createScimSandbox(ldif, settings);
  runtime = await sandbox.open();
  await runtime.engine.setStagingMode(false);
  return { sb: sandbox, rt: runtime };
}

/** Imports and syncs everything (staging mode holds the export back), so the next step can be the export alone. */
async function stageExports(rt: Runtime): Promise<void> {
  await rt.engine.setStagingMode(true);
  await rt.engine.cycle();
  await rt.engine.setStagingMode(false);
}

async function all(rt: Runtime, connector: string): Promise<CsObject[]> {
  const out: CsObject[] = [];
  for await (const page of rt.store.scanCs(connector, {}, 100)) out.push(...page);
  return out;
}

describe('scim connector: errors from a real SCIM service', () => {
  it('records a 400 with its scimType and detail on that object, and exports the others', async () => {
    const ldif = BASE_LDIF.replace('mail: user2@contoso.com', 'mail: not-an-address');
    const { sb, rt } = await setup(ldif);
    await stageExports(rt);
    const summary = await rt.engine.run('scim', 'export');
    expect(summary.status).toBe('completed-export-errors');
    expect(summary.counters.exportAdds).toBe(3);
    const failed = (await all(rt, 'scim')).filter((o) => o.exportError !== null);
    expect(failed).toHaveLength(1);
    expect(failed[0]?.dn).toBe('userName=user2@contoso.com,ou=Users');
    expect(failed[0]?.exportError).toMatchObject({
      type: 'syntax-violation',
      code: 'invalidValue',
      detail: 'emails[type eq "work"].value: "not-an-address" is not an email address',
    });
    expect((await scimList(sb.server, '/Users')).map((u) => u.userName).sort()).toEqual([
      'user1@contoso.com',
      'user3@contoso.com',
    ]);
    const groups = await scimList(sb.server, '/Groups');
    expect((groups[0]?.members as unknown[]).length).toBe(1);
  });

  it('stops with exit 3 and an authentication message on 401, without printing the token', async () => {
    sandbox = await createScimSandbox(BASE_LDIF);
    await sandbox.writeConfig(`    auth: { bearerToken: "file:${sandbox.dir}/wrong-token" }\n`);
    const result = await sandbox.cli('cycle');
    expect(result.code).toBe(3);
    expect(result.stdout + result.stderr).toMatch(/refused the credentials \(HTTP 401 on GET \/Users\)/);
    expect(result.stdout + result.stderr).not.toContain('not-the-token');
  });

  it('names the setting when the token environment variable is not set (exit 2)', async () => {
    sandbox = await createScimSandbox(BASE_LDIF);
    await sandbox.writeConfig('    auth: { bearerToken: "env:IDSYNC_TEST_UNSET_SCIM_TOKEN" }\n');
    const result = await sandbox.cli('cycle');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      'connector "scim" auth.bearerToken: environment variable "IDSYNC_TEST_UNSET_SCIM_TOKEN" is not set',
    );
  });

  it('stops the export with exit 3 and an authorization message on 403', async () => {
    sandbox = await createScimSandbox(BASE_LDIF);
    await sandbox.writeConfig('    auth: { bearerToken: "plain:read-only-token" }\n');
    expect((await sandbox.cli('staging', 'disable')).code).toBe(0);
    const result = await sandbox.cli('cycle');
    expect(result.code).toBe(3);
    expect(result.stdout).toMatch(/scim\s+export\s+stopped-connectivity/);
    expect(result.stdout).toMatch(/denied access \(HTTP 403 on (GET|POST) \/Users\)/);
    expect((await scimList(sandbox.server, '/Users')).length).toBe(0);
  });

  it('retries 429 (Retry-After) and 503 (backoff) and then succeeds', async () => {
    const { sb, rt } = await setup();
    await stageExports(rt);
    sb.server.inject({ method: 'POST', path: /^\/Users$/, action: { status: 429, retryAfter: '1' } });
    sb.server.inject({ method: 'POST', path: /^\/Groups$/, action: { status: 503 } });
    const summary = await rt.engine.run('scim', 'export');
    expect(summary.status).toBe('success');
    expect(summary.counters.exportAdds).toBe(4);
    const posts = sb.server.requests.filter((r) => r.method === 'POST');
    expect(posts).toHaveLength(3 + 1 + 1 + 1);
    expect(await scimList(sb.server, '/Users')).toHaveLength(3);
  });

  it('finds a create whose answer was lost and does not create it twice', async () => {
    const { sb, rt } = await setup();
    await stageExports(rt);
    sb.server.inject({ method: 'POST', path: /^\/Users$/, action: 'drop-response' });
    const summary = await rt.engine.run('scim', 'export');
    expect(summary.status).toBe('success');
    expect(await scimList(sb.server, '/Users')).toHaveLength(3);
    const next = await rt.engine.cycle('delta');
    expect(next.runs.every((r) => r.counters.errors === 0)).toBe(true);
    expect(await scimList(sb.server, '/Users')).toHaveLength(3);
    expect(await rt.store.countCs('scim', { hasEscrowedExport: true })).toBe(0);
    expect(await rt.store.countPendingExports('scim')).toEqual({});
  });

  it('keeps a create whose answer never arrived escrowed; the next import confirms it without a duplicate', async () => {
    const { sb, rt } = await setup(BASE_LDIF, '    matchBeforeCreate: false\n    retries: 1\n');
    await stageExports(rt);
    sb.server.inject({ method: 'POST', path: /^\/Users$/, action: 'drop-response' });
    // The connector's own look-up of the lost create fails as well.
    const isLookup = (r: { query: Record<string, unknown> }): boolean =>
      String(r.query.filter).startsWith('externalId');
    sb.server.inject({ method: 'GET', when: isLookup, times: 100, action: { status: 500 } });
    const summary = await rt.engine.run('scim', 'export');
    expect(summary.status).toBe('success');
    expect(await rt.store.countCs('scim', { hasEscrowedExport: true })).toBe(4);
    const lost = (await all(rt, 'scim')).filter((o) => o.objectType === 'user' && o.anchor === null);
    expect(lost).toHaveLength(1);
    sb.server.clearFaults();

    const next = await rt.engine.cycle('delta');
    expect(next.runs.every((r) => r.counters.errors === 0)).toBe(true);
    expect(await scimList(sb.server, '/Users')).toHaveLength(3);
    expect(await rt.store.countCs('scim', { hasEscrowedExport: true })).toBe(0);
    expect(await rt.store.countPendingExports('scim')).toEqual({});
    expect((await all(rt, 'scim')).every((o) => o.anchor !== null)).toBe(true);
  });

  it('escrows an update whose answers were all lost; the confirming import sees it landed', async () => {
    const { sb, rt } = await setup(BASE_LDIF, '    retries: 1\n');
    await rt.engine.cycle();
    await rt.engine.cycle('delta');
    await sb.writeLdif(BASE_LDIF.replace(`member: ${userDn('Alan Turing')}\n`, ''));
    sb.server.inject({ method: 'PATCH', path: /^\/Groups\//, times: 10, action: 'drop-response' });
    const summary = await rt.engine.cycle('delta');
    expect(summary.runs.find((r) => r.runProfile === 'export')?.status).toBe('success');
    expect(await rt.store.countCs('scim', { hasEscrowedExport: true })).toBe(1);
    expect(sb.server.requests.filter((r) => r.method === 'PATCH')).toHaveLength(2);
    sb.server.clearFaults();
    const next = await rt.engine.cycle('delta');
    expect(next.runs.every((r) => r.counters.errors === 0)).toBe(true);
    expect(await rt.store.countCs('scim', { hasEscrowedExport: true })).toBe(0);
    expect(await rt.store.countPendingExports('scim')).toEqual({});
    expect(((await scimList(sb.server, '/Groups'))[0]?.members as unknown[]).length).toBe(1);
  });

  it('refuses to overwrite a change made since the last import (If-Match, 412) and exports after the next import', async () => {
    const { sb, rt } = await setup();
    await rt.engine.cycle();
    await rt.engine.cycle('delta');
    await sb.writeLdif(BASE_LDIF.replace('displayName: Ada Lovelace', 'displayName: Ada King'));
    await stageExports(rt);
    const ada = (await scimList(sb.server, '/Users')).find((u) => u.userName === 'user1@contoso.com');
    const response = await fetch(`${sb.server.url}/Users/${String(ada?.id)}`, {
      method: 'PATCH',
      headers: { Authorization: `Bearer ${SCIM_TEST_TOKEN}`, 'Content-Type': 'application/scim+json' },
      body: JSON.stringify({
        schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
        Operations: [{ op: 'replace', path: 'nickName', value: 'Countess' }],
      }),
    });
    expect(response.status).toBe(200);
    const refused = await rt.engine.run('scim', 'export');
    expect(refused.status).toBe('completed-export-errors');
    const failed = (await all(rt, 'scim')).find((o) => o.exportError !== null);
    expect(failed?.exportError).toMatchObject({ type: 'cd-error', code: 'HTTP 412' });
    expect(failed?.exportError?.detail).toMatch(/version mismatch/);

    const next = await rt.engine.cycle('delta');
    expect(next.runs.find((r) => r.runProfile === 'export')?.status).toBe('success');
    const after = (await scimList(sb.server, '/Users')).find((u) => u.userName === 'user1@contoso.com');
    expect(after).toMatchObject({ displayName: 'Ada King', nickName: 'Countess' });
  });

  it('records a created object whose answer is not JSON as an export error on it, and goes on', async () => {
    const { sb, rt } = await setup();
    await stageExports(rt);
    sb.server.inject({ method: 'POST', path: /^\/Groups$/, action: { status: 201, body: '{"id": "trunc' } });
    const summary = await rt.engine.run('scim', 'export');
    expect(summary.status).toBe('completed-export-errors');
    expect(summary.counters.exportAdds).toBe(3);
    const group = (await all(rt, 'scim')).find((o) => o.objectType === 'group');
    expect(group?.exportError).toMatchObject({ type: 'cd-error', code: 'invalid-response' });
    expect(group?.exportError?.message).toMatch(/not JSON/);
  });

  it('reports a listed resource without an id as an import error and imports the rest', async () => {
    const { sb, rt } = await setup();
    await rt.engine.cycle();
    await rt.engine.cycle('delta');
    // The export posts concurrently, so the service's order is not the directory's: pick by name.
    const users = await scimList(sb.server, '/Users');
    const user = (n: number): Record<string, unknown> => {
      const found = users.find((u) => u.userName === `user${n}@contoso.com`);
      if (!found) throw new Error(`user${n} was not exported`);
      return found;
    };
    const broken = { ...user(2), id: undefined, displayName: 'Changed' };
    const changed = { ...user(3), displayName: 'Also changed' };
    const body = JSON.stringify({
      schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'],
      totalResults: 3,
      startIndex: 1,
      itemsPerPage: 3,
      Resources: [user(1), broken, changed],
    });
    sb.server.inject({ method: 'GET', path: /^\/Users$/, action: { status: 200, body } });
    const summary = await rt.engine.run('scim', 'full-import');
    expect(summary.status).toBe('completed-import-errors');
    expect(summary.counters).toMatchObject({ errors: 1, updates: 1 });
    const issues = await rt.store.listRunIssues(summary.runId, 10);
    expect(issues.map((i) => [i.code, i.message])).toEqual([
      ['import-error', 'connector "scim" (/Users item 2): a User without an id (userName "user2@contoso.com")'],
    ]);
  });

  it('stops an import whose page is not JSON instead of treating the listing as complete', async () => {
    const { sb, rt } = await setup();
    await rt.engine.cycle();
    sb.server.inject({ method: 'GET', path: /^\/Users$/, action: { status: 200, body: '<html>oops</html>' } });
    const summary = await rt.engine.run('scim', 'full-import');
    expect(summary.status).toBe('stopped-connectivity');
    expect(summary.message).toMatch(/not JSON/);
    expect(await rt.store.countCs('scim', {})).toBe(4);
    expect(await rt.store.countPendingExports('scim')).toEqual({});
  });

  it('gets a token by OAuth 2.0 client credentials', async () => {
    sandbox = await createScimSandbox(BASE_LDIF);
    const oauth = `    auth:\n      oauth: { tokenUrl: "${sandbox.server.origin}/oauth/token", clientId: idsync, clientSecret: "plain:client-secret" }\n`;
    await sandbox.writeConfig(oauth);
    expect((await sandbox.cli('staging', 'disable')).code).toBe(0);
    const result = await sandbox.cli('cycle');
    expect(result.code).toBe(0);
    expect(await scimList(sandbox.server, '/Users')).toHaveLength(3);
    await sandbox.writeConfig(oauth.replace('plain:client-secret', 'plain:wrong'));
    const refused = await sandbox.cli('cycle');
    expect(refused.code).toBe(3);
    expect(refused.stdout + refused.stderr).toMatch(/OAuth token endpoint refused client "idsync"/);
    expect(refused.stdout + refused.stderr).not.toContain('plain:wrong');
  });
});
