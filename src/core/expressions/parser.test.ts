import { describe, expect, it } from 'vitest';
import { ExpressionSyntaxError, MAX_DEPTH, evaluateExpression, parseExpression } from './index.js';

function syntaxError(source: string): ExpressionSyntaxError {
  try {
    parseExpression(source);
  } catch (error) {
    if (error instanceof ExpressionSyntaxError) return error;
    throw error;
  }
  throw new Error(`expected a syntax error for ${source}`);
}

function value(source: string): unknown {
  const result = evaluateExpression(parseExpression(source), {
    attribute: () => undefined,
    parameter: () => undefined,
  });
  return result.kind === 'values' ? result.values[0] : result.kind;
}

describe('parseExpression', () => {
  it('keeps the source text and lists referenced attributes and parameters in order of first use', () => {
    const expression = parseExpression('[b] & [a] & [b] & %Domain.FQDN%');
    expect(expression.source).toBe('[b] & [a] & [b] & %Domain.FQDN%');
    expect(expression.attributes).toEqual(['b', 'a']);
    expect(expression.parameters).toEqual(['Domain.FQDN']);
  });

  it('reads escaped quotes and backslashes in strings', () => {
    expect(value('"say \\"hi\\" \\\\ bye"')).toBe('say "hi" \\ bye');
  });

  it('reads a doubled quote inside a string as one quote', () => {
    expect(value('"a""b"')).toBe('a"b');
  });

  it('keeps other backslash sequences as written', () => {
    expect(value('"\\0ACNF:"')).toBe('\\0ACNF:');
  });

  it('reads decimal, hexadecimal (0x and &H) and large integers', () => {
    expect(value('1.5')).toBe(1.5);
    expect(value('0x1F')).toBe(31);
    expect(value('&H21C07000')).toBe(0x21c07000);
    expect(value('9223372036854775807')).toBe(9223372036854775807n);
  });

  it('reads True, False, NULL and the flow constants in any case', () => {
    expect(value('TRUE')).toBe(true);
    expect(value('false')).toBe(false);
    expect(value('null')).toBe('null');
    expect(value('authoritativenull')).toBe('authoritative-null');
    expect(value('IgnoreThisFlow')).toBe('ignore');
  });

  it('matches function names case-insensitively', () => {
    expect(value('ucase("a") & LCASE("B") & trim(" c ")')).toBe('Abc');
  });

  it('binds comparisons tighter than || and && so the stock cloudFiltered rule reads as intended', () => {
    expect(value('1 = 2 || 3 = 3')).toBe(true);
    expect(value('1 = 1 && 2 = 3')).toBe(false);
  });

  it('binds & tighter than comparisons and arithmetic tighter than &', () => {
    expect(value('"a" & "b" = "ab"')).toBe(true);
    expect(value('"n" & 1 + 2')).toBe('n3');
    expect(value('2 * 5 + 3')).toBe(13);
    expect(value('2 * (5 + 3)')).toBe(16);
  });

  it('reports a missing closing parenthesis with its position and what was found', () => {
    const error = syntaxError('IIF(IsPresent([a]),1,2');
    expect(error.message).toBe('expected ")" at position 22, found end of expression');
    expect(error.position).toBe(22);
  });

  it('reports a token where an operator or the end was expected', () => {
    const error = syntaxError('[a] [b]');
    expect(error.message).toBe('expected an operator or end of expression at position 4, found attribute [b]');
  });

  it('reports a missing operand', () => {
    expect(syntaxError('"a" & ').message).toBe('expected a value at position 6, found end of expression');
  });

  it('reports an unterminated string', () => {
    expect(syntaxError('Trim("abc').message).toMatch(/closing quote of the string that starts at position 5/);
  });

  it('reports an unterminated attribute reference', () => {
    expect(syntaxError('Trim([abc').position).toBe(9);
  });

  it('reports an unexpected character with its position', () => {
    const error = syntaxError('[a] ? 1');
    expect(error.message).toBe('unexpected character "?" at position 4');
    expect(error.position).toBe(4);
  });

  it('rejects an unknown function and names it', () => {
    const error = syntaxError('Trim(Frobnicate([a]))');
    expect(error.message).toBe('unknown function "Frobnicate" at position 5');
    expect(error.position).toBe(5);
  });

  it('rejects a wrong number of arguments and names the function', () => {
    expect(syntaxError('Left([a])').message).toBe('function Left expects 2 arguments, found 1 at position 0');
    expect(syntaxError('IIF(True, 1)').message).toMatch(/^function IIF expects 3 arguments, found 2/);
    expect(syntaxError('Mid("a", 1, 2, 3)').message).toMatch(/^function Mid expects 2 to 3 arguments, found 4/);
  });

  it('rejects Switch with an odd number of arguments', () => {
    expect(syntaxError('Switch(True, 1, False)').message).toMatch(/^function Switch expects an even number/);
  });

  it('rejects an unknown bare name', () => {
    expect(syntaxError('Nothing').message).toBe('unknown name "Nothing" at position 0');
  });

  it('rejects a variable used outside Select, Where or With', () => {
    expect(syntaxError('Trim($item)').message).toBe('unknown variable $item at position 5');
  });

  it('requires a variable as the first argument of Select', () => {
    expect(syntaxError('Select([a], [a], Trim([a]))').message).toMatch(/^expected a variable such as \$item/);
  });

  it('rejects deep nesting with a syntax error instead of overflowing the stack', () => {
    const deep = 'Trim('.repeat(100_000) + '"x"' + ')'.repeat(100_000);
    expect(syntaxError(deep).message).toMatch(new RegExp(`nested more than ${MAX_DEPTH} levels`));
    expect(syntaxError('('.repeat(100_000) + '1' + ')'.repeat(100_000)).position).toBe(MAX_DEPTH);
    expect(syntaxError('-'.repeat(100_000) + '1').message).toMatch(/nested more than/);
  });

  it('rejects long left-deep operator chains past the depth limit', () => {
    expect(syntaxError(Array.from({ length: 200 }, () => '1').join(' + ')).message).toMatch(/nested more than/);
  });

  it('accepts long & chains, which are kept flat', () => {
    expect(value(Array.from({ length: 500 }, () => '"a"').join(' & '))).toBe('a'.repeat(500));
  });

  it('accepts nesting up to the limit', () => {
    const nested = 'Trim('.repeat(MAX_DEPTH - 1) + '"x"' + ')'.repeat(MAX_DEPTH - 1);
    expect(value(nested)).toBe('x');
  });
});
