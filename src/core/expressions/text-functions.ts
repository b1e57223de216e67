import { toIndex, toText } from './coerce.js';
import { invalid } from './errors.js';
import type { Scalar } from './eval-value.js';
import { mapped, raw, type FunctionSpec } from './function-spec.js';

/** Text functions (Microsoft's "Text" group). Positions are 1-based, as in VBA. */

function str(args: readonly Scalar[], i: number, where: string): string {
  return toText(args[i] as Scalar, where);
}

function int(args: readonly Scalar[], i: number, where: string): number {
  return toIndex(args[i] as Scalar, where);
}

/** vbTextCompare (or 1, or CaseInsensitive) compares ignoring case; the default is binary compare. */
function isTextCompare(arg: Scalar | undefined, where: string): boolean {
  if (arg === undefined) return false;
  const text = toText(arg, where).toLowerCase();
  if (text === 'vbtextcompare' || text === '1' || text === 'caseinsensitive') return true;
  if (text === 'vbbinarycompare' || text === '0' || text === 'casesensitive') return false;
  throw invalid(where, `expected vbTextCompare or vbBinaryCompare, got "${text}"`);
}

function inStr(args: readonly Scalar[]): number {
  const ignoreCase = isTextCompare(args[3], 'InStr');
  const haystack = ignoreCase ? str(args, 0, 'InStr').toLowerCase() : str(args, 0, 'InStr');
  const needle = ignoreCase ? str(args, 1, 'InStr').toLowerCase() : str(args, 1, 'InStr');
  const start = args.length > 2 ? int(args, 2, 'InStr') : 1;
  if (start < 1) throw invalid('InStr', `start must be 1 or more, got ${start}`);
  return haystack.indexOf(needle, start - 1) + 1;
}

/** The last match that ends at or before `start` (VBA InStrRev); -1 or omitted searches the whole string. */
function inStrRev(args: readonly Scalar[]): number {
  const ignoreCase = isTextCompare(args[3], 'InStrRev');
  const haystack = ignoreCase ? str(args, 0, 'InStrRev').toLowerCase() : str(args, 0, 'InStrRev');
  const needle = ignoreCase ? str(args, 1, 'InStrRev').toLowerCase() : str(args, 1, 'InStrRev');
  const start = args.length > 2 ? int(args, 2, 'InStrRev') : -1;
  if (start === 0 || start < -1) throw invalid('InStrRev', `start must be -1 or 1 or more, got ${start}`);
  const last = (start === -1 ? haystack.length : Math.min(start, haystack.length)) - needle.length;
  return last < 0 ? 0 : haystack.lastIndexOf(needle, last) + 1;
}

/** Left/Right/Mid as documented: 0 characters gives "", a negative count gives the whole string. */
function left(args: readonly Scalar[]): string {
  const s = str(args, 0, 'Left');
  const n = int(args, 1, 'Left');
  return n < 0 ? s : s.slice(0, n);
}

function right(args: readonly Scalar[]): string {
  const s = str(args, 0, 'Right');
  const n = int(args, 1, 'Right');
  return n < 0 ? s : n === 0 ? '' : s.slice(-n);
}

function mid(args: readonly Scalar[]): string {
  const s = str(args, 0, 'Mid');
  const start = int(args, 1, 'Mid');
  const n = args.length > 2 ? int(args, 2, 'Mid') : s.length;
  if (n === 0) return '';
  if (n < 0 || start <= 0 || start > s.length) return s;
  return s.substr(start - 1, n);
}

const MONIKERS: Readonly<Record<string, string>> = { '\\n': '\n', '\\r': '\r', '\\t': '\t' };

function unmoniker(text: string): string {
  return text.replace(/\\[nrt]/g, (m) => MONIKERS[m] as string);
}

function replace(args: readonly Scalar[]): string {
  const s = str(args, 0, 'Replace');
  const oldValue = unmoniker(str(args, 1, 'Replace'));
  return oldValue === '' ? s : s.split(oldValue).join(unmoniker(str(args, 2, 'Replace')));
}

