import { displayText, toIndex, toText } from './coerce.js';
import { invalid } from './errors.js';
import { elementsOf, fromValues, isList, isReferenceValue, isSignal, type Scalar, type Value } from './eval-value.js';
import { raw, type FunctionSpec } from './function-spec.js';

/** Functions over multi-valued values (Microsoft's "Multi-valued" group) and ImportedValue. */

/** The argument as a scalar; signals and lists are refused where one value is expected. */
function single(value: Value | undefined, where: string, what: string): Scalar | null {
  if (value === undefined || value === null) return null;
  if (isSignal(value) || isList(value)) throw invalid(where, `${what} must be a single value`);
  return value;
}

function many(value: Value | undefined): readonly Scalar[] {
  return value === undefined || value === null || isSignal(value) ? [] : elementsOf(value);
}

/**
 * Contains(attribute, search [, CaseInsensitive]): the 1-based index of the first value that
 * contains `search` (references must equal it), 0 when none does. Case-sensitive by default.
 */
function contains(args: readonly Value[]): number {
  const search = single(args[1], 'Contains', 'search');
  if (search === null) return 0;
  const caseType = single(args[2], 'Contains', 'Casetype');
  const ignoreCase = caseType !== null && toText(caseType, 'Contains').toLowerCase() === 'caseinsensitive';
  const needle = ignoreCase ? toText(search, 'Contains').toLowerCase() : toText(search, 'Contains');
  const values = many(args[0]);
  for (let i = 0; i < values.length; i++) {
    const value = values[i] as Scalar;
    const text = ignoreCase ? displayText(value).toLowerCase() : displayText(value);
    if (isReferenceValue(value) ? text === needle : text.includes(needle)) return i + 1;
  }
  return 0;
}

/** Item / ItemOrNull: the value at a 1-based index; out of range is an error or NULL. */
function item(isNullWhenOutOfRange: boolean) {
  const where = isNullWhenOutOfRange ? 'ItemOrNull' : 'Item';
  return (args: readonly Value[]): Value => {
    const index = single(args[1], where, 'index');
    if (args[0] === null || index === null) return null;
    const values = many(args[0]);
    const i = toIndex(index, where);
    if (i >= 1 && i <= values.length) return values[i - 1] as Scalar;
    if (isNullWhenOutOfRange) return null;
    throw invalid(where, `index ${i} is out of range: the value has ${values.length} item(s)`);
  };
}

function join(args: readonly Value[]): Value {
  if (args[0] === null) return null;
  const delimiter = args.length > 1 ? single(args[1], 'Join', 'Delimiter') : ' ';
  const separator = delimiter === null ? '' : toText(delimiter, 'Join');
  return many(args[0])
    .map((v) => toText(v, 'Join'))
    .join(separator);
}

function removeDuplicates(args: readonly Value[]): Value {
  const seen = new Set<string>();
  const out: Scalar[] = [];
  for (const value of many(args[0])) {
    const key = typeof value + ':' + displayText(value);
    if (!seen.has(key)) {
      seen.add(key);
      out.push(value);
    }
  }
  return fromValues(out);
}

/** Split(value, delimiter [, limit]): at most `limit` values, the last one holding the rest (as .NET splits). */
function split(args: readonly Value[]): Value {
  const delimiter = toText(single(args[1], 'Split', 'delimiter') ?? '', 'Split');
  if (delimiter === '') throw invalid('Split', 'the delimiter must not be empty');
  const limitArg = single(args[2], 'Split', 'limit');
  const limit = limitArg === null ? Infinity : toIndex(limitArg, 'Split');
  if (limit < 1) throw invalid('Split', `limit must be 1 or more, got ${limit}`);
  const out: string[] = [];
  for (const value of many(args[0])) {
    const parts = toText(value, 'Split').split(delimiter);
    if (parts.length > limit) parts.splice(limit - 1, parts.length, parts.slice(limit - 1).join(delimiter));
    out.push(...parts);
  }
  return args[0] === null ? null : fromValues(out);
}

export const MULTI_VALUE_FUNCTIONS: readonly FunctionSpec[] = [
  raw('Contains', 2, 3, contains),
  raw('Count', 1, 1, ([v]) => many(v).length),
  raw('Item', 2, 2, item(false)),
  raw('ItemOrNull', 2, 2, item(true)),
  raw('Join', 1, 2, join),
  raw('RemoveDuplicates', 1, 1, removeDuplicates),
  raw('Split', 2, 3, split),
  raw('ImportedValue', 1, 1, ([name], env) => {
    const attribute = toText(single(name, 'ImportedValue', 'the attribute name') ?? '', 'ImportedValue');
    const ctx = env.ctx;
    return fromValues(ctx.importedValue !== undefined ? ctx.importedValue(attribute) : ctx.attribute(attribute));
  }),
];
