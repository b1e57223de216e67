import { afterEach, describe, expect, it, vi } from 'vitest';
import type { CsObject } from '../../src/core/connector-space.js';
import { SafetyGateError } from '../../src/core/errors.js';
import type { Runtime } from '../../src/cli/compose.js';
import { createSandbox, groupLdif, userDn, userLdif, type Sandbox } from '../helpers/sandbox.js';

const USERS = [
  { n: 1, cn: 'Ada Lovelace' },
  { n: 2, cn: 'Alan Turing' },
  { n: 3, cn: 'Grace Hopper', uac: 514 },
];
const BASE_LDIF =
  'version: 1\n\n' +
  USERS.map(userLdif).join('') +
  groupLdif(1, 'Pioneers', [userDn('Ada Lovelace'), userDn('Alan Turing')]);

let sandbox: Sandbox | undefined;
let runtime: Runtime | undefined;

afterEach(async () => {
  await runtime?.close();
  runtime = undefined;
  await sandbox?.cleanup();
  sandbox = undefined;
});

async function setup(ldif = BASE_LDIF, extraConfig = ''): Promise<{ sb: Sandbox; rt: Runtime }> {
  sandbox = await createSandbox(ldif, extraConfig);
  runtime = await sandbox.open();
  return { sb: sandbox, rt: runtime };
}

async function reopen(): Promise<Runtime> {
  await runtime?.close();
  runtime = await (sandbox as Sandbox).open();
  return runtime;
}

async function all(rt: Runtime, connector: string, query = {}): Promise<CsObject[]> {
  const out: CsObject[] = [];
  for await (const page of rt.store.scanCs(connector, query, 100)) out.push(...page);
  return out;
}

function byUpn(objects: readonly CsObject[], upn: string): CsObject | undefined {
  return objects.find((o) => {
    const image = o.synchronizedHologram ?? o.pendingImport?.entry;
    const fromImage = image?.attributes.userPrincipalName?.[0];
    const fromExport = o.unappliedExport?.changes.find((c) => c.name === 'userPrincipalName');
    const exported =
      fromExport && fromExport.operation !== 'delete' && 'values' in fromExport ? fromExport.values[0] : undefined;
    return fromImage === upn || exported === upn;
  });
}

