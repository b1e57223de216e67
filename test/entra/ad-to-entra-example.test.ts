import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';

const run = promisify(execFile);
let dir: string | undefined;

afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = undefined;
});

describe('examples/ad-to-entra', () => {
  it('runs against the Graph emulator: creates, soft-matches and moves a member, with exit 0', async () => {
    dir = await mkdtemp(join(tmpdir(), 'idsync-example-'));
    const script = resolve('examples/ad-to-entra/run-against-emulator.ts');
    const { stdout } = await run(process.execPath, ['--import', 'tsx', script], {
      env: { ...process.env, IDSYNC_EXAMPLE_DIR: join(dir, 'ad-to-entra') },
      timeout: 120_000,
    });
    expect(stdout).toContain('aad        export       success');
    expect(stdout).toMatch(/user {2}dknuth@contoso\.com {2}onPremisesImmutableId=BwAAAAAAAAAAAAAAAQAqKg==/);
    expect(stdout).toContain(
      'group Pioneers  members: alovelace@contoso.com, aturing@contoso.com, dknuth@contoso.com, kjohnson@contoso.com',
    );
    expect(stdout.match(/^ {2}user /gm)).toHaveLength(8);
    expect(stdout).not.toMatch(/errors|stopped-|no-start/);
  });
});
