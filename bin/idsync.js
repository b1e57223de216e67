#!/usr/bin/env node
// The published entry point runs the compiled CLI (`npm install` builds it through `prepare`).
import { setFlagsFromString } from 'node:v8';

// A sync batch allocates many short-lived objects (towers, deltas, rows): a larger young generation
// lets them die young. Measured on the 20k-object benchmark: about 15% less CPU for the initial cycle.
setFlagsFromString('--max-semi-space-size=32');

const { main } = await import('../dist/cli/main.js');

process.exitCode = await main(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  cwd: process.cwd(),
});
