import { afterEach, describe, expect, it } from 'vitest';
import type { Runtime } from '../../src/cli/compose.js';
import type { CsObject } from '../../src/core/connector-space.js';
import { cloudDn } from '../../src/connectors/entra/index.js';
import { createEntraSandbox, GROUP_ANCHOR, type EntraSandbox } from '../graph-emulator/harness.js';
import { groupLdif, guid, userDn, userLdif } from '../helpers/sandbox.js';

const USERS = [
  { n: 1, cn: 'Ada Lovelace' },
  { n: 2, cn: 'Alan Turing' },
  { n: 3, cn: 'Grace Hopper', uac: 514 },
];
const LDIF =
  'version: 1\n\n' +
  USERS.map(userLdif).join('') +
  groupLdif(1, 'Pioneers', [userDn('Ada Lovelace'), userDn('Alan Turing')]);

let sandbox: EntraSandbox | undefined;
let runtime: Runtime | undefined;

afterEach(async () => {
  await runtime?.close();
  runtime = undefined;
  await sandbox?.cleanup();
  sandbox = undefined;
});

async function setup(ldif = LDIF): Promise<{ sb: EntraSandbox; rt: Runtime }> {
  sandbox = await createEntraSandbox(ldif);
  runtime = await sandbox.open();
  return { sb: sandbox, rt: runtime };
}

async function all(rt: Runtime, connector: string): Promise<CsObject[]> {
  const out: CsObject[] = [];
  for await (const page of rt.store.scanCs(connector, {}, 100)) out.push(...page);
  return out;
}

function users(sb: EntraSandbox): Record<string, unknown>[] {
  return [...sb.emulator.directory.objects.users.values()];
}

function userByUpn(sb: EntraSandbox, upn: string): Record<string, unknown> | undefined {
  return users(sb).find((u) => u.userPrincipalName === upn);
}

function memberUpns(sb: EntraSandbox, groupName: string): string[] {
  const group = [...sb.emulator.directory.objects.groups.values()].find((g) => g.displayName === groupName);
  const ids = [...(sb.emulator.directory.members.get(group?.id as string) ?? [])];
  return ids.map((id) => String(sb.emulator.directory.objects.users.get(id)?.userPrincipalName)).sort();
}

