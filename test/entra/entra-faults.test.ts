import { afterEach, describe, expect, it } from 'vitest';
import type { Runtime } from '../../src/cli/compose.js';
import { createEntraSandbox, type EntraSandbox } from '../graph-emulator/harness.js';
import { groupLdif, userDn, userLdif } from '../helpers/sandbox.js';

const LDIF =
  'version: 1\n\n' +
  [
    { n: 1, cn: 'Ada Lovelace' },
    { n: 2, cn: 'Alan Turing' },
    { n: 3, cn: 'Grace Hopper' },
  ]
    .map(userLdif)
    .join('') +
  groupLdif(1, 'Pioneers', [userDn('Ada Lovelace'), userDn('Alan Turing')]);

/** The `$batch` that creates users (its body names POST /users). */
const isUserCreateBatch = (method: string, url: string, body: string): boolean =>
  method === 'POST' && url === '/v1.0/$batch' && body.includes('"method":"POST","url":"/users"');

let sandbox: EntraSandbox | undefined;
let runtime: Runtime | undefined;

afterEach(async () => {
  await runtime?.close();
  runtime = undefined;
  await sandbox?.cleanup();
  sandbox = undefined;
});

async function setup(): Promise<{ sb: EntraSandbox; rt: Runtime }> {
  sandbox = await createEntraSandbox(LDIF);
  runtime = await sandbox.open();
  return { sb: sandbox, rt: runtime };
}

function counts(sb: EntraSandbox): { users: number; groups: number; members: number } {
  const dir = sb.emulator.directory;
  const group = [...dir.objects.groups.values()][0];
  return {
    users: dir.objects.users.size,
    groups: dir.objects.groups.size,
    members: group ? (dir.members.get(group.id as string)?.size ?? 0) : 0,
  };
}

describe('entra connector under faults', () => {
  it('waits for Retry-After when Graph throttles with 429, then completes', async () => {
    const { sb, rt } = await setup();
    sb.emulator.faults.throttle(2, 1, isUserCreateBatch);
    const summary = await rt.engine.cycle();
    expect(summary.runs.find((r) => r.runProfile === 'export')?.status).toBe('success');
    expect(counts(sb)).toEqual({ users: 3, groups: 1, members: 2 });
    const creates = sb.emulator.requests.filter((r) => r.batch?.includes('POST /users'));
    expect(creates.map((r) => r.status)).toEqual([429, 429, 200]);
    expect((creates[1]?.at ?? 0) - (creates[0]?.at ?? 0)).toBeGreaterThanOrEqual(1000);
    expect((creates[2]?.at ?? 0) - (creates[1]?.at ?? 0)).toBeGreaterThanOrEqual(1000);
  });

  it('sends requests throttled inside a $batch again after their Retry-After', async () => {
    const { sb, rt } = await setup();
    await rt.engine.run('corp', 'full-import');
    await rt.engine.run('cloud', 'full-import');
    await rt.engine.run('corp', 'full-sync');
    sb.emulator.faults.throttleBatchItems(2, 1);
    const summary = await rt.engine.run('cloud', 'export');
    expect(summary.status).toBe('success');
    expect(counts(sb)).toEqual({ users: 3, groups: 1, members: 2 });
    const batches = sb.emulator.requests.filter((r) => r.batch);
    const first = batches[0];
    const retry = batches[1];
    expect(retry?.batch).toEqual(first?.batch?.slice(0, 2));
    expect((retry?.at ?? 0) - (first?.at ?? 0)).toBeGreaterThanOrEqual(1000);
  });

  it('keeps a write whose response was dropped escrowed, and the next import confirms it without a duplicate', async () => {
    const { sb, rt } = await setup();
    sb.emulator.faults.dropResponse(1, isUserCreateBatch);
    const first = await rt.engine.cycle();
    expect(first.runs.find((r) => r.runProfile === 'export')?.status).toBe('success');
    expect(sb.emulator.requests.some((r) => r.status === 0 && r.batch?.includes('POST /users'))).toBe(true);
    expect(await rt.store.countCs('cloud', { hasEscrowedExport: true })).toBe(4);

    const second = await rt.engine.cycle('delta');
    expect(second.runs.every((r) => r.counters.errors === 0)).toBe(true);
    expect(await rt.store.countCs('cloud', { hasEscrowedExport: true })).toBe(0);
    expect(await rt.store.countPendingExports('cloud')).toEqual({});
    expect(counts(sb)).toEqual({ users: 3, groups: 1, members: 2 });
    const creates = sb.emulator.requests.flatMap((r) => r.batch ?? []).filter((i) => i === 'POST /users');
    expect(creates).toHaveLength(3);
  });

  it('turns a response that is not JSON into export errors, and the retry matches instead of creating again', async () => {
    const { sb, rt } = await setup();
    sb.emulator.faults.malformed(1, isUserCreateBatch);
    const first = await rt.engine.cycle();
    const exportRun = first.runs.find((r) => r.runProfile === 'export');
    expect(exportRun?.status).toBe('completed-export-errors');
    expect(exportRun?.counters.errors).toBeGreaterThan(0);

    await rt.engine.cycle('delta');
    const third = await rt.engine.cycle('delta');
    expect(third.runs.every((r) => r.counters.errors === 0)).toBe(true);
    expect(counts(sb)).toEqual({ users: 3, groups: 1, members: 2 });
    expect(sb.emulator.requests.flatMap((r) => r.batch ?? []).filter((i) => i === 'POST /users')).toHaveLength(3);
    expect(await rt.store.countPendingExports('cloud')).toEqual({});
  });

  it('reports a cloud object without an id as an import error and imports the rest', async () => {
    const { sb, rt } = await setup();
    await rt.engine.cycle();
    sb.emulator.directory.seed('users', {
      id: undefined,
      userPrincipalName: 'ghost@contoso.com',
      onPremisesImmutableId: 'Z2hvc3Q=',
    });
    const summary = await rt.engine.run('cloud', 'full-import');
    expect(summary.status).toBe('completed-import-errors');
    expect(summary.counters.errors).toBe(1);
    const run = await rt.store.getRun(summary.runId);
    expect(run?.issueCount).toBe(1);
    expect(await rt.store.countCs('cloud', {})).toBe(4);
  });

  it('fetches a listing page again when its body is not JSON', async () => {
    const { sb, rt } = await setup();
    await rt.engine.cycle();
    sb.emulator.faults.malformed(1, (method, url) => method === 'GET' && url.startsWith('/v1.0/users?'));
    const summary = await rt.engine.run('cloud', 'full-import');
    expect(summary.status).toBe('success');
    expect(sb.emulator.requests.filter((r) => r.url.startsWith('/v1.0/users?')).length).toBe(3);
    expect(await rt.store.countCs('cloud', { hasEscrowedExport: true })).toBe(0);
    expect(await rt.store.countCs('cloud', {})).toBe(4);
  });

  it('falls back to a full import when Graph no longer accepts the delta link', async () => {
    const { sb, rt } = await setup();
    await rt.engine.cycle();
    sb.emulator.faults.expireDeltaTokens();
    const summary = await rt.engine.run('cloud', 'delta-import');
    expect(summary.status).toBe('success');
    expect(summary.message).toContain('falling back to a full import');
  });
});
