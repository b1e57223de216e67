/**
 * The two error classes of the expression language: syntax errors found by `parseExpression`
 * (configuration problems, reported once when rules load) and evaluation errors raised while a
 * flow runs (per-object problems the engine records as issues with `code`).
 */

/** A problem in the text of an expression; `position` is the 0-based character offset. */
export class ExpressionSyntaxError extends Error {
  override readonly name = 'ExpressionSyntaxError';
  constructor(
    message: string,
    readonly position: number,
  ) {
    super(message);
  }
}

/**
 * Codes of evaluation errors, named as Entra Connect names them in its sync errors:
 * `sync-rule-error-function-triggered` comes from an `Error("…")` call in the expression,
 * `sync-rule-invalid-expression` from a value of the wrong type or shape at run time.
 */
export const EXPRESSION_ERROR_CODES = ['sync-rule-error-function-triggered', 'sync-rule-invalid-expression'] as const;
export type ExpressionErrorCode = (typeof EXPRESSION_ERROR_CODES)[number];

/** An expression failed while evaluating against one object. */
export class ExpressionError extends Error {
  override readonly name = 'ExpressionError';
  constructor(
    message: string,
    readonly code: ExpressionErrorCode,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** Shorthand for the run-time type errors: the message names the function or operator. */
export function invalid(where: string, problem: string): ExpressionError {
  return new ExpressionError(`${where}: ${problem}`, 'sync-rule-invalid-expression');
}
