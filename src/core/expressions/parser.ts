import {
  MAX_DEPTH,
  type ArithmeticOperator,
  type ChainOperator,
  type ComparisonOperator,
  type LiteralValue,
  type Node,
} from './ast.js';
import { ExpressionSyntaxError } from './errors.js';
import { AUTHORITATIVE_NULL, IGNORE_THIS_FLOW } from './eval-value.js';
import { findFunction, isBindingForm } from './functions.js';
import { Lexer, type Operator, type Token } from './lexer.js';

/** The parse of one expression: its tree and what it references. */
export interface ParsedTree {
  readonly root: Node;
  readonly attributes: readonly string[];
  readonly parameters: readonly string[];
}

/** Bare words that are values. Case-insensitive, as VBA keywords are. */
const CONSTANTS: ReadonlyMap<string, LiteralValue> = new Map<string, LiteralValue>([
  ['true', true],
  ['false', false],
  ['null', null],
  ['authoritativenull', AUTHORITATIVE_NULL],
  ['ignorethisflow', IGNORE_THIS_FLOW],
  ['crlf', '\r\n'],
]);

/** Enumeration arguments written without quotes (`ConvertFromBase64(x, UTF8)`, `InStr(a, b, 1, vbTextCompare)`). */
const ENUM_NAMES = ['UTF8', 'Unicode', 'ASCII', 'vbTextCompare', 'vbBinaryCompare', 'CaseSensitive', 'CaseInsensitive'];
const ENUMS: ReadonlyMap<string, string> = new Map(ENUM_NAMES.map((name) => [name.toLowerCase(), name]));

const COMPARISONS: readonly Operator[] = ['=', '<>', '<', '<=', '>', '>='];

function describe(token: Token): string {
  switch (token.kind) {
    case 'end':
      return 'end of expression';
    case 'open':
      return '"("';
    case 'close':
      return '")"';
    case 'comma':
      return '","';
    case 'number':
      return `number ${token.text}`;
    case 'string':
      return `string "${token.value.length > 30 ? token.value.slice(0, 30) + '…' : token.value}"`;
    case 'attribute':
      return `attribute [${token.value}]`;
    case 'parameter':
      return `parameter %${token.value}%`;
    case 'variable':
      return `variable ${token.value}`;
    case 'identifier':
      return `"${token.value}"`;
    case 'operator':
      return `operator "${token.value}"`;
  }
}

class Parser {
  private current: Token;
  private nesting = 0;
  private readonly variables: string[] = [];
  readonly attributes = new Set<string>();
  readonly parameters = new Set<string>();

  constructor(private readonly lexer: Lexer) {
    this.current = lexer.next();
  }

  private peek(): Token {
    return this.current;
  }

  private next(): Token {
    const token = this.current;
    if (token.kind !== 'end') this.current = this.lexer.next();
    return token;
  }

  private fail(expected: string, token: Token = this.peek()): never {
    throw new ExpressionSyntaxError(
      `expected ${expected} at position ${token.pos}, found ${describe(token)}`,
      token.pos,
    );
  }

  private expect(kind: 'open' | 'close' | 'comma', text: string): Token {
    const token = this.peek();
    if (token.kind !== kind) this.fail(`"${text}"`);
    return this.next();
  }

  private isOperator(...ops: readonly Operator[]): Operator | undefined {
    const token = this.peek();
    return token.kind === 'operator' && ops.includes(token.value) ? token.value : undefined;
  }

  private enter(pos: number): void {
    if (++this.nesting > MAX_DEPTH) {
      throw new ExpressionSyntaxError(`expression nested more than ${MAX_DEPTH} levels deep at position ${pos}`, pos);
    }
  }

  private checkDepth(depth: number, pos: number): number {
    if (depth > MAX_DEPTH) {
      throw new ExpressionSyntaxError(`expression nested more than ${MAX_DEPTH} levels deep at position ${pos}`, pos);
    }
    return depth;
  }

  parseExpression(): Node {
    return this.parseChain('||', () => this.parseChain('&&', () => this.parseComparison()));
  }

  parseEnd(root: Node): Node {
    if (this.peek().kind !== 'end') this.fail('an operator or end of expression');
    return root;
  }

  private parseChain(op: ChainOperator, operand: () => Node): Node {
    const first = operand();
    if (this.isOperator(op) === undefined) return first;
    const operands = [first];
    while (this.isOperator(op) !== undefined) {
      this.next();
      operands.push(operand());
    }
    const depth = this.checkDepth(Math.max(...operands.map((n) => n.depth)) + 1, first.pos);
    return { kind: 'chain', op, operands, pos: first.pos, depth };
  }

  private parseBinary(ops: readonly Operator[], operand: () => Node): Node {
    let left = operand();
    for (let op = this.isOperator(...ops); op !== undefined; op = this.isOperator(...ops)) {
      const pos = this.next().pos;
      const right = operand();
      const depth = this.checkDepth(Math.max(left.depth, right.depth) + 1, pos);
      left = { kind: 'binary', op: op as ComparisonOperator | ArithmeticOperator, left, right, pos, depth };
    }
    return left;
  }

