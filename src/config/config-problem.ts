import { ConfigError, type ErrorPathItem } from '../core/errors.js';

/** Every kind of problem the config loader reports; the `code` of a {@link ConfigProblem}. */
export const CONFIG_PROBLEM_CODES = [
  'yaml_syntax',
  'duplicate_key',
  'unknown_key',
  'missing_field',
  'invalid_type',
  'invalid_enum',
  'invalid_value',
  'invalid_flow',
  'expression_syntax',
  'unknown_parameter',
  'duplicate_name',
  'duplicate_precedence',
  'unknown_connector',
  'missing_dn_flow',
  'unknown_preset_rule',
  'unknown_flow_target',
] as const;
export type ConfigProblemCode = (typeof CONFIG_PROBLEM_CODES)[number];

/** A field path, like Zod's: object keys and array indexes from the document root. */
export type ConfigPath = readonly (string | number)[];

/** One problem in a config file, located at the YAML node it is about (1-based line and column). */
export interface ConfigProblem {
  readonly code: ConfigProblemCode;
  readonly path: ConfigPath;
  readonly line: number;
  readonly column: number;
  readonly message: string;
}

/**
 * A problem before it is located in the file: `path` names the field, `at` is the YAML path of the
 * node to point at (defaults to `path`; preset rules have no node of their own, so they point at
 * `syncRules.preset`). `atKey` points at the key of the last segment rather than its value.
 */
export interface PendingProblem {
  readonly code: ConfigProblemCode;
  readonly path: ConfigPath;
  readonly message: string;
  readonly at?: ConfigPath;
  readonly atKey?: boolean;
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** Renders a path the way a reader writes it: `connectors[1].type`, `syncRules.preset["In from AD"]`. */
export function formatPath(path: ConfigPath): string {
  let text = '';
  for (const segment of path) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else if (IDENTIFIER.test(segment)) text += text === '' ? segment : `.${segment}`;
    else text += `[${JSON.stringify(segment)}]`;
  }
  return text;
}

/** `file:line:column: path: message` (no path for YAML syntax errors), the form used in messages. */
export function formatProblem(file: string, problem: ConfigProblem): string {
  const field = formatPath(problem.path);
  return `${file}:${problem.line}:${problem.column}: ${field === '' ? '' : `${field}: `}${problem.message}`;
}

function whereOf(file: string, first: ConfigProblem | undefined): ErrorPathItem {
  if (first === undefined) return { file };
  const field = formatPath(first.path);
  const at = { file, line: first.line, column: first.column };
  return field === '' ? at : { ...at, field };
}

/**
 * A config file with one or more problems. The message lists every problem, one per line, sorted
 * by position; `where` is the first problem; `problems` holds them all as data.
 */
export class ConfigValidationError extends ConfigError {
  readonly problems: readonly ConfigProblem[];

  constructor(file: string, problems: readonly ConfigProblem[]) {
    const sorted = [...problems].sort((a, b) => a.line - b.line || a.column - b.column);
    const first = sorted[0];
    super(sorted.map((problem) => formatProblem(file, problem)).join('\n'), whereOf(file, first));
    this.problems = sorted;
  }
}
