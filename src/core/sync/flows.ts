import { evaluateExpression, type ExpressionResult } from '../expressions/index.js';
import type { AttributeFlow, MergeType, SyncRule } from '../sync-rule.js';
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

/** The rule, and the CS object it read, that supplied an attribute's value. */
export interface Contender {
  readonly rule: SyncRule;
  readonly csId: string;
}

export interface MergeResult {
  readonly attributes: Record<string, readonly AttributeValue[]>;
  /** Attribute → the contender whose value won (absent when no value or kept as it was). */
  readonly winners: Map<string, Contender>;
}

/** What the merge knows so far about one target attribute. */
interface Slot {
  readonly mergeType: MergeType;
  /** `update`: a value won or an AuthoritativeNull stopped lower rules; later contenders change nothing. */
  isDecided: boolean;
  sawNull: boolean;
  values: readonly AttributeValue[] | null;
  seen: Set<string> | null;
  winner: Contender | null;
}

const NULL_RESULT: ExpressionResult = { kind: 'null' };
const IGNORE_RESULT: ExpressionResult = { kind: 'ignore' };

/**
 * Precedence per attribute (lower wins), merged as the rules' results arrive. `update`: the first
 * contender with values wins; AuthoritativeNull stops lower rules; NULL and IgnoreThisFlow let lower
 * rules contribute; when every contender ignores, the existing value is kept. `merge` types union all
 * contributions, in precedence order. The merge type is that of the highest-precedence flow.
 *
 * Rules must be offered in precedence order, lowest first (`RuleSet` lists them so; precedences are
 * unique). Every flow is still evaluated after its attribute is decided, so a failing expression
 * fails the object whatever its precedence, as it did when results were collected first.
 */
export class PrecedenceMerge {
  private readonly slots = new Map<string, Slot>();

  /**
   * Evaluates every flow of `rule` against a source image and merges the results. Apply-once flows
   * only flow when the target object is being created; otherwise they leave the target as it is.
   * Throws `FlowError` naming the rule and attribute when an expression fails.
   */
  offer(
    rule: SyncRule,
    csId: string,
    source: Attributes,
    parameters: Readonly<Record<string, string>>,
    isTargetNew: boolean,
  ): void {
    const contender: Contender = { rule, csId };
    const { flows, isShadowed, mergeTypes } = flowsOf(rule);
    let context: Parameters<typeof evaluateExpression>[1] | undefined;
    for (let i = 0; i < flows.length; i++) {
      const flow = flows[i] as AttributeFlow;
      let result: ExpressionResult;
      if (flow.isApplyOnce && !isTargetNew) result = IGNORE_RESULT;
      else if (flow.kind === 'direct') result = valuesResult(source[flow.source]);
      else if (flow.kind === 'constant') result = valuesResult(flow.values);
      else {
        context ??= { attribute: (name) => source[name], parameter: (name) => parameters[name] };
        result = evaluate(rule, flow.target, flow.expression, context);
      }
      // A later flow of the same rule into the same target replaces this one's result.
      if (!isShadowed[i]) this.add(flow.target, mergeTypes[i] as MergeType, contender, result);
    }
  }

  /** Every target attribute some offered rule flows into, decided or not. */
  targets(): IterableIterator<string> {
    return this.slots.keys();
  }

  /** The merged attributes; attributes no rule flows into are absent. */
  result(existing: Attributes): MergeResult {
    const attributes: Record<string, readonly AttributeValue[]> = {};
    const winners = new Map<string, Contender>();
    for (const [name, slot] of this.slots) {
      if (slot.values !== null && (slot.mergeType === 'update' || slot.values.length > 0))
        attributes[name] = slot.values;
      else if (!slot.sawNull && existing[name]) attributes[name] = existing[name];
      if (slot.winner !== null) winners.set(name, slot.winner);
    }
    return { attributes, winners };
  }

  private add(name: string, mergeType: MergeType, contender: Contender, result: ExpressionResult): void {
    let slot = this.slots.get(name);
    if (slot === undefined) {
      slot = { mergeType, isDecided: false, sawNull: false, values: null, seen: null, winner: null };
      this.slots.set(name, slot);
    }
    if (slot.isDecided) return;
    switch (result.kind) {
      case 'authoritative-null':
        slot.sawNull = true;
        slot.isDecided = true;
        return;
      case 'null':
        slot.sawNull = true;
        return;
      case 'ignore':
        return;
      case 'values':
        break;
    }
    slot.winner ??= contender;
    if (slot.mergeType === 'update') {
      slot.values = result.values;
      slot.isDecided = true;
      return;
    }
    const union = (slot.values ??= []) as AttributeValue[];
    const seen = (slot.seen ??= new Set<string>());
    for (const value of result.values) {
      const key =
        slot.mergeType === 'merge-case-insensitive' && typeof value === 'string' ? indexKey(value) : valueKey(value);
      if (!seen.has(key)) {
        seen.add(key);
        union.push(value);
      }
    }
  }
}

function valuesResult(values: readonly AttributeValue[] | undefined): ExpressionResult {
  return values && values.length > 0 ? { kind: 'values', values } : NULL_RESULT;
}

function evaluate(
  rule: SyncRule,
  target: string,
  expression: Parameters<typeof evaluateExpression>[0],
  context: Parameters<typeof evaluateExpression>[1],
): ExpressionResult {
  try {
    return evaluateExpression(expression, context);
  } catch (error) {
    const code =
      error !== null && typeof error === 'object' && 'code' in error && typeof error.code === 'string'
        ? error.code
        : 'sync-rule-invalid-expression';
    const reason = error instanceof Error ? error.message : String(error);
    throw new FlowError(rule.name, target, code, `sync rule "${rule.name}", attribute "${target}": ${reason}`, {
      cause: error,
    });
  }
}

interface RuleFlows {
  readonly flows: readonly AttributeFlow[];
  /** A later flow of the rule has the same target. */
  readonly isShadowed: readonly boolean[];
  /** The merge type of the rule's first flow into the same target. */
  readonly mergeTypes: readonly MergeType[];
}

const flowsByRule = new WeakMap<SyncRule, RuleFlows>();

/** How the rule's flows merge, worked out once per rule. */
function flowsOf(rule: SyncRule): RuleFlows {
  let entry = flowsByRule.get(rule);
  if (!entry) {
    const flows = rule.flows;
    entry = {
      flows,
      isShadowed: flows.map((flow, i) => flows.some((later, j) => j > i && later.target === flow.target)),
      mergeTypes: flows.map(
        (flow) => (flows.find((f) => f.target === flow.target) as AttributeFlow).mergeType ?? 'update',
      ),
    };
    flowsByRule.set(rule, entry);
  }
  return entry;
}
