import { spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createSandbox, groupLdif, userDn, userLdif, type Sandbox } from '../helpers/sandbox.js';

const LDIF =
  'version: 1\n\n' +
  userLdif({ n: 1, cn: 'Ada Lovelace' }) +
  userLdif({ n: 2, cn: 'Alan Turing' }) +
  groupLdif(1, 'Pioneers', [userDn('Ada Lovelace')]);

let sandbox: Sandbox | undefined;
afterEach(async () => {
  await sandbox?.cleanup();
  sandbox = undefined;
});

async function setup(ldif = LDIF): Promise<Sandbox> {
  sandbox = await createSandbox(ldif);
  return sandbox;
}

describe('idsync CLI', () => {
  it('prints help for every command and exits 0', async () => {
    const sb = await setup();
    for (const command of ['run', 'cycle', 'status', 'staging', 'cs', 'mv', 'history', 'quickstart']) {
      const result = await sb.cli(command, '--help');
      expect(result.code, command).toBe(0);
      expect(result.stdout, command).toContain(`idsync ${command}`);
    }
  });

  it('runs a cycle, reports pending exports held back by staging mode, and shows them in status --json', async () => {
    const sb = await setup();
    const cycle = await sb.cli('cycle');
    expect(cycle.code).toBe(0);
    expect(cycle.stdout).toContain('Staging mode is enabled: exports were held back');
    expect(cycle.stdout).toContain('cloud: 3 adds');
    const status = await sb.cli('status', '--json');
    const parsed = JSON.parse(status.stdout) as {
      stagingModeEnabled: boolean;
      connectors: { name: string; pendingExports: object }[];
    };
    expect(parsed.stagingModeEnabled).toBe(true);
    expect(parsed.connectors.find((c) => c.name === 'cloud')?.pendingExports).toEqual({ add: 3 });
  });

  it('exits 4 when an export is refused by staging mode, naming the reason', async () => {
    const sb = await setup();
    await sb.cli('cycle');
    const result = await sb.cli('run', 'cloud', 'export');
    expect(result.code).toBe(4);
    expect(result.stderr).toContain('staging mode');
  });

  it('exits 2 naming the file, line and field for an invalid config', async () => {
    const sb = await setup();
    await writeFile(sb.configPath, 'connectors:\n  - name: corp\n    type: ldff\n    path: x.ldif\n');
    const result = await sb.cli('status');
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/idsync\.yaml:3:\d+/);
    expect(result.stderr).toContain('connectors[0].type');
  });

  it('exits 2 for an unknown run profile and an unknown flag', async () => {
    const sb = await setup();
    expect((await sb.cli('run', 'corp', 'fullimport')).code).toBe(2);
    const flag = await sb.cli('cycle', '--polcy', 'delta');
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain('--polcy');
  });

  it('exits 3 with stopped-connectivity when the directory file is missing', async () => {
    const sb = await setup();
    const text = await readFile(sb.configPath, 'utf8');
    await writeFile(sb.configPath, text.replace('onprem.ldif', 'missing.ldif'));
    const result = await sb.cli('run', 'corp', 'full-import');
    expect(result.code).toBe(3);
    expect(result.stdout).toContain('stopped-connectivity');
  });

  it('searches the connector space and shows an object with its tower', async () => {
    const sb = await setup();
    await sb.cli('cycle');
    const search = await sb.cli('cs', 'search', 'cloud', '--pending-export', '--json');
    const found = JSON.parse(search.stdout) as { total: number; objects: { id: string; dn: string }[] };
    expect(found.total).toBe(3);
    const show = await sb.cli('cs', 'show', 'cloud', '--id', found.objects[0]?.id ?? '');
    expect(show.code).toBe(0);
    expect(show.stdout).toContain('unapplied export (add)');
    const mv = await sb.cli(
      'mv',
      'search',
      '--attribute',
      'userPrincipalName',
      '--value',
      'USER1@contoso.com',
      '--json',
    );
    expect((JSON.parse(mv.stdout) as { total: number }).total).toBe(1);
  });

  it('lists run history newest first with --last', async () => {
    const sb = await setup();
    await sb.cli('cycle');
    const history = await sb.cli('history', '--last', '2', '--json');
    const runs = JSON.parse(history.stdout) as { runProfile: string }[];
    expect(runs).toHaveLength(2);
    expect(runs[0]?.runProfile).toBe('export');
  });

  it('makes a second writer wait and then refuse while another idsync process holds the database', async () => {
    const sb = await setup();
    const holder = await sb.open();
    try {
      const started = Date.now();
      const result = await sb.cli('cycle');
      expect(result.code).toBe(3);
      expect(result.stderr).toContain(String(process.pid));
      expect(Date.now() - started).toBeGreaterThanOrEqual(150);
      expect(await holder.store.countMv({})).toBe(0);
    } finally {
      await holder.close();
    }
    expect((await sb.cli('cycle')).code).toBe(0);
  });

  it('runs the built CLI through bin/idsync.js with a real process and exit code', async () => {
    const sb = await setup();
    const code = await new Promise<number>((resolve, reject) => {
      const child = spawn(
        process.execPath,
        ['--import', 'tsx', join(process.cwd(), 'src/cli/main.ts'), 'staging', 'status', '--config', sb.configPath],
        {
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.on('error', reject);
      child.on('close', (c) => {
        expect(out).toContain('StagingModeEnabled : True');
        resolve(c ?? -1);
      });
    });
    expect(code).toBe(0);
  });
});
