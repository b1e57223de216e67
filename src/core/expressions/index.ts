/**
 * The declarative provisioning expression language of Entra Connect Sync (a VBA-like subset:
 * `IIF(BitAnd([userAccountControl],2)=0,True,False)`, `"CN={" & ConvertToUTF8Hex([sourceAnchor]) & "}"`).
 *
 * Parse once with `parseExpression` (syntax errors, unknown functions and wrong argument counts are
 * found here), then `evaluateExpression` per object; evaluation runs precompiled closures.
 */
import { compileTree, type CompiledExpression } from './compile.js';
import { ExpressionError } from './errors.js';
import { toResult, type Value } from './eval-value.js';
import type { Expression, ExpressionContext, ExpressionResult } from './expression.js';
import { parseTree } from './parser.js';

export type { Expression, ExpressionContext, ExpressionResult } from './expression.js';
export { EXPRESSION_ERROR_CODES, ExpressionError, ExpressionSyntaxError, type ExpressionErrorCode } from './errors.js';
export { FUNCTION_NAMES } from './functions.js';
export { MAX_DEPTH } from './ast.js';

const compiled = new WeakMap<Expression, CompiledExpression>();
/** For Expression objects not made by parseExpression here (deserialized, copied): compile by source. */
const bySource = new Map<string, CompiledExpression>();
const NO_VARIABLES: Value[] = [];

/**
 * Parses and compiles an expression. Throws `ExpressionSyntaxError` (with `position`) for bad syntax,
 * unknown functions or names, wrong argument counts, and nesting deeper than `MAX_DEPTH`.
 */
export function parseExpression(text: string): Expression {
  const tree = parseTree(text);
  const expression: Expression = Object.freeze({
    source: text,
    attributes: Object.freeze(tree.attributes),
    parameters: Object.freeze(tree.parameters),
  });
  compiled.set(expression, compileTree(tree.root));
  return expression;
}

function programFor(expression: Expression): CompiledExpression {
  const known = compiled.get(expression) ?? bySource.get(expression.source);
  if (known !== undefined) return known;
  const program = compileTree(parseTree(expression.source).root);
  if (bySource.size > 10_000) bySource.clear();
  bySource.set(expression.source, program);
  return program;
}

/**
 * Evaluates an expression against one object. Throws `ExpressionError`: code
 * `sync-rule-error-function-triggered` from `Error("…")`, `sync-rule-invalid-expression` for values
 * of the wrong type or shape (the message names the function or operator).
 */
export function evaluateExpression(expression: Expression, context: ExpressionContext): ExpressionResult {
  const program = programFor(expression);
  const vars = program.slotCount === 0 ? NO_VARIABLES : new Array<Value>(program.slotCount).fill(null);
  try {
    return toResult(program.evaluate({ ctx: context, vars }));
  } catch (error) {
    if (error instanceof ExpressionError) throw error;
    const message = error instanceof Error ? error.message : String(error);
    throw new ExpressionError(`expression failed: ${message}`, 'sync-rule-invalid-expression', { cause: error });
  }
}
