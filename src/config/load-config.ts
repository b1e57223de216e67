import { readFile } from 'node:fs/promises';
import { ConfigError } from '../core/errors.js';
import { parseConfig, type IdsyncConfig } from './parse-config.js';

/** The environment variable naming the config file when no path is given. */
export const CONFIG_ENV_VAR = 'IDSYNC_CONFIG';
export const DEFAULT_CONFIG_FILE = './idsync.yaml';

/** Which file {@link loadConfig} reads: the argument, else `$IDSYNC_CONFIG`, else `./idsync.yaml`. */
export function configPathFrom(path: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  if (path !== undefined && path !== '') return path;
  const fromEnv = env[CONFIG_ENV_VAR];
  return fromEnv !== undefined && fromEnv !== '' ? fromEnv : DEFAULT_CONFIG_FILE;
}

/**
 * Reads and parses the config file (the only I/O of this folder). A missing or unreadable file is a
 * {@link ConfigError} that names the path and how to pass another one; problems in the file are a
 * `ConfigValidationError` (see {@link parseConfig}).
 */
export async function loadConfig(path?: string): Promise<IdsyncConfig> {
  const file = configPathFrom(path);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const isMissing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    const what = isMissing ? 'config file not found' : 'cannot read config file';
    const hint = `pass its path with --config <file> or set ${CONFIG_ENV_VAR}`;
    throw new ConfigError(`${what}: ${file} (${hint})`, { file }, { cause: error });
  }
  return parseConfig(text, file);
}
