import { afterEach, describe, expect, it } from 'vitest';
import type { Runtime } from '../../src/cli/compose.js';
import { createEntraSandbox, type EntraSandbox } from '../graph-emulator/harness.js';
import { groupLdif, guid, userDn, userLdif } from '../helpers/sandbox.js';

const PEOPLE = Array.from({ length: 5 }, (_, i) => ({ n: i + 1, cn: `Person ${i + 1}` }));
const LDIF =
  'version: 1\n\n' +
  PEOPLE.map(userLdif).join('') +
  groupLdif(
    1,
    'Everyone',
    PEOPLE.map((p) => userDn(p.cn)),
  );

let sandbox: EntraSandbox | undefined;
let runtime: Runtime | undefined;

afterEach(async () => {
  await runtime?.close();
  runtime = undefined;
  await sandbox?.cleanup();
  sandbox = undefined;
});

describe('entra connector paging and hostile values', () => {
  it('follows @odata.nextLink through small pages of users, group members and delta results', async () => {
    sandbox = await createEntraSandbox(LDIF, '    pageSize: 2\n');
    runtime = await sandbox.open();
    await runtime.engine.cycle();
    const before = sandbox.emulator.requests.length;
    const full = await runtime.engine.run('cloud', 'full-import');
    expect(full.status).toBe('success');
    expect(await runtime.store.countCs('cloud', {})).toBe(6);
    const urls = sandbox.emulator.requests.slice(before).map((r) => r.url);
    expect(urls.filter((u) => u.startsWith('/v1.0/users?')).length).toBe(3);
    expect(urls.filter((u) => /^\/v1\.0\/groups\/[^/]+\/members\?.*(\$|%24)skiptoken=/.test(u)).length).toBe(2);
    const group = await (async () => {
      for await (const page of (runtime as Runtime).store.scanCs('cloud', {}, 100)) {
        const found = page.find((o) => o.objectType === 'group');
        if (found) return found;
      }
      return undefined;
    })();
    const image = group?.pendingImport?.entry ?? group?.synchronizedHologram;
    expect(image?.attributes.member).toHaveLength(5);

    for (const user of sandbox.emulator.directory.objects.users.values()) {
      sandbox.emulator.directory.update('users', user.id as string, { jobTitle: 'Pioneer' });
    }
    const mark = sandbox.emulator.requests.length;
    const delta = await runtime.engine.run('cloud', 'delta-import');
    expect(delta.counters.adds + delta.counters.updates).toBe(5);
    const deltaPages = sandbox.emulator.requests.slice(mark).filter((r) => r.url.startsWith('/v1.0/users/delta'));
    expect(deltaPages.length).toBe(3);
  });

  it('soft-matches a userPrincipalName with an apostrophe, quoting it as OData requires', async () => {
    const ldif =
      'version: 1\n\n' +
      userLdif({ n: 7, cn: "Maureen O'Hara" }).replace(
        'userPrincipalName: user7@contoso.com',
        "userPrincipalName: o'hara@contoso.com",
      );
    sandbox = await createEntraSandbox(ldif);
    const cloudOnly = sandbox.emulator.directory.seed('users', {
      userPrincipalName: "o'hara@contoso.com",
      displayName: 'M',
      onPremisesImmutableId: null,
    });
    runtime = await sandbox.open();
    const summary = await runtime.engine.cycle();
    expect(summary.runs.find((r) => r.runProfile === 'export')?.status).toBe('success');
    expect(sandbox.emulator.directory.objects.users.size).toBe(1);
    expect(sandbox.emulator.directory.objects.users.get(cloudOnly.id as string)?.onPremisesImmutableId).toBe(guid(7));
  });
});
