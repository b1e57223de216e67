import { evaluateExpression, type ExpressionResult } from '../expressions/index.js';
import type { SyncRule } from '../sync-rule.js';
import { indexKey, valueKey, type Attributes, type AttributeValue } from '../values.js';

/** A failure evaluating one flow of one rule for one object: becomes a per-object sync error. */
export class FlowError extends Error {
  override readonly name = 'FlowError';
  constructor(
    readonly rule: string,
    readonly attribute: string,
    readonly code: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** One rule's proposed value for one target attribute. */
export interface Contender {
  readonly rule: SyncRule;
  readonly csId: string;
  readonly result: ExpressionResult;
}

const NULL_RESULT: ExpressionResult = { kind: 'null' };
const IGNORE_RESULT: ExpressionResult = { kind: 'ignore' };

function valuesResult(values: readonly AttributeValue[] | undefined): ExpressionResult {
  return values && values.length > 0 ? { kind: 'values', values } : NULL_RESULT;
}

/**
 * Evaluates every flow of `rule` against a source image. Apply-once flows only flow when the
 * target object is being created; otherwise they leave the target as it is.
 */
export function evaluateRuleFlows(
  rule: SyncRule,
  source: Attributes,
  parameters: Readonly<Record<string, string>>,
  isTargetNew: boolean,
): Map<string, ExpressionResult> {
  const out = new Map<string, ExpressionResult>();
  const context = {
    attribute: (name: string) => source[name],
    parameter: (name: string) => parameters[name],
  };
  for (const flow of rule.flows) {
    if (flow.isApplyOnce && !isTargetNew) {
      out.set(flow.target, IGNORE_RESULT);
      continue;
    }
    switch (flow.kind) {
      case 'direct':
        out.set(flow.target, valuesResult(source[flow.source]));
        break;
      case 'constant':
        out.set(flow.target, valuesResult(flow.values));
        break;
      case 'expression':
        try {
          out.set(flow.target, evaluateExpression(flow.expression, context));
        } catch (error) {
          const code =
            error !== null && typeof error === 'object' && 'code' in error && typeof error.code === 'string'
              ? error.code
              : 'sync-rule-invalid-expression';
          const reason = error instanceof Error ? error.message : String(error);
          throw new FlowError(
            rule.name,
            flow.target,
            code,
            `sync rule "${rule.name}", attribute "${flow.target}": ${reason}`,
            { cause: error },
          );
        }
        break;
    }
  }
  return out;
}

export interface MergeResult {
  readonly attributes: Record<string, readonly AttributeValue[]>;
  /** Attribute → the contender whose value won (absent when no value or kept as it was). */
  readonly winners: Map<string, Contender>;
}

/**
 * Precedence per attribute (lower wins). `update` merge: the first contender with values wins;
 * AuthoritativeNull stops lower rules; NULL and IgnoreThisFlow let lower rules contribute. When
 * every contender ignores, the existing value is kept. `merge` types union all contributions.
 * Attributes with no contender at all are absent from the result.
 */
export function mergeByPrecedence(contenders: Map<string, Contender[]>, existing: Attributes): MergeResult {
  const attributes: Record<string, readonly AttributeValue[]> = {};
  const winners = new Map<string, Contender>();
  for (const [name, list] of contenders) {
    if (list.length > 1) list.sort((a, b) => a.rule.precedence - b.rule.precedence);
    const first = list[0];
    if (!first) continue;
    const mergeType = mergeTypeOf(first.rule, name);
    let sawNull = false;
    let union: AttributeValue[] | null = null;
    let seen: Set<string> | null = null;
    for (const contender of list) {
      const result = contender.result;
      if (result.kind === 'authoritative-null') {
        sawNull = true;
        break;
      }
      if (result.kind === 'null') sawNull = true;
      if (result.kind !== 'values') continue;
      if (mergeType === 'update') {
        attributes[name] = result.values;
        winners.set(name, contender);
        break;
      }
      if (!winners.has(name)) winners.set(name, contender);
      union ??= [];
      seen ??= new Set<string>();
      for (const value of result.values) {
        const key =
          mergeType === 'merge-case-insensitive' && typeof value === 'string' ? indexKey(value) : valueKey(value);
        if (!seen.has(key)) {
          seen.add(key);
          union.push(value);
        }
      }
    }
    if (union !== null && union.length > 0) attributes[name] = union;
    if (!(name in attributes) && !sawNull && existing[name]) attributes[name] = existing[name];
  }
  return { attributes, winners };
}

type MergeType = NonNullable<SyncRule['flows'][number]['mergeType']>;
const mergeTypesByRule = new WeakMap<SyncRule, Map<string, MergeType>>();

/** The merge type of the rule's flow into `target` (`update` when none says otherwise), looked up once per rule. */
function mergeTypeOf(rule: SyncRule, target: string): MergeType {
  let byTarget = mergeTypesByRule.get(rule);
  if (!byTarget) {
    byTarget = new Map();
    for (const flow of rule.flows)
      if (!byTarget.has(flow.target)) byTarget.set(flow.target, flow.mergeType ?? 'update');
    mergeTypesByRule.set(rule, byTarget);
  }
  return byTarget.get(target) ?? 'update';
}
