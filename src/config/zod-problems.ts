import type { ZodIssue } from 'zod';
import {
  CONFIG_PROBLEM_CODES,
  type ConfigPath,
  type ConfigProblemCode,
  type PendingProblem,
} from './config-problem.js';

function valueAt(root: unknown, path: ConfigPath): unknown {
  let value = root;
  for (const segment of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string | number, unknown>)[segment];
  }
  return value;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return JSON.stringify(value);
  return String(value);
}

/** Zod's type names in YAML words. */
const TYPE_NAMES: Readonly<Record<string, string>> = {
  array: 'a list',
  object: 'a mapping',
  string: 'a string',
  number: 'a number',
  integer: 'an integer',
  boolean: 'true or false',
};

/** Zod's own wording ("Number must be greater than…"), as opposed to a message the schema sets. */
function isZodDefault(message: string): boolean {
  return /^(Array|String|Number|BigInt|Date|Set) must /.test(message);
}

function sizeLimit(issue: ZodIssue & { code: 'too_small' | 'too_big' }): string {
  const bound = issue.code === 'too_small' ? issue.minimum : issue.maximum;
  const word = issue.code === 'too_small' ? 'at least' : 'at most';
  if (issue.type === 'array') return `must have ${word} ${bound} item(s)`;
  if (issue.type === 'string') return `must have ${word} ${bound} character(s)`;
  const isExclusive = !issue.inclusive;
  const relation = issue.code === 'too_small' ? (isExclusive ? 'more than' : word) : isExclusive ? 'less than' : word;
  return `must be ${relation} ${bound}`;
}

function oneOf(options: readonly unknown[]): string {
  return options.map((option) => JSON.stringify(option)).join(', ');
}

function isProblemCode(code: unknown): code is ConfigProblemCode {
  return CONFIG_PROBLEM_CODES.includes(code as ConfigProblemCode);
}

/** Turns one Zod issue into problems (an unknown-keys issue becomes one problem per key). */
function problemsOfIssue(issue: ZodIssue, input: unknown): PendingProblem[] {
  const path = issue.path;
  const received = valueAt(input, path);
  switch (issue.code) {
    case 'unrecognized_keys':
      return issue.keys.map((key) => ({
        code: 'unknown_key',
        path: [...path, key],
        message: `unknown key ${JSON.stringify(key)}`,
        atKey: true,
      }));
    case 'invalid_type':
      if (received === undefined) return [{ code: 'missing_field', path, message: 'required' }];
      return [
        {
          code: 'invalid_type',
          path,
          message: `expected ${TYPE_NAMES[issue.expected] ?? issue.expected}, got ${describe(received)}`,
        },
      ];
    case 'invalid_literal':
      return [
        { code: 'invalid_value', path, message: `expected ${describe(issue.expected)}, got ${describe(received)}` },
      ];
    case 'invalid_enum_value':
      return [
        { code: 'invalid_enum', path, message: `expected one of ${oneOf(issue.options)}, got ${describe(received)}` },
      ];
    case 'invalid_union_discriminator':
      if (received === undefined) {
        return [{ code: 'missing_field', path, message: `required: one of ${oneOf(issue.options)}` }];
      }
      return [
        { code: 'invalid_enum', path, message: `expected one of ${oneOf(issue.options)}, got ${describe(received)}` },
      ];
    case 'invalid_union':
      return [{ code: 'invalid_type', path, message: `${issue.message}, got ${describe(received)}` }];
    case 'too_small':
    case 'too_big':
      return [{ code: 'invalid_value', path, message: isZodDefault(issue.message) ? sizeLimit(issue) : issue.message }];
    case 'custom': {
      const code: unknown = issue.params?.['code'];
      return [{ code: isProblemCode(code) ? code : 'invalid_value', path, message: issue.message }];
    }
    default:
      return [{ code: 'invalid_value', path, message: issue.message }];
  }
}

/** Maps Zod issues to config problems with readable messages; `at` lets the caller relocate them. */
export function problemsFromZod(
  issues: readonly ZodIssue[],
  input: unknown,
  relocate?: (problem: PendingProblem) => PendingProblem,
): PendingProblem[] {
  const problems = issues.flatMap((issue) => problemsOfIssue(issue, input));
  return relocate === undefined ? problems : problems.map(relocate);
}
