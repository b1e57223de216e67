import type { AttributeValue } from '../values.js';

/** A parsed, compiled expression. Create with `parseExpression`; evaluate with `evaluateExpression`. */
export interface Expression {
  /** The text as written in the rule. */
  readonly source: string;
  /** Attributes referenced with `[name]`, in order of first use (for lineage and change tracking). */
  readonly attributes: readonly string[];
  /** Parameters referenced with `%name%`, in order of first use. */
  readonly parameters: readonly string[];
}

/** What an expression can see of the object it runs against. */
export interface ExpressionContext {
  /** Values of a source attribute (`[name]`), undefined when absent. */
  attribute(name: string): readonly AttributeValue[] | undefined;
  /** `%Domain.FQDN%`-style parameters; undefined when not set. */
  parameter(name: string): string | undefined;
  /**
   * Values of an attribute as confirmed by the last import (`ImportedValue("name")`), leaving out
   * values that are only pending export. Defaults to `attribute` when the caller has no such view.
   */
  importedValue?(name: string): readonly AttributeValue[] | undefined;
  /** The clock for `Now()`; defaults to the system clock. */
  now?(): Date;
}

/**
 * The outcome of one evaluation. `values` is never empty: an expression that yields nothing is
 * `null` (no contribution; a lower-precedence rule may contribute). `authoritative-null` blocks
 * lower-precedence contributions; `ignore` (IgnoreThisFlow) behaves as if the flow did not exist.
 */
export type ExpressionResult =
  | { readonly kind: 'values'; readonly values: readonly AttributeValue[] }
  | { readonly kind: 'null' }
  | { readonly kind: 'authoritative-null' }
  | { readonly kind: 'ignore' };