const replacePatterns = new Map<string, ReadonlyMap<string, string>>();

/** Parses `{source}:{target},…` (whitespace ignored; source exactly one character; target may be empty). */
function parseReplacePattern(pattern: string): ReadonlyMap<string, string> {
  const cached = replacePatterns.get(pattern);
  if (cached !== undefined) return cached;
  const map = new Map<string, string>();
  for (const entry of pattern.replace(/\s+/g, '').split(',')) {
    if (entry === '') continue;
    const source = String.fromCodePoint(entry.codePointAt(0) as number);
    if (entry[source.length] !== ':') {
      throw invalid('ReplaceChars', `expected "source:target" pairs separated by ",", got "${entry}"`);
    }
    map.set(source, entry.slice(source.length + 1));
  }
  if (replacePatterns.size > 1000) replacePatterns.clear();
  replacePatterns.set(pattern, map);
  return map;
}

function replaceChars(args: readonly Scalar[]): string {
  const map = parseReplacePattern(str(args, 1, 'ReplaceChars'));
  let out = '';
  for (const ch of str(args, 0, 'ReplaceChars')) out += map.get(ch) ?? ch;
  return out;
}

function pad(where: 'PadLeft' | 'PadRight') {
  return (args: readonly Scalar[]): string => {
    const s = str(args, 0, where);
    const length = int(args, 1, where);
    const padChar = str(args, 2, where);
    if (padChar.length !== 1) throw invalid(where, `padCharacter must be one character, got "${padChar}"`);
    return where === 'PadLeft' ? s.padStart(length, padChar) : s.padEnd(length, padChar);
  };
}

/** Words are the non-empty runs between any of the delimiter characters. */
function word(args: readonly Scalar[]): string {
  const s = str(args, 0, 'Word');
  const n = int(args, 1, 'Word');
  const delimiters = new Set(str(args, 2, 'Word'));
  if (n < 1) return '';
  let count = 0;
  let current = '';
  for (const ch of s) {
    if (!delimiters.has(ch)) current += ch;
    else if (current !== '') {
      if (++count === n) return current;
      current = '';
    }
  }
  return current !== '' && count + 1 === n ? current : '';
}

function pCase(args: readonly Scalar[]): string {
  return str(args, 0, 'PCase')
    .toLowerCase()
    .replace(/(^|\s)(\S)/g, (_m, space: string, first: string) => space + first.toUpperCase());
}

export const TEXT_FUNCTIONS: readonly FunctionSpec[] = [
  mapped('Trim', 1, 1, (a) => str(a, 0, 'Trim').trim()),
  mapped('LTrim', 1, 1, (a) => str(a, 0, 'LTrim').trimStart()),
  mapped('RTrim', 1, 1, (a) => str(a, 0, 'RTrim').trimEnd()),
  mapped('LCase', 1, 1, (a) => str(a, 0, 'LCase').toLowerCase()),
  mapped('UCase', 1, 1, (a) => str(a, 0, 'UCase').toUpperCase()),
  mapped('PCase', 1, 1, pCase),
  mapped('Len', 1, 1, (a) => str(a, 0, 'Len').length),
  mapped('Left', 2, 2, left, true),
  mapped('Right', 2, 2, right, true),
  mapped('Mid', 2, 3, mid, true),
  mapped('InStr', 2, 4, inStr),
  mapped('InStrRev', 2, 4, inStrRev),
  mapped('Replace', 3, 3, replace),
  mapped('ReplaceChars', 2, 2, replaceChars),
  mapped('PadLeft', 3, 3, pad('PadLeft'), true),
  mapped('PadRight', 3, 3, pad('PadRight'), true),
  mapped('Word', 3, 3, word, true),
  raw('GUID', 0, 0, () => crypto.randomUUID()),
];