  private parseComparison(): Node {
    return this.parseBinary(COMPARISONS, () => this.parseChain('&', () => this.parseAdditive()));
  }

  private parseAdditive(): Node {
    return this.parseBinary(['+', '-'], () => this.parseBinary(['*', '/'], () => this.parseUnary()));
  }

  private parseUnary(): Node {
    if (this.isOperator('-') === undefined) return this.parsePrimary();
    const pos = this.next().pos;
    this.enter(pos);
    const operand = this.parseUnary();
    this.nesting--;
    return { kind: 'negate', operand, pos, depth: this.checkDepth(operand.depth + 1, pos) };
  }

  private parsePrimary(): Node {
    const token = this.next();
    const pos = token.pos;
    switch (token.kind) {
      case 'number':
      case 'string':
        return { kind: 'literal', value: token.value, pos, depth: 1 };
      case 'attribute':
        this.attributes.add(token.value);
        return { kind: 'attribute', name: token.value, pos, depth: 1 };
      case 'parameter':
        this.parameters.add(token.value);
        return { kind: 'parameter', name: token.value, pos, depth: 1 };
      case 'variable':
        if (!this.variables.includes(token.value.toLowerCase())) {
          throw new ExpressionSyntaxError(`unknown variable ${token.value} at position ${pos}`, pos);
        }
        return { kind: 'variable', name: token.value.toLowerCase(), pos, depth: 1 };
      case 'identifier':
        return this.parseIdentifier(token.value, pos);
      case 'open': {
        this.enter(pos);
        const inner = this.parseExpression();
        this.expect('close', ')');
        this.nesting--;
        return inner;
      }
      default:
        return this.fail('a value', token);
    }
  }

  private parseIdentifier(name: string, pos: number): Node {
    if (this.peek().kind === 'open') return this.parseCall(name, pos);
    const lower = name.toLowerCase();
    if (CONSTANTS.has(lower)) return { kind: 'literal', value: CONSTANTS.get(lower) as LiteralValue, pos, depth: 1 };
    const enumName = ENUMS.get(lower);
    if (enumName !== undefined) return { kind: 'literal', value: enumName, pos, depth: 1 };
    if (findFunction(name) !== undefined) this.fail(`"(" after function name ${name}`);
    throw new ExpressionSyntaxError(`unknown name "${name}" at position ${pos}`, pos);
  }

  private parseCall(name: string, pos: number): Node {
    const spec = findFunction(name);
    if (spec === undefined) throw new ExpressionSyntaxError(`unknown function "${name}" at position ${pos}`, pos);
    this.expect('open', '(');
    this.enter(pos);
    const isBinding = isBindingForm(spec);
    const args: Node[] = [];
    let bound = 0;
    if (this.peek().kind !== 'close') {
      for (;;) {
        if (isBinding && args.length === 0 && this.peek().kind !== 'variable') {
          this.fail(`a variable such as $item as the first argument of ${spec.name}`);
        }
        if (isBinding && args.length === 2) {
          this.variables.push((args[0] as Node & { name: string }).name);
          bound++;
        }
        args.push(isBinding && args.length === 0 ? this.parseBindingVariable() : this.parseExpression());
        if (this.peek().kind !== 'comma') break;
        this.next();
      }
    }
    this.expect('close', ')');
    this.variables.length -= bound;
    this.nesting--;
    this.checkArity(spec.name, spec.minArgs, spec.maxArgs, args.length, pos);
    const depth = this.checkDepth(Math.max(0, ...args.map((a) => a.depth)) + 1, pos);
    return { kind: 'call', spec, args, pos, depth };
  }

  private parseBindingVariable(): Node {
    const token = this.next();
    const name = token.kind === 'variable' ? token.value.toLowerCase() : '';
    return { kind: 'variable', name, pos: token.pos, depth: 1 };
  }

  private checkArity(name: string, min: number, max: number, count: number, pos: number): void {
    if (count >= min && count <= max && !(name === 'Switch' && count % 2 !== 0)) return;
    const plural = (n: number): string => `${n} argument${n === 1 ? '' : 's'}`;
    const expected =
      name === 'Switch'
        ? 'an even number of arguments (condition, value pairs)'
        : min === max
          ? plural(min)
          : max === Infinity
            ? `at least ${plural(min)}`
            : `${min} to ${max} arguments`;
    throw new ExpressionSyntaxError(`function ${name} expects ${expected}, found ${count} at position ${pos}`, pos);
  }
}

/** Parses expression text into a tree; throws ExpressionSyntaxError with the offending position. */
export function parseTree(text: string): ParsedTree {
  const parser = new Parser(new Lexer(text));
  const root = parser.parseEnd(parser.parseExpression());
  return { root, attributes: [...parser.attributes], parameters: [...parser.parameters] };
}
