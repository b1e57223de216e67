import { dirname, resolve } from 'node:path';
import type { SyncRule } from '../core/sync-rule.js';
import { ConfigValidationError, type PendingProblem } from './config-problem.js';
import type { ConnectorConfig } from './connector-config.js';
import type { ConnectorEntry } from './connector-schema.js';
import { normalizeRule } from './normalize-rule.js';
import { draftRules } from './rule-drafts.js';
import { configSchema, type ConfigEntry } from './schema.js';
import { validateConfig, type CheckedRule } from './validate-config.js';
import { parseYamlSource, type YamlSource } from './yaml-source.js';
import { problemsFromZod } from './zod-problems.js';

/** The validated, normalized and deep-frozen contents of `idsync.yaml`. */
export interface IdsyncConfig {
  /** The config file as named by the caller. */
  readonly file: string;
  /** Absolute directory of the config file; relative paths in the file are resolved against it. */
  readonly baseDir: string;
  readonly server: Readonly<ConfigEntry['server']>;
  /** `path` is absolute. */
  readonly store: Readonly<ConfigEntry['store']>;
  readonly connectors: readonly ConnectorConfig[];
  /** Connector name → expression parameters (`%Domain.FQDN%`) for that connector's rules. */
  readonly parameters: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /** Preset rules (with overrides) and custom rules, sorted by precedence. */
  readonly syncRules: readonly SyncRule[];
  readonly deletionThreshold: Readonly<ConfigEntry['deletionThreshold']>;
}

/** Freezes plain objects and arrays all the way down; binary values and class instances are left alone. */
export function deepFreeze<T>(value: T): T {
  if (Array.isArray(value) || (value !== null && typeof value === 'object' && isPlain(value))) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

function isPlain(value: object): boolean {
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

function toConnectorConfig(entry: ConnectorEntry, baseDir: string): ConnectorConfig {
  const { parameters: _parameters, ...connector } = entry;
  switch (connector.type) {
    case 'ldif':
    case 'csv':
      return { ...connector, path: resolve(baseDir, connector.path) };
    case 'ldap': {
      const { caFile } = connector.tls;
      return caFile === undefined
        ? connector
        : { ...connector, tls: { ...connector.tls, caFile: resolve(baseDir, caFile) } };
    }
    case 'entra': {
      const { caFile, certificate } = connector;
      return {
        ...connector,
        ...(caFile !== undefined ? { caFile: resolve(baseDir, caFile) } : {}),
        ...(certificate
          ? {
              certificate: {
                ...certificate,
                privateKeyFile: resolve(baseDir, certificate.privateKeyFile),
                ...(certificate.certificateFile !== undefined
                  ? { certificateFile: resolve(baseDir, certificate.certificateFile) }
                  : {}),
              },
            }
          : {}),
      };
    }
    default:
      return connector;
  }
}

function fail(file: string, source: YamlSource, problems: readonly PendingProblem[]): never {
  throw new ConfigValidationError(
    file,
    problems.map((problem) => source.locate(problem)),
  );
}

/**
 * Parses, normalizes and validates the text of an `idsync.yaml` (pure: no file access; `file` names
 * the file in messages and anchors relative paths; a relative `file` is taken from the current
 * directory). Throws one {@link ConfigValidationError} listing
 * every problem with its line, column and field path.
 */
export function parseConfig(text: string, file: string): IdsyncConfig {
  const source = parseYamlSource(text);
  if (source.problems.length > 0) throw new ConfigValidationError(file, source.problems);

  const input = source.value ?? {};
  const parsed = configSchema.safeParse(input);
  if (!parsed.success) fail(file, source, problemsFromZod(parsed.error.issues, input));
  const config = parsed.data;

  const problems: PendingProblem[] = [];
  const parameters: Record<string, Readonly<Record<string, string>>> = {};
  // A duplicate connector name is reported by validateConfig; the first one's parameters apply.
  for (const connector of config.connectors) parameters[connector.name] ??= connector.parameters;
  const parametersOf = (connector: string): Readonly<Record<string, string>> | undefined =>
    Object.hasOwn(parameters, connector) ? parameters[connector] : undefined;
  const rules: CheckedRule[] = draftRules(config.syncRules, problems).map((draft) => ({
    draft,
    rule: normalizeRule(draft, parametersOf, problems),
  }));
  validateConfig(config, rules, problems);
  if (problems.length > 0) fail(file, source, problems);

  const baseDir = dirname(resolve(file));
  return deepFreeze({
    file,
    baseDir,
    server: config.server,
    store: { ...config.store, path: resolve(baseDir, config.store.path) },
    connectors: config.connectors.map((entry) => toConnectorConfig(entry, baseDir)),
    parameters,
    syncRules: rules.map(({ rule }) => rule).sort((a, b) => a.precedence - b.precedence),
    deletionThreshold: config.deletionThreshold,
  });
}
