import { afterEach, describe, expect, it } from 'vitest';
import type { Runtime } from '../../src/cli/compose.js';
import type { CsObject } from '../../src/core/connector-space.js';
import { ENTERPRISE_USER } from '../../src/connectors/scim/index.js';
import { groupLdif, userDn, userLdif } from '../helpers/sandbox.js';
import { createScimSandbox, scimList, SCIM_TEST_TOKEN, type ScimSandbox } from '../servers/scim.js';

const USERS = [
  { n: 1, cn: 'Ada Lovelace', extra: 'department: Analytical Engines\nemployeeID: E-1' },
  { n: 2, cn: 'Alan Turing' },
  { n: 3, cn: 'Grace Hopper', uac: 514 },
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

async function all(rt: Runtime, connector: string): Promise<CsObject[]> {
  const out: CsObject[] = [];
  for await (const page of rt.store.scanCs(connector, {}, 100)) out.push(...page);
  return out;
}

function byUserName(users: readonly Record<string, unknown>[], userName: string): Record<string, unknown> | undefined {
  return users.find((u) => u.userName === userName);
}

describe('ad-to-scim: an LDIF directory provisioned to a real SCIM service (scimmy + SQLite)', () => {
  it('creates users and groups with members, and the confirming import clears every escrow', async () => {
    const { sb, rt } = await setup();
    const first = await rt.engine.cycle();
    const exportRun = first.runs.find((r) => r.connector === 'scim' && r.runProfile === 'export');
    expect(exportRun?.status).toBe('success');
    expect(exportRun?.counters.exportAdds).toBe(4);

    const users = await scimList(sb.server, '/Users');
    expect(users.map((u) => u.userName).sort()).toEqual([
      'user1@contoso.com',
      'user2@contoso.com',
      'user3@contoso.com',
    ]);
    const ada = byUserName(users, 'user1@contoso.com');
    expect(ada).toMatchObject({
      externalId: Buffer.from([1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0xef, 0xcd, 0xab]).toString('base64'),
      displayName: 'Ada Lovelace',
      name: { givenName: 'Given1', familyName: 'Surname1' },
      emails: [{ value: 'user1@contoso.com', type: 'work', primary: true }],
      active: true,
      [ENTERPRISE_USER]: { department: 'Analytical Engines', employeeNumber: 'E-1' },
    });
    expect(byUserName(users, 'user3@contoso.com')?.active).toBe(false);
    const groups = await scimList(sb.server, '/Groups');
    expect(groups).toHaveLength(1);
    const alan = byUserName(users, 'user2@contoso.com');
    const memberIds = ((groups[0]?.members ?? []) as { value: string }[]).map((m) => m.value).sort();
    expect(memberIds).toEqual([ada?.id, alan?.id].sort());

    const second = await rt.engine.cycle('delta');
    expect(second.runs.every((r) => r.counters.errors === 0)).toBe(true);
    expect(await rt.store.countCs('scim', { hasEscrowedExport: true })).toBe(0);
    expect(await rt.store.countPendingExports('scim')).toEqual({});
    expect(await rt.store.countCs('scim', { isConnector: true })).toBe(4);
    const group = (await all(rt, 'scim')).find((o) => o.objectType === 'group');
    expect(group?.anchor).toBe(groups[0]?.id);
    const refs = (group?.synchronizedHologram?.attributes.members ?? []).map((v) => (v as { ref: string }).ref).sort();
    expect(refs).toEqual(['userName=user1@contoso.com,ou=Users', 'userName=user2@contoso.com,ou=Users']);
  });

  it('exports a member removal as a single PATCH remove, never resending the member list', async () => {
    const { sb, rt } = await setup();
    await rt.engine.cycle();
    await rt.engine.cycle('delta');
    const alan = byUserName(await scimList(sb.server, '/Users'), 'user2@contoso.com');
    const logged = sb.server.requests.length;
    await sb.writeLdif(BASE_LDIF.replace(`member: ${userDn('Alan Turing')}\n`, ''));
    const summary = await rt.engine.cycle('delta');
    expect(summary.runs.find((r) => r.runProfile === 'export')?.counters.exportUpdates).toBe(1);

    const patches = sb.server.requests.slice(logged).filter((r) => r.method === 'PATCH');
    expect(patches).toHaveLength(1);
    expect(patches[0]?.path).toMatch(/^\/Groups\//);
    expect((patches[0]?.body as { Operations: unknown[] }).Operations).toEqual([
      { op: 'remove', path: `members[value eq "${String(alan?.id)}"]` },
    ]);
    const groups = await scimList(sb.server, '/Groups');
    expect((groups[0]?.members as unknown[]).length).toBe(1);
    const confirm = await rt.engine.cycle('delta');
    expect(confirm.runs.every((r) => r.counters.errors === 0)).toBe(true);
    expect(await rt.store.countCs('scim', { hasEscrowedExport: true })).toBe(0);
  });

  it('reads only changed resources on a delta import (meta.lastModified filter)', async () => {
    const { sb, rt } = await setup();
    await rt.engine.cycle();
    await rt.engine.run('scim', 'delta-import');
    const logged = sb.server.requests.length;
    const delta = await rt.engine.run('scim', 'delta-import');
    expect(delta.status).toBe('success');
    const lists = sb.server.requests.slice(logged).filter((r) => r.method === 'GET');
    expect(lists.map((r) => String(r.query.filter))).toEqual([
      expect.stringMatching(/^meta\.lastModified ge "/),
      expect.stringMatching(/^meta\.lastModified ge "/),
    ]);
    // Nothing changed since: at most the overlap window's few objects come back, all unchanged.
    expect(delta.counters.adds + delta.counters.updates + delta.counters.deletes).toBe(0);
  });

  it('falls back to a full import when the service refuses the meta.lastModified filter', async () => {
    const { sb, rt } = await setup();
    await rt.engine.cycle();
    const refuse = {
      status: 400,
      body: JSON.stringify({
        schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'],
        status: '400',
        scimType: 'invalidFilter',
        detail: 'meta.lastModified is not filterable',
      }),
    };
    sb.server.inject({ method: 'GET', when: (r) => String(r.query.filter).startsWith('meta.'), action: refuse });
    const logged = sb.server.requests.length;
    const summary = await rt.engine.run('scim', 'delta-import');
    expect(summary.status).toBe('success');
    expect(summary.message).toMatch(
      /refused the meta\.lastModified filter \(invalidFilter\); falling back to a full import/,
    );
    const lists = sb.server.requests.slice(logged).map((r) => `${r.path} ${String(r.query.filter ?? '(all)')}`);
    expect(lists).toEqual([expect.stringMatching(/^\/Users meta\.lastModified ge /), '/Users (all)', '/Groups (all)']);
    expect(await rt.store.countCs('scim', { hasEscrowedExport: true })).toBe(0);
  });

  it('sees a change made in the SCIM service on a delta import and puts the AD value back', async () => {
    const { sb, rt } = await setup();
    await rt.engine.cycle();
    await rt.engine.cycle('delta');
    const ada = byUserName(await scimList(sb.server, '/Users'), 'user1@contoso.com');
    const response = await fetch(`${sb.server.url}/Users/${String(ada?.id)}`, {
      method: 'PATCH',
      headers: { Authorization: `Bearer ${SCIM_TEST_TOKEN}`, 'Content-Type': 'application/scim+json' },
      body: JSON.stringify({
        schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
        Operations: [{ op: 'replace', path: 'displayName', value: 'Countess of Lovelace' }],
      }),
    });
    expect(response.status).toBe(200);
    const logged = sb.server.requests.length;
    const summary = await rt.engine.cycle('delta');
    const scimImport = summary.runs.find((r) => r.connector === 'scim' && r.runProfile === 'delta-import');
    expect(scimImport?.counters.updates).toBe(1);
    const patch = sb.server.requests.slice(logged).find((r) => r.method === 'PATCH');
    expect(patch?.ifMatch).toBe('W/"2"');
    expect((patch?.body as { Operations: unknown[] }).Operations).toEqual([
      { op: 'replace', path: 'displayName', value: 'Ada Lovelace' },
    ]);
    expect(byUserName(await scimList(sb.server, '/Users'), 'user1@contoso.com')?.displayName).toBe('Ada Lovelace');
  });

  it('swaps the only member of a group with one add and one remove after reading the current members', async () => {
    const ldif = BASE_LDIF.replace(`member: ${userDn('Alan Turing')}\n`, '');
    const { sb, rt } = await setup(ldif);
    await rt.engine.cycle();
    await rt.engine.cycle('delta');
    const users = await scimList(sb.server, '/Users');
    const logged = sb.server.requests.length;
    await sb.writeLdif(ldif.replace(`member: ${userDn('Ada Lovelace')}`, `member: ${userDn('Alan Turing')}`));
    await rt.engine.cycle('delta');
    const patch = sb.server.requests.slice(logged).find((r) => r.method === 'PATCH');
    expect((patch?.body as { Operations: unknown[] }).Operations).toEqual([
      { op: 'add', path: 'members', value: [{ value: byUserName(users, 'user2@contoso.com')?.id }] },
      { op: 'remove', path: `members[value eq "${String(byUserName(users, 'user1@contoso.com')?.id)}"]` },
    ]);
    const groups = await scimList(sb.server, '/Groups');
    expect(groups[0]?.members).toEqual([{ value: byUserName(users, 'user2@contoso.com')?.id, type: 'User' }]);
  });

  it('deletes a user that left the directory, and updates with PUT when usePut is set', async () => {
    const { sb, rt } = await setup(BASE_LDIF, '    usePut: true\n');
    await rt.engine.cycle();
    await rt.engine.cycle('delta');
    const logged = sb.server.requests.length;
    const grace = userLdif(USERS[2] as (typeof USERS)[number]);
    await sb.writeLdif(BASE_LDIF.replace(grace, '').replace('displayName: Alan Turing', 'displayName: Alan M. Turing'));
    const summary = await rt.engine.cycle('delta');
    expect(summary.runs.find((r) => r.runProfile === 'export')?.counters).toMatchObject({
      exportDeletes: 1,
      exportUpdates: 1,
    });
    const writes = sb.server.requests.slice(logged).filter((r) => r.method !== 'GET');
    expect(writes.map((r) => r.method).sort()).toEqual(['DELETE', 'PUT']);
    const users = await scimList(sb.server, '/Users');
    expect(users.map((u) => u.userName).sort()).toEqual(['user1@contoso.com', 'user2@contoso.com']);
    expect(byUserName(users, 'user2@contoso.com')?.displayName).toBe('Alan M. Turing');
    // A meta.lastModified filter cannot show a deletion: the full import of an initial cycle confirms it.
    const delta = await rt.engine.cycle('delta');
    expect(delta.runs.every((r) => r.counters.errors === 0)).toBe(true);
    expect(await rt.store.countCs('scim', { hasEscrowedExport: true })).toBe(1);
    const full = await rt.engine.cycle('initial');
    expect(full.runs.every((r) => r.counters.errors === 0)).toBe(true);
    expect(await rt.store.countCs('scim', { hasEscrowedExport: true })).toBe(0);
    expect(await rt.store.countCs('scim', {})).toBe(3);
  });

  it('renames a user by its userName and keeps it a member of its group', async () => {
    const { sb, rt } = await setup();
    await rt.engine.cycle();
    await rt.engine.cycle('delta');
    const before = byUserName(await scimList(sb.server, '/Users'), 'user1@contoso.com');
    await sb.writeLdif(
      BASE_LDIF.replace('userPrincipalName: user1@contoso.com', 'userPrincipalName: ada.king@contoso.com'),
    );
    const summary = await rt.engine.cycle('delta');
    expect(summary.runs.find((r) => r.runProfile === 'export')?.status).toBe('success');
    const after = byUserName(await scimList(sb.server, '/Users'), 'ada.king@contoso.com');
    expect(after?.id).toBe(before?.id);
    const confirm = await rt.engine.cycle('delta');
    expect(confirm.runs.every((r) => r.counters.errors === 0)).toBe(true);
    expect(await rt.store.countPendingExports('scim')).toEqual({});
    const group = (await all(rt, 'scim')).find((o) => o.objectType === 'group');
    const refs = (group?.synchronizedHologram?.attributes.members ?? []).map((v) => (v as { ref: string }).ref).sort();
    expect(refs).toEqual(['userName=ada.king@contoso.com,ou=Users', 'userName=user2@contoso.com,ou=Users']);
    const groups = await scimList(sb.server, '/Groups');
    expect((groups[0]?.members as { value: string }[]).map((m) => m.value)).toContain(before?.id);
  });

  it('pages through the listing (startIndex/count) and imports every object', async () => {
    const { sb, rt } = await setup(BASE_LDIF, '    pageSize: 2\n');
    await rt.engine.cycle();
    const logged = sb.server.requests.length;
    const summary = await rt.engine.run('scim', 'full-import');
    expect(summary.status).toBe('success');
    const pages = sb.server.requests
      .slice(logged)
      .filter((r) => r.method === 'GET' && r.query.filter === undefined)
      .map((r) => `${r.path}@${String(r.query.startIndex)}/${String(r.query.count)}`);
    expect(pages).toEqual(['/Users@1/2', '/Users@3/2', '/Groups@1/2']);
    expect(await rt.store.countCs('scim', { hasEscrowedExport: true })).toBe(0);
    expect(await rt.store.countCs('scim', {})).toBe(4);
  });
});
