import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from '../core/errors.js';

type Options = NonNullable<ParseArgsConfig['options']>;

/** Options every command accepts. */
export const COMMON_OPTIONS = {
  config: { type: 'string', short: 'c' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies Options;

/**
 * Strict parsing of one command's arguments: unknown flags and missing values are usage errors
 * that name the flag and the command.
 */
export function parseCommandArgs<T extends Options>(command: string, args: readonly string[], options: T) {
  try {
    return parseArgs({
      args: [...args],
      options: { ...COMMON_OPTIONS, ...options },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new UsageError(`idsync ${command}: ${reason}. See "idsync ${command} --help".`);
  }
}

export function requirePositional(
  command: string,
  positionals: readonly string[],
  index: number,
  name: string,
): string {
  const value = positionals[index];
  if (value === undefined || value === '') {
    throw new UsageError(`idsync ${command}: missing <${name}>. See "idsync ${command} --help".`);
  }
  return value;
}

export function parsePositiveInt(command: string, flag: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0)
    throw new UsageError(`idsync ${command}: --${flag} must be a positive integer, got "${value}"`);
  return n;
}
