#!/usr/bin/env node
// The published entry point runs the compiled CLI (`npm install` builds it through `prepare`).
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';

// A sync batch allocates many short-lived objects (towers, deltas, rows): a larger young generation
// lets them die young. 64 MB semi-spaces took 12–14% off the 100k-object full sync against 32 MB,
// and 32 MB had taken about 15% off the 20k-object cycle against V8's 16 MB (docs/benchmarks.md).
// V8 sizes the young generation when Node starts (setting it later has no effect), so unless a
// size was given (command line or NODE_OPTIONS), this process runs the CLI in a child that has it.
const SEMI_SPACE_FLAG = '--max-semi-space-size';
const hasSemiSpace = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)].some((arg) =>
  arg.startsWith(SEMI_SPACE_FLAG),
);

if (!hasSemiSpace) {
  const child = spawn(
    process.execPath,
    [...process.execArgv, `${SEMI_SPACE_FLAG}=64`, fileURLToPath(import.meta.url), ...process.argv.slice(2)],
    { stdio: 'inherit' },
  );
  // Ctrl-C reaches both processes; a signal sent to this one alone is passed on.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
  child.on('error', (error) => {
    process.stderr.write(`idsync: cannot start ${process.execPath}: ${error.message}\n`);
    process.exitCode = 1;
  });
  child.on('exit', (code, signal) => {
    if (signal) {
      process.removeAllListeners(signal);
      process.kill(process.pid, signal);
    } else process.exitCode = code ?? 1;
  });
} else {
  // After each full GC, V8 lets the heap grow to 1.2 times what survived instead of its default
  // factor (up to 4 times here): unchecked, a sync's garbage piled up until the 1M-object initial
  // cycle peaked above 2 GB of RSS. There is no hard limit, so a run that needs the memory still
  // gets it. Read at every GC, so it applies when set here; `npm run bench` sets the same.
  setFlagsFromString('--heap-growing-percent=20');

  const { main } = await import('../dist/cli/main.js');

  process.exitCode = await main(process.argv.slice(2), {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    cwd: process.cwd(),
  });
}
