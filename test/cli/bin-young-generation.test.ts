import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const BIN = join(process.cwd(), 'bin/idsync.js');
let dir: string;
let preload: string;

beforeAll(async () => {
  if (!existsSync(join(process.cwd(), 'dist/cli/main.js'))) {
    throw new Error('bin/idsync.js runs the compiled CLI: run "npm install" (or "npm run build") first');
  }
  dir = await mkdtemp(join(tmpdir(), 'idsync-young-'));
  // Every Node process started with this preload reports its young generation's size on stderr.
  preload = join(dir, 'report-new-space.mjs');
  await writeFile(
    preload,
    "import { getHeapSpaceStatistics } from 'node:v8';\n" +
      'let keep = []; for (let i = 0; i < 3e6; i++) { keep.push({ i, s: \"x\" + i }); if (keep.length > 2e5) keep = []; }\n' +
      "const space = getHeapSpaceStatistics().find((s) => s.space_name === 'new_space');\n" +
      'process.stderr.write(`new-space-mb ${Math.round(space.space_size / 1048576)}\\n`);\n',
  );
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function runBin(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; out: string; sizes: number[] }> {
  const child = spawn(process.execPath, [BIN, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  });
  return { code, out, sizes: [...out.matchAll(/new-space-mb (\d+)/g)].map((m) => Number(m[1])) };
}

describe('bin/idsync.js young generation', () => {
  it('runs the CLI in a process with 64 MB semi-spaces, and passes its exit code on', async () => {
    const help = await runBin(['--help'], { NODE_OPTIONS: `--import ${preload}` });
    expect(help.code).toBe(0);
    expect(help.out).toContain('Usage: idsync');
    // The launcher (V8's default), then the CLI's process (two 64 MB semi-spaces).
    expect(help.sizes).toHaveLength(2);
    expect(help.sizes[0]).toBeLessThan(64);
    expect(help.sizes[1]).toBe(128);
    const bad = await runBin(['no-such-command'], {});
    expect(bad.code).toBe(2);
  });

  it('keeps a size given in NODE_OPTIONS and starts no second process', async () => {
    const result = await runBin(['--help'], { NODE_OPTIONS: `--import ${preload} --max-semi-space-size=8` });
    expect(result.code).toBe(0);
    expect(result.sizes).toEqual([16]);
  });
});