describe('entra connector through the engine, against the Graph emulator', () => {
  it('creates users and groups with their members through $batch on the initial cycle, and the next import confirms them', async () => {
    const { sb, rt } = await setup();
    const first = await rt.engine.cycle();
    const exportRun = first.runs.find((r) => r.connector === 'cloud' && r.runProfile === 'export');
    expect(exportRun?.status).toBe('success');
    expect(exportRun?.counters.exportAdds).toBe(4);

    expect(
      users(sb)
        .map((u) => [u.userPrincipalName, u.onPremisesImmutableId, u.accountEnabled])
        .sort(),
    ).toEqual([
      ['user1@contoso.com', guid(1), true],
      ['user2@contoso.com', guid(2), true],
      ['user3@contoso.com', guid(3), false],
    ]);
    const group = [...sb.emulator.directory.objects.groups.values()][0];
    expect(group?.[GROUP_ANCHOR]).toBe(guid(1001));
    expect(group?.securityEnabled).toBe(true);
    expect(memberUpns(sb, 'Pioneers')).toEqual(['user1@contoso.com', 'user2@contoso.com']);

    const writes = sb.emulator.requests.filter((r) => r.method !== 'GET' && !r.url.includes('/oauth2/'));
    expect(writes.every((r) => r.url === '/v1.0/$batch')).toBe(true);
    const inner = writes.flatMap((r) => r.batch ?? []);
    expect(inner.filter((i) => i === 'POST /users')).toHaveLength(3);
    expect(inner.filter((i) => /^POST \/groups\/[^/]+\/members\/\$ref$/.test(i))).toHaveLength(2);
    expect(writes.every((r) => (r.batch?.length ?? 0) <= 20)).toBe(true);

    const second = await rt.engine.cycle('delta');
    expect(second.runs.map((r) => [r.connector, r.runProfile, r.counters.errors])).toEqual(
      second.runs.map((r) => [r.connector, r.runProfile, 0]),
    );
    expect(await rt.store.countCs('cloud', { hasEscrowedExport: true })).toBe(0);
    expect(await rt.store.countPendingExports('cloud')).toEqual({});
    const cloud = await all(rt, 'cloud');
    const cloudGroup = cloud.find((o) => o.objectType === 'group');
    expect(cloudGroup?.dn).toBe(cloudDn(guid(1001)));
    expect(
      (cloudGroup?.synchronizedHologram?.attributes.member ?? []).map((v) => (v as { ref: string }).ref).sort(),
    ).toEqual([cloudDn(guid(1)), cloudDn(guid(2))].sort());
  });

  it('joins cloud objects that already carry the sourceAnchor (hard match) and creates nothing on a rebuild', async () => {
    const { sb, rt } = await setup();
    await rt.engine.cycle();
    await rt.engine.cycle('delta');
    const before = sb.emulator.requests.length;
    await rt.close();
    runtime = undefined;
    // A rebuilt server: a new, empty store against the same tenant.
    const { rm } = await import('node:fs/promises');
    await rm(`${sb.dir}/state`, { recursive: true, force: true });
    runtime = await sb.open();
    await runtime.engine.setStagingMode(false);
    const summary = await runtime.engine.cycle();
    expect(summary.runs.find((r) => r.connector === 'cloud' && r.runProfile === 'full-import')?.counters.adds).toBe(4);
    expect(
      summary.runs.find((r) => r.connector === 'cloud' && r.runProfile === 'export')?.counters.exportAdds ?? 0,
    ).toBe(0);
    const inner = sb.emulator.requests.slice(before).flatMap((r) => r.batch ?? []);
    expect(inner.filter((i) => i.startsWith('POST /users') || i === 'POST /groups')).toEqual([]);
    expect(users(sb)).toHaveLength(3);
    expect(await runtime.store.countCs('cloud', { isConnector: true })).toBe(4);
  });

  it('soft-matches cloud-only users by userPrincipalName and by primary SMTP address instead of creating them', async () => {
    sandbox = await createEntraSandbox(LDIF);
    const dir = sandbox.emulator.directory;
    const byUpn = dir.seed('users', {
      userPrincipalName: 'user1@contoso.com',
      displayName: 'Ada (cloud)',
      onPremisesImmutableId: null,
    });
    const bySmtp = dir.seed('users', {
      userPrincipalName: 'alan@contoso.onmicrosoft.com',
      displayName: 'Alan (cloud)',
      mail: 'user2@contoso.com',
      proxyAddresses: ['SMTP:user2@contoso.com'],
      onPremisesImmutableId: null,
    });
    runtime = await sandbox.open();
    const summary = await runtime.engine.cycle();
    expect(summary.runs.find((r) => r.runProfile === 'export')?.status).toBe('success');
    expect(users(sandbox)).toHaveLength(3);
    expect(dir.objects.users.get(byUpn.id as string)).toMatchObject({
      onPremisesImmutableId: guid(1),
      displayName: 'Ada Lovelace',
    });
    expect(dir.objects.users.get(bySmtp.id as string)).toMatchObject({
      onPremisesImmutableId: guid(2),
      userPrincipalName: 'user2@contoso.com',
    });
    const inner = sandbox.emulator.requests.flatMap((r) => r.batch ?? []);
    expect(inner).toContain(`PATCH /users/${String(byUpn.id)}`);
    expect(inner).toContain(`PATCH /users/${String(bySmtp.id)}`);
    expect(inner.filter((i) => i === 'POST /users')).toHaveLength(1);

    const next = await runtime.engine.cycle('delta');
    expect(next.runs.every((r) => r.counters.errors === 0)).toBe(true);
    expect(await runtime.store.countCs('cloud', { hasEscrowedExport: true })).toBe(0);
  });

  it('refuses to soft-match onto a cloud user already synchronized with another sourceAnchor', async () => {
    sandbox = await createEntraSandbox(LDIF);
    sandbox.emulator.directory.seed('users', {
      userPrincipalName: 'user3@contoso.com',
      displayName: 'Someone else',
      onPremisesImmutableId: 'b3RoZXI=',
    });
    runtime = await sandbox.open();
    const summary = await runtime.engine.cycle();
    const exportRun = summary.runs.find((r) => r.runProfile === 'export');
    expect(exportRun?.status).toBe('completed-export-errors');
    const grace = (await all(runtime, 'cloud')).find((o) => o.dn === cloudDn(guid(3)));
    expect(grace?.exportError).toMatchObject({ type: 'cd-existing-object' });
    expect(grace?.exportError?.message).toContain('already synchronized with another sourceAnchor');
    expect(users(sandbox).filter((u) => u.userPrincipalName === 'user3@contoso.com')).toHaveLength(1);
    expect(userByUpn(sandbox, 'user3@contoso.com')?.onPremisesImmutableId).toBe('b3RoZXI=');
  });

  it('reads cloud changes through the delta link: @removed deletes and members@delta membership', async () => {
    const { sb, rt } = await setup(
      'version: 1\n\n' +
        USERS.map(userLdif).join('') +
        groupLdif(1, 'Pioneers', [userDn('Ada Lovelace'), userDn('Alan Turing')]),
    );
    await rt.engine.cycle();
    await rt.engine.cycle('delta');
    const dir = sb.emulator.directory;
    const group = [...dir.objects.groups.values()][0] as Record<string, unknown>;
    const alan = userByUpn(sb, 'user2@contoso.com') as Record<string, unknown>;
    const grace = userByUpn(sb, 'user3@contoso.com') as Record<string, unknown>;
    const ada = userByUpn(sb, 'user1@contoso.com') as Record<string, unknown>;
    dir.removeMember(group.id as string, alan.id as string);
    dir.addMember(group.id as string, grace.id as string);
    dir.remove('users', ada.id as string);
    const before = sb.emulator.requests.length;

    const summary = await rt.engine.run('cloud', 'delta-import');
    expect(summary.status).toBe('success');
    expect(summary.counters).toMatchObject({ deletes: 1, updates: 1, adds: 0 });
    const urls = sb.emulator.requests.slice(before).map((r) => r.url);
    expect(urls.some((u) => u.startsWith('/v1.0/users/delta?$deltatoken='))).toBe(true);
    expect(urls.some((u) => u.startsWith('/v1.0/groups/delta?$deltatoken='))).toBe(true);
    const cloud = await all(rt, 'cloud');
    const staged = cloud.find((o) => o.objectType === 'group')?.pendingImport?.entry?.attributes.member ?? [];
    // Ada's deletion took her out of the group too, as Entra ID does.
    expect(staged.map((v) => (v as { ref: string }).ref)).toEqual([cloudDn(guid(3))]);
    expect(cloud.find((o) => o.dn === cloudDn(guid(1)))?.pendingImport?.operation).toBe('delete');

    // The watermark moved: a second delta import sees nothing new.
    const again = await rt.engine.run('cloud', 'delta-import');
    expect(again.counters).toMatchObject({ adds: 0, updates: 0, deletes: 0 });
  });

  it('adds and removes members with $ref when the on-premises group changes', async () => {
    const { sb, rt } = await setup();
    await rt.engine.cycle();
    await rt.engine.cycle('delta');
    await sb.writeLdif(
      'version: 1\n\n' +
        USERS.map(userLdif).join('') +
        groupLdif(1, 'Pioneers', [userDn('Ada Lovelace'), userDn('Grace Hopper')]),
    );
    const before = sb.emulator.requests.length;
    const summary = await rt.engine.cycle('delta');
    expect(summary.runs.find((r) => r.runProfile === 'export')?.status).toBe('success');
    expect(memberUpns(sb, 'Pioneers')).toEqual(['user1@contoso.com', 'user3@contoso.com']);
    const inner = sb.emulator.requests.slice(before).flatMap((r) => r.batch ?? []);
    const grace = userByUpn(sb, 'user3@contoso.com')?.id as string;
    const alan = userByUpn(sb, 'user2@contoso.com')?.id as string;
    expect(inner.some((i) => /^POST \/groups\/[^/]+\/members\/\$ref$/.test(i))).toBe(true);
    expect(inner.some((i) => i.endsWith(`/members/${alan}/$ref`) && i.startsWith('DELETE'))).toBe(true);
    expect(grace).toBeDefined();
    const confirm = await rt.engine.cycle('delta');
    expect(confirm.runs.every((r) => r.counters.errors === 0)).toBe(true);
    expect(await rt.store.countCs('cloud', { hasEscrowedExport: true })).toBe(0);
  });

  it('updates changed attributes with PATCH and deletes deprovisioned users with DELETE', async () => {
    const { sb, rt } = await setup();
    await rt.engine.cycle();
    await rt.engine.cycle('delta');
    const alan = userByUpn(sb, 'user2@contoso.com')?.id as string;
    const ada = userByUpn(sb, 'user1@contoso.com')?.id as string;
    const changed = [
      userLdif({ n: 1, cn: 'Ada Lovelace' }).replace('displayName: Ada Lovelace', 'displayName: Ada King'),
      userLdif(USERS[2]!),
    ];
    await sb.writeLdif('version: 1\n\n' + changed.join('') + groupLdif(1, 'Pioneers', [userDn('Ada Lovelace')]));
    const before = sb.emulator.requests.length;
    const summary = await rt.engine.cycle('delta');
    const exportRun = summary.runs.find((r) => r.runProfile === 'export');
    expect(exportRun?.status).toBe('success');
    expect(exportRun?.counters).toMatchObject({ exportDeletes: 1 });
    const inner = sb.emulator.requests.slice(before).flatMap((r) => r.batch ?? []);
    expect(inner).toContain(`PATCH /users/${ada}`);
    expect(inner).toContain(`DELETE /users/${alan}`);
    expect(sb.emulator.directory.objects.users.get(ada)?.displayName).toBe('Ada King');
    expect(sb.emulator.directory.objects.users.has(alan)).toBe(false);
    const confirm = await rt.engine.cycle('delta');
    expect(confirm.runs.every((r) => r.counters.errors === 0)).toBe(true);
    expect(await rt.store.countCs('cloud', {})).toBe(3);
    expect(await rt.store.countCs('cloud', { hasEscrowedExport: true })).toBe(0);
  });

  it('tells apart sourceAnchors that differ only in case, as Entra ID does', async () => {
    const { sb, rt } = await setup(
      'version: 1\n\n' + userLdif({ n: 1, cn: 'One' }) + userLdif({ n: 105, cn: 'Hundred Five' }),
    );
    expect(guid(105).toLowerCase()).toBe(guid(1).toLowerCase());
    await rt.engine.cycle();
    const next = await rt.engine.cycle('delta');
    expect(next.runs.every((r) => r.counters.errors === 0)).toBe(true);
    expect(
      users(sb)
        .map((u) => u.onPremisesImmutableId)
        .sort(),
    ).toEqual([guid(1), guid(105)].sort());
  });

  it('replaces a single member and clears a membership, removing what Graph still has', async () => {
    const ldif = (members: string[]): string =>
      'version: 1\n\n' + USERS.map(userLdif).join('') + groupLdif(1, 'Pioneers', members);
    const { sb, rt } = await setup(ldif([userDn('Ada Lovelace')]));
    await rt.engine.cycle();
    await rt.engine.cycle('delta');
    expect(memberUpns(sb, 'Pioneers')).toEqual(['user1@contoso.com']);

    await sb.writeLdif(ldif([userDn('Grace Hopper')]));
    await rt.engine.cycle('delta');
    expect(memberUpns(sb, 'Pioneers')).toEqual(['user3@contoso.com']);

    await sb.writeLdif(ldif([]));
    await rt.engine.cycle('delta');
    expect(memberUpns(sb, 'Pioneers')).toEqual([]);
    const confirm = await rt.engine.cycle('delta');
    expect(confirm.runs.every((r) => r.counters.errors === 0)).toBe(true);
    expect(await rt.store.countPendingExports('cloud')).toEqual({});
  });
});
