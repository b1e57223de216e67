import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { ConfigError } from '../core/errors.js';

/** The forms a secret reference may take in `idsync.yaml`. */
export const SECRET_PREFIXES = ['env:', 'file:', 'plain:'] as const;

/**
 * A config field that holds a secret reference: checked for its form when the config is read
 * (an inline password is a config error with the file, line and field), resolved by
 * {@link resolveSecret} when the connector opens. One schema for every connector's credentials.
 */
export const secretReferenceSchema = z
  .string()
  .refine((value) => SECRET_PREFIXES.some((prefix) => value.startsWith(prefix)), {
    message: 'secrets are not written inline; use env:NAME, file:/path, or plain:<value> to insist',
  });

/**
 * Resolves a secret reference from the config, for connectors that need credentials.
 *
 * - `env:NAME` — the value of environment variable `NAME` (must be set and non-empty);
 * - `file:/path` — the contents of the file, trimmed (a trailing newline is never part of a secret);
 * - `plain:value` — the literal `value`. Inline secrets end up in backups, diffs and support bundles,
 *   so they must be marked explicitly; anything without one of these prefixes is rejected.
 *
 * `field` is the config path of the setting (`connectors[0].password`), named in every error.
 * Reads the file or the environment: call it when a connector opens, not while parsing the config.
 */
export function resolveSecret(ref: string, field: string, env: NodeJS.ProcessEnv = process.env): string {
  if (ref.startsWith('env:')) {
    const name = ref.slice('env:'.length);
    const value = name === '' ? undefined : env[name];
    if (value === undefined || value === '') {
      throw new ConfigError(`${field}: environment variable ${JSON.stringify(name)} is not set`, { field });
    }
    return value;
  }
  if (ref.startsWith('file:')) {
    const path = ref.slice('file:'.length);
    let value: string;
    try {
      value = readFileSync(path, 'utf8').trim();
    } catch (error) {
      throw new ConfigError(`${field}: cannot read secret file ${path}`, { field }, { cause: error });
    }
    if (value === '') throw new ConfigError(`${field}: secret file ${path} is empty`, { field });
    return value;
  }
  if (ref.startsWith('plain:')) return ref.slice('plain:'.length);
  throw new ConfigError(
    `${field}: secrets are not written inline; use env:NAME, file:/path, or plain:<value> to insist`,
    { field },
  );
}
