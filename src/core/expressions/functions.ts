import { CONVERSION_FUNCTIONS } from './conversion-functions.js';
import { DATE_FUNCTIONS } from './date-functions.js';
import { DIRECTORY_FUNCTIONS } from './directory-functions.js';
import { EVALUATION_FUNCTIONS } from './evaluation-functions.js';
import { special, type FunctionSpec } from './function-spec.js';
import { MULTI_VALUE_FUNCTIONS } from './multi-value-functions.js';
import { TEXT_FUNCTIONS } from './text-functions.js';

/** Functions the compiler implements itself: lazy arguments (IIF, Switch) or `$variable` binding. */
const SPECIAL_FORMS: readonly FunctionSpec[] = [
  special('IIF', 3, 3),
  special('Switch', 2, Infinity),
  special('Select', 3, 3),
  special('Where', 3, 3),
  special('With', 3, 3),
];

/** Functions whose first argument is a `$variable` bound in their last argument. */
const BINDING_FORMS: ReadonlySet<string> = new Set(['Select', 'Where', 'With']);

const ALL_FUNCTIONS: readonly FunctionSpec[] = [
  ...SPECIAL_FORMS,
  ...TEXT_FUNCTIONS,
  ...CONVERSION_FUNCTIONS,
  ...EVALUATION_FUNCTIONS,
  ...MULTI_VALUE_FUNCTIONS,
  ...DATE_FUNCTIONS,
  ...DIRECTORY_FUNCTIONS,
];

const BY_NAME: ReadonlyMap<string, FunctionSpec> = new Map(
  ALL_FUNCTIONS.map((spec) => [spec.name.toLowerCase(), spec]),
);

/** Canonical names of every supported function. */
export const FUNCTION_NAMES: readonly string[] = ALL_FUNCTIONS.map((spec) => spec.name);

/** Looks a function up by name, ignoring case. */
export function findFunction(name: string): FunctionSpec | undefined {
  return BY_NAME.get(name.toLowerCase());
}

export function isBindingForm(spec: FunctionSpec): boolean {
  return BINDING_FORMS.has(spec.name);
}