describe('sync cycle over an LDIF directory and a cloud CSV with the default rules', () => {
  it('projects every object and stages one pending add per object in staging mode, exporting nothing', async () => {
    const { sb, rt } = await setup();
    const summary = await rt.engine.cycle();
    expect(summary.policy).toBe('initial');
    expect(summary.runs.map((r) => [r.connector, r.runProfile, r.status])).toEqual([
      ['corp', 'full-import', 'success'],
      ['cloud', 'full-import', 'success'],
      ['corp', 'full-sync', 'success'],
      ['cloud', 'full-sync', 'success'],
      ['cloud', 'export', 'skipped-staging-mode'],
    ]);
    expect(await rt.store.countMv({})).toBe(4);
    const cloudSync = summary.runs.find((r) => r.connector === 'cloud' && r.runProfile === 'full-sync');
    expect(cloudSync?.counters).toMatchObject({ deletes: 0, provisions: 0, disconnects: 0, deprovisions: 0 });
    expect(await rt.store.countPendingExports('cloud')).toEqual({ add: 4 });
    expect(summary.heldBack?.find((h) => h.connector === 'cloud')?.pending).toEqual({ add: 4 });
    expect(await sb.readCloud()).toBe('dn,objectType,objectId\n');
  });

  it('computes the cloud DN, sourceAnchor and accountEnabled as Entra Connect does', async () => {
    const { rt } = await setup();
    await rt.engine.cycle();
    const grace = byUpn(await all(rt, 'cloud'), 'user3@contoso.com');
    const delta = grace?.unappliedExport;
    expect(delta?.operation).toBe('add');
    const values = Object.fromEntries((delta?.changes ?? []).map((c) => [c.name, 'values' in c ? c.values : []]));
    const anchor = Buffer.alloc(16);
    anchor.writeUInt32LE(3, 0);
    anchor.writeUInt32LE(0xabcdef01, 12);
    const sourceAnchor = anchor.toString('base64');
    expect(values.sourceAnchor).toEqual([sourceAnchor]);
    expect(values.accountEnabled).toEqual([false]);
    expect(delta?.dn).toBe(`CN={${Buffer.from(sourceAnchor, 'utf8').toString('hex').toUpperCase()}}`);
    expect(delta?.sources?.sourceAnchor).toBe('Out to AAD - User Join');
  });

  it('exports when staging mode is off, and the confirming import clears every escrow', async () => {
    const { sb, rt } = await setup();
    await rt.engine.setStagingMode(false);
    const first = await rt.engine.cycle();
    const exportRun = first.runs.find((r) => r.connector === 'cloud' && r.runProfile === 'export');
    expect(exportRun?.status).toBe('success');
    expect(exportRun?.counters.exportAdds).toBe(4);
    expect(await rt.store.countCs('cloud', { hasEscrowedExport: true })).toBe(4);
    const csv = await sb.readCloud();
    expect(csv).toContain('user1@contoso.com');

    const second = await rt.engine.cycle('delta');
    expect(second.runs.every((r) => r.counters.errors === 0)).toBe(true);
    expect(await rt.store.countCs('cloud', { hasEscrowedExport: true })).toBe(0);
    expect(await rt.store.countPendingExports('cloud')).toEqual({});
    expect(await rt.store.countCs('cloud', { isConnector: true })).toBe(4);
  });

  it('resolves group members to the cloud DNs of the members', async () => {
    const { sb, rt } = await setup();
    await rt.engine.setStagingMode(false);
    await rt.engine.cycle();
    await rt.engine.cycle('delta');
    const cloud = await all(rt, 'cloud');
    const group = cloud.find((o) => o.objectType === 'group');
    const ada = byUpn(cloud, 'user1@contoso.com');
    const alan = byUpn(cloud, 'user2@contoso.com');
    const members = (group?.synchronizedHologram?.attributes.member ?? [])
      .map((v) => (v as { ref: string }).ref)
      .sort();
    expect(members).toEqual([ada?.dn, alan?.dn].sort());
    expect(await sb.readCloud()).toContain(ada?.dn ?? 'missing');
  });

  it('stages exactly the changed attribute after a directory change, with old and new values', async () => {
    const { sb, rt } = await setup();
    await rt.engine.setStagingMode(false);
    await rt.engine.cycle();
    await rt.engine.cycle('delta');
    await sb.writeLdif(BASE_LDIF.replace('displayName: Alan Turing', 'displayName: Alan M. Turing'));
    await rt.engine.setStagingMode(true);
    const summary = await rt.engine.cycle('delta');
    expect(summary.runs.find((r) => r.connector === 'corp' && r.runProfile === 'delta-import')?.counters.updates).toBe(
      1,
    );
    const pending = await all(rt, 'cloud', { hasPendingExport: true });
    expect(pending).toHaveLength(1);
    expect(pending[0]?.unappliedExport?.changes).toEqual([
      { operation: 'replace', name: 'displayName', values: ['Alan M. Turing'] },
    ]);
    expect(pending[0]?.synchronizedHologram?.attributes.displayName).toEqual(['Alan Turing']);
  });

  it('stages a delete in the cloud when a user disappears from the directory', async () => {
    const { sb, rt } = await setup();
    await rt.engine.setStagingMode(false);
    await rt.engine.cycle();
    await rt.engine.cycle('delta');
    await sb.writeLdif(BASE_LDIF.replace(userLdif(USERS[2] as (typeof USERS)[number]), ''));
    await rt.engine.setStagingMode(true);
    await rt.engine.cycle('delta');
    expect(await rt.store.countPendingExports('cloud')).toEqual({ delete: 1 });
    expect(await rt.store.countMv({})).toBe(3);
    await rt.engine.setStagingMode(false);
    await rt.engine.cycle('delta');
    await rt.engine.cycle('delta');
    expect(await rt.store.countCs('cloud', {})).toBe(3);
    expect(await sb.readCloud()).not.toContain('user3@contoso.com');
  });

  it('adds a member that arrives in a later run to the group', async () => {
    const later = { n: 9, cn: 'Late Comer' };
    const ldif = BASE_LDIF.replace(
      `member: ${userDn('Alan Turing')}`,
      `member: ${userDn('Alan Turing')}\nmember: ${userDn(later.cn)}`,
    );
    const { sb, rt } = await setup(ldif);
    await rt.engine.cycle();
    const before = (await all(rt, 'cloud')).find((o) => o.objectType === 'group');
    const memberChange = before?.unappliedExport?.changes.find((c) => c.name === 'member');
    expect(memberChange && 'values' in memberChange ? memberChange.values : []).toHaveLength(2);

    await sb.writeLdif(ldif + userLdif(later));
    await rt.engine.cycle('delta');
    const after = (await all(rt, 'cloud')).find((o) => o.objectType === 'group');
    const change = after?.unappliedExport?.changes.find((c) => c.name === 'member');
    expect(change && 'values' in change ? change.values : []).toHaveLength(3);
  });

  it('rebuilds from the directories without exporting anything spurious (objects rejoin on sourceAnchor)', async () => {
    const { sb, rt } = await setup();
    await rt.engine.setStagingMode(false);
    await rt.engine.cycle();
    await rt.engine.cycle('delta');
    await rt.close();
    runtime = undefined;
    const { rm } = await import('node:fs/promises');
    await rm(`${sb.dir}/state`, { recursive: true, force: true });
    const fresh = await reopen();
    const summary = await fresh.engine.cycle();
    expect(summary.runs.find((r) => r.connector === 'corp' && r.runProfile === 'full-sync')?.counters.joins).toBe(4);
    expect(await fresh.store.countPendingExports('cloud')).toEqual({});
    expect(await fresh.store.countCs('cloud', { isConnector: true })).toBe(4);
  });

  it('records a failing expression as a per-object sync error naming the rule and attribute, and goes on', async () => {
    const extra = `
  rules:
    - name: In from AD - Strict titles
      direction: inbound
      connector: corp
      csObjectType: user
      mvObjectType: person
      precedence: 50
      flows:
        - target: jobTitle
          expression: 'IIF([sAMAccountName]="user2",Error("user2 has no title"),"Staff")'
`;
    const { rt } = await setup(BASE_LDIF, extra);
    const summary = await rt.engine.cycle();
    const sync = summary.runs.find((r) => r.connector === 'corp' && r.runProfile === 'full-sync');
    expect(sync?.status).toBe('completed-sync-errors');
    expect(sync?.counters.errors).toBe(1);
    const issues = await rt.store.listRunIssues(sync?.runId ?? 0, 10);
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({
      code: 'sync-rule-error-function-triggered',
      rule: 'In from AD - Strict titles',
      attribute: 'jobTitle',
    });
    expect(await rt.store.countPendingExports('cloud')).toEqual({ add: 3 });
    expect(await rt.store.countCs('corp', { hasPendingImport: true })).toBe(1);
  });

  it('lets a custom rule with lower precedence win an attribute', async () => {
    const extra = `
  rules:
    - name: In from AD - Display names
      direction: inbound
      connector: corp
      csObjectType: user
      mvObjectType: person
      precedence: 50
      flows:
        - { target: displayName, expression: 'UCase([cn])' }
`;
    const { rt } = await setup(BASE_LDIF, extra);
    await rt.engine.cycle();
    const mv = [];
    for await (const page of rt.store.scanMv({ attribute: 'userPrincipalName', value: 'user1@contoso.com' }, 10))
      mv.push(...page);
    expect(mv[0]?.attributes.displayName).toEqual(['ADA LOVELACE']);
    expect(mv[0]?.contributions.displayName?.rule).toBe('In from AD - Display names');
  });

  it('imports the rest when one LDIF record is malformed and records the bad one in run history', async () => {
    const broken = BASE_LDIF.replace('dn: CN=Alan Turing', 'dn CN=Alan Turing');
    const { rt } = await setup(broken);
    const run = await rt.engine.run('corp', 'full-import');
    expect(run.status).toBe('completed-import-errors');
    expect(run.counters.adds).toBe(3);
    expect((await rt.store.listRunIssues(run.runId, 10))[0]?.code).toBe('import-error');
    expect(await rt.store.getWatermark('corp')).not.toBeNull();
  });

  it('refuses an explicit export in staging mode and exports with force, recording why', async () => {
    const { rt } = await setup();
    await rt.engine.cycle();
    await expect(rt.engine.run('cloud', 'export')).rejects.toBeInstanceOf(SafetyGateError);
    const forced = await rt.engine.run('cloud', 'export', { isExportForced: true });
    expect(forced.status).toBe('success');
    expect(forced.message).toContain('--force-export');
    expect((await rt.store.getRun(forced.runId))?.message).toContain('--force-export');
  });

  it('stops the export before the first delete when the deletion threshold is exceeded', async () => {
    const { sb, rt } = await setup(BASE_LDIF, '\ndeletionThreshold: { count: 1 }\n');
    await rt.engine.setStagingMode(false);
    await rt.engine.cycle();
    await rt.engine.cycle('delta');
    await sb.writeLdif('version: 1\n\n' + userLdif(USERS[0] as (typeof USERS)[number]));
    const summary = await rt.engine.cycle('delta');
    const exportRun = summary.runs.find((r) => r.connector === 'cloud' && r.runProfile === 'export');
    expect(exportRun?.status).toBe('stopped-deletion-threshold-exceeded');
    expect(await rt.store.countPendingExports('cloud')).toEqual({ delete: 3 });
    expect(await sb.readCloud()).toContain('user3@contoso.com');
  });

  it('applies each export result once, and only to objects that were sent', async () => {
    const { rt } = await setup();
    await rt.engine.cycle();
    const cloud = rt.ctx.connectors.get('cloud');
    const [stranger] = await all(rt, 'corp');
    if (!cloud || !stranger) throw new Error('the sandbox has no cloud connector or no corp object');
    const realExport = cloud.export.bind(cloud);
    // A connector that answers twice for each object, and for an object of another connector.
    vi.spyOn(cloud, 'export').mockImplementation(async function* (requests, options) {
      for await (const result of realExport(requests, options)) {
        yield result;
        yield result;
      }
      yield { csId: stranger.id, ok: false, error: { type: 'cd-error', message: 'not mine', isRetryable: false } };
    });
    const summary = await rt.engine.run('cloud', 'export', { isExportForced: true });
    expect(summary.status).toBe('success');
    expect(summary.counters).toMatchObject({ exportAdds: 4, errors: 0 });
    expect(await rt.store.countCs('cloud', { hasEscrowedExport: true })).toBe(4);
    expect(await rt.store.getCsObjects([stranger.id])).toEqual([stranger]);
  });

  it('reads neither towers nor metaverse objects to sync cloud objects that no import has seen yet', async () => {
    const { rt } = await setup();
    for (const [connector, profile] of [
      ['corp', 'full-import'],
      ['cloud', 'full-import'],
      ['corp', 'full-sync'],
    ] as const) {
      await rt.engine.run(connector, profile);
    }
    const mvReads = vi.spyOn(rt.store, 'getMvObjects');
    const linkReads = vi.spyOn(rt.store, 'findCsByMvIds');
    const scanned: string[] = [];
    const realScan = rt.store.scanCs.bind(rt.store);
    vi.spyOn(rt.store, 'scanCs').mockImplementation(async function* (connector, query, batchSize) {
      for await (const page of realScan(connector, query, batchSize)) {
        scanned.push(...page.map((cs) => cs.id));
        yield page;
      }
    });
    const summary = await rt.engine.run('cloud', 'full-sync');
    expect(summary.status).toBe('success');
    expect(summary.counters).toMatchObject({ unchanged: 4, updates: 0, provisions: 0, deletes: 0 });
    expect(mvReads).not.toHaveBeenCalled();
    expect(linkReads).not.toHaveBeenCalled();
    expect(scanned).toEqual([]);
    expect(await rt.store.countPendingExports('cloud')).toEqual({ add: 4 });
  });

  it('tells the store which pending imports a sync applied unchanged, so it can move them', async () => {
    const { rt } = await setup();
    await rt.engine.run('corp', 'full-import');
    const pending = await all(rt, 'corp', { hasPendingImport: true });
    const applies = vi.spyOn(rt.store, 'apply');
    expect((await rt.engine.run('corp', 'full-sync')).status).toBe('success');
    const hinted = applies.mock.calls.flatMap(([changes]) => [...(changes.csAppliedImports ?? [])]);
    expect(hinted.sort()).toEqual(pending.map((cs) => cs.id).sort());
    for (const cs of await rt.store.getCsObjects(hinted)) {
      const before = pending.find((p) => p.id === cs.id);
      expect(cs.pendingImport).toBeNull();
      expect(cs.synchronizedHologram).toEqual(before?.pendingImport?.entry);
    }
  });

  it('does no work in a delta cycle when nothing changed', async () => {
    const { rt } = await setup();
    await rt.engine.cycle();
    const summary = await rt.engine.cycle('delta');
    for (const run of summary.runs) {
      expect(run.counters.adds + run.counters.updates + run.counters.deletes + run.counters.projections).toBe(0);
    }
  });
});
