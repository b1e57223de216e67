import { ExpressionSyntaxError } from './errors.js';

export const OPERATORS = ['||', '&&', '=', '<>', '<', '<=', '>', '>=', '&', '+', '-', '*', '/'] as const;
export type Operator = (typeof OPERATORS)[number];

/** A token; `pos` is the 0-based offset of its first character. */
export type Token =
  | { readonly kind: 'number'; readonly value: number | bigint; readonly text: string; readonly pos: number }
  | {
      readonly kind: 'string' | 'attribute' | 'parameter' | 'variable' | 'identifier';
      readonly value: string;
      readonly pos: number;
    }
  | { readonly kind: 'operator'; readonly value: Operator; readonly pos: number }
  | { readonly kind: 'open' | 'close' | 'comma' | 'end'; readonly pos: number };

const IDENTIFIER_START = /[A-Za-z_]/;
const IDENTIFIER_PART = /[A-Za-z0-9_]/;
const DIGIT = /[0-9]/;
const HEX_DIGITS = /[0-9A-Fa-f]+/y;
const DECIMAL = /[0-9]+(\.[0-9]+)?/y;

/** The match of a sticky pattern at `at`, without copying the rest of the text. */
function matchAt(pattern: RegExp, text: string, at: number): string | undefined {
  pattern.lastIndex = at;
  return pattern.exec(text)?.[0];
}
const TWO_CHAR_OPERATORS: ReadonlySet<string> = new Set(['||', '&&', '<>', '<=', '>=']);
const ONE_CHAR_OPERATORS: ReadonlySet<string> = new Set(['=', '<', '>', '&', '+', '-', '*', '/']);

function integerValue(digits: string, radix: 10 | 16): number | bigint {
  const big = BigInt(radix === 16 ? '0x' + digits : digits);
  return big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big;
}

/**
 * Reads a string literal starting at the opening quote. `\"` and `\\` are escapes, as Microsoft's
 * cloud-sync expression reference writes them, and a doubled `""` is a quote as in VBA. Other
 * backslashes stay as written: Replace() gives `\r`, `\n` and `\t` their meaning itself.
 */
function readString(text: string, start: number): { value: string; end: number } {
  let value = '';
  let i = start + 1;
  while (i < text.length) {
    const ch = text[i] as string;
    if (ch === '\\' && (text[i + 1] === '"' || text[i + 1] === '\\')) {
      value += text[i + 1];
      i += 2;
    } else if (ch === '"' && text[i + 1] === '"') {
      value += '"';
      i += 2;
    } else if (ch === '"') {
      return { value, end: i + 1 };
    } else {
      value += ch;
      i++;
    }
  }
  throw new ExpressionSyntaxError(
    `expected closing quote of the string that starts at position ${start}, found end of expression`,
    text.length,
  );
}

/** Reads `[name]` or `%name%`: everything up to the closing delimiter, which must come. */
function readDelimited(text: string, start: number, close: string, what: string): { value: string; end: number } {
  const end = text.indexOf(close, start + 1);
  if (end < 0) {
    throw new ExpressionSyntaxError(
      `expected "${close}" to close the ${what} that starts at position ${start}, found end of expression`,
      text.length,
    );
  }
  const value = text.slice(start + 1, end).trim();
  if (value === '') throw new ExpressionSyntaxError(`expected a ${what} name at position ${start + 1}`, start + 1);
  return { value, end: end + 1 };
}

function readWord(text: string, start: number): string {
  let end = start + 1;
  while (end < text.length && IDENTIFIER_PART.test(text[end] as string)) end++;
  return text.slice(start, end);
}

/** Hex literal `&HFF` (VBA) at `i`, when the `&` is not the concatenation operator. */
function readVbHex(text: string, i: number): { value: number | bigint; end: number } | undefined {
  if (text[i + 1] !== 'H' && text[i + 1] !== 'h') return undefined;
  const digits = matchAt(HEX_DIGITS, text, i + 2);
  if (digits === undefined) return undefined;
  const end = i + 2 + digits.length;
  if (end < text.length && (IDENTIFIER_PART.test(text[end] as string) || text[end] === '(')) return undefined;
  return { value: integerValue(digits, 16), end };
}

function readNumber(text: string, i: number): { value: number | bigint; end: number } {
  if (text[i] === '0' && (text[i + 1] === 'x' || text[i + 1] === 'X')) {
    const digits = matchAt(HEX_DIGITS, text, i + 2);
    if (digits === undefined) throw new ExpressionSyntaxError(`expected hex digits at position ${i + 2}`, i + 2);
    return { value: integerValue(digits, 16), end: i + 2 + digits.length };
  }
  const literal = matchAt(DECIMAL, text, i) as string;
  const value = literal.includes('.') ? Number(literal) : integerValue(literal, 10);
  return { value, end: i + literal.length };
}

/** A token and the offset just after it. */
type Read = readonly [Token, number];

function readToken(text: string, i: number): Read {
  const ch = text[i] as string;
  if (ch === '"') {
    const { value, end } = readString(text, i);
    return [{ kind: 'string', value, pos: i }, end];
  }
  if (ch === '[' || ch === '%') {
    const isAttribute = ch === '[';
    const { value, end } = readDelimited(text, i, isAttribute ? ']' : '%', isAttribute ? 'attribute' : 'parameter');
    return [{ kind: isAttribute ? 'attribute' : 'parameter', value, pos: i }, end];
  }
  if (DIGIT.test(ch)) {
    const { value, end } = readNumber(text, i);
    return [{ kind: 'number', value, text: text.slice(i, end), pos: i }, end];
  }
  if (ch === '$' && IDENTIFIER_START.test(text[i + 1] ?? '')) {
    const word = readWord(text, i + 1);
    return [{ kind: 'variable', value: '$' + word, pos: i }, i + 1 + word.length];
  }
  if (IDENTIFIER_START.test(ch)) {
    const word = readWord(text, i);
    return [{ kind: 'identifier', value: word, pos: i }, i + word.length];
  }
  if (ch === '(' || ch === ')' || ch === ',') {
    return [{ kind: ch === '(' ? 'open' : ch === ')' ? 'close' : 'comma', pos: i }, i + 1];
  }
  return readOperator(text, i);
}

function readOperator(text: string, i: number): Read {
  const two = text.slice(i, i + 2);
  if (TWO_CHAR_OPERATORS.has(two)) return [{ kind: 'operator', value: two as Operator, pos: i }, i + 2];
  const ch = text[i] as string;
  if (ch === '&') {
    const hex = readVbHex(text, i);
    if (hex !== undefined) return [{ kind: 'number', value: hex.value, text: text.slice(i, hex.end), pos: i }, hex.end];
  }
  if (ONE_CHAR_OPERATORS.has(ch)) return [{ kind: 'operator', value: ch as Operator, pos: i }, i + 1];
  throw new ExpressionSyntaxError(`unexpected character "${ch}" at position ${i}`, i);
}

/**
 * Reads tokens on demand, so the parser stops at the first problem (or the depth limit) without
 * tokenizing the rest of a hostile input. After the text ends, `next` keeps returning `end`.
 */
export class Lexer {
  private offset = 0;

  constructor(private readonly text: string) {}

  next(): Token {
    const text = this.text;
    let i = this.offset;
    while (i < text.length && (text[i] === ' ' || text[i] === '\t' || text[i] === '\r' || text[i] === '\n')) i++;
    if (i >= text.length) {
      this.offset = i;
      return { kind: 'end', pos: text.length };
    }
    const [token, end] = readToken(text, i);
    this.offset = end;
    return token;
  }
}
