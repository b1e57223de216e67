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
  dir = await mkdtemp(join(tmpdir(), 'idsync-heap-'));
  // Every Node process started with this preload reports its heap limit on stderr.
  preload = join(dir, 'report-heap-limit.mjs');
  await writeFile(
    preload,
    "import { getHeapStatistics } from 'node:v8';\n" +
      'process.stderr.write(`heap-limit-mb ${Math.round(getHeapStatistics().heap_size_limit / 1048576)}\\n`);\n',
  );
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function runBin(env: Record<string, string>): Promise<{ code: number | null; stdout: string; limits: number[] }> {
  const child = spawn(process.execPath, [BIN, '--help'], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  });
  const limits = [...stderr.matchAll(/heap-limit-mb (\d+)/g)].map((m) => Number(m[1]));
  return { code, stdout: stdout + stderr, limits };
}

describe('bin/idsync.js heap limit', () => {
  it('runs the CLI in a process whose old generation is bounded by IDSYNC_HEAP_MB, and passes its exit code on', async () => {
    const result = await runBin({ NODE_OPTIONS: `--import ${preload}`, IDSYNC_HEAP_MB: '700' });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Usage: idsync');
    // The launcher (Node's default limit), then the CLI's process (700 MB plus the young generation).
    expect(result.limits).toHaveLength(2);
    expect(result.limits[1]).toBeGreaterThanOrEqual(700);
    expect(result.limits[1]).toBeLessThan(800);
  });

  it('keeps a limit given in NODE_OPTIONS and starts no second process', async () => {
    const result = await runBin({ NODE_OPTIONS: `--import ${preload} --max-old-space-size=600` });
    expect(result.code).toBe(0);
    expect(result.limits).toHaveLength(1);
    expect(result.limits[0]).toBeLessThan(700);
  });

  it('refuses an IDSYNC_HEAP_MB that is not a whole number, naming it', async () => {
    const result = await runBin({ IDSYNC_HEAP_MB: 'lots' });
    expect(result.code).toBe(2);
    expect(result.stdout).toContain('IDSYNC_HEAP_MB must be a whole number of MB');
  });
});
