// Placeholder until the expression language lands: the engine depends on these names.
import type { AttributeValue } from '../values.js';

export interface Expression {
  readonly source: string;
}

export interface ExpressionContext {
  /** Values of a source attribute (`[name]`), undefined when absent. */
  attribute(name: string): readonly AttributeValue[] | undefined;
  /** `%Domain.FQDN%`-style parameters; undefined when not set. */
  parameter(name: string): string | undefined;
}

export type ExpressionResult =
  | { readonly kind: 'values'; readonly values: readonly AttributeValue[] }
  | { readonly kind: 'null' }
  | { readonly kind: 'authoritative-null' }
  | { readonly kind: 'ignore' };

export declare function parseExpression(text: string): Expression;
export declare function evaluateExpression(expression: Expression, context: ExpressionContext): ExpressionResult;
