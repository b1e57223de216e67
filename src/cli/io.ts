/** The process surface a command may touch; tests pass their own. */
export interface CliIo {
  readonly stdout: NodeJS.WritableStream & { isTTY?: boolean };
  readonly stderr: NodeJS.WritableStream & { isTTY?: boolean };
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
}

/** Exit codes (DESIGN.md §4). */
export const EXIT = {
  ok: 0,
  completedWithErrors: 1,
  usage: 2,
  unavailable: 3,
  refused: 4,
} as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export function writeLine(stream: NodeJS.WritableStream, text = ''): void {
  stream.write(text + '\n');
}

export function writeJson(io: CliIo, data: unknown): void {
  writeLine(
    io.stdout,
    JSON.stringify(
      data,
      (_key, value: unknown) => {
        if (typeof value === 'bigint') return value.toString();
        if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
        return value;
      },
      2,
    ),
  );
}

/** Renders rows as an aligned plain-text table. */
export function renderTable(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}
