import type { FunctionSpec } from './function-spec.js';
import type { Signal } from './eval-value.js';

/** Deepest nesting the parser accepts (parentheses, calls, operator trees), so hostile input cannot exhaust the stack. */
export const MAX_DEPTH = 100;

export type LiteralValue = string | number | bigint | boolean | Signal | null;

export type ComparisonOperator = '=' | '<>' | '<' | '<=' | '>' | '>=';
export type ArithmeticOperator = '+' | '-' | '*' | '/';
/** Operators whose chains are kept flat (associative), so `a & b & c …` does not deepen the tree. */
export type ChainOperator = '&' | '&&' | '||';

interface NodeBase {
  readonly pos: number;
  /** Height of the subtree, checked against MAX_DEPTH. */
  readonly depth: number;
}

export type Node =
  | (NodeBase & { readonly kind: 'literal'; readonly value: LiteralValue })
  | (NodeBase & { readonly kind: 'attribute' | 'parameter' | 'variable'; readonly name: string })
  | (NodeBase & { readonly kind: 'call'; readonly spec: FunctionSpec; readonly args: readonly Node[] })
  | (NodeBase & { readonly kind: 'negate'; readonly operand: Node })
  | (NodeBase & {
      readonly kind: 'binary';
      readonly op: ComparisonOperator | ArithmeticOperator;
      readonly left: Node;
      readonly right: Node;
    })
  | (NodeBase & { readonly kind: 'chain'; readonly op: ChainOperator; readonly operands: readonly Node[] });
