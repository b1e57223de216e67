import { ExpressionSyntaxError, parseExpression } from '../core/expressions/index.js';
import type { AttributeFlow, ScopeCondition, SyncRule } from '../core/sync-rule.js';
import type { PendingProblem } from './config-problem.js';
import type { FlowDraft, RuleDraft } from './rule-drafts.js';
import type { SyncRuleEntry } from './rule-schema.js';

/** Expression parameters per connector; a connector missing here is reported elsewhere. */
export type ParameterLookup = (connector: string) => Readonly<Record<string, string>> | undefined;

function expressionProblem(flow: FlowDraft, message: string, code: PendingProblem['code']): PendingProblem {
  const path = [...flow.path, 'expression'];
  return { code, message, path, at: flow.at ?? path };
}

function toFlow(
  flow: FlowDraft,
  parameters: Readonly<Record<string, string>> | undefined,
  connector: string,
  problems: PendingProblem[],
): AttributeFlow | undefined {
  const { entry } = flow;
  const base = { target: entry.target, isApplyOnce: entry.applyOnce, mergeType: entry.mergeType };
  if (entry.source !== undefined) return { ...base, kind: 'direct', source: entry.source };
  if (entry.constant !== undefined) {
    const values = Array.isArray(entry.constant) ? entry.constant : [entry.constant];
    return { ...base, kind: 'constant', values };
  }
  if (entry.expression === undefined) return undefined;
  try {
    const expression = parseExpression(entry.expression);
    for (const name of parameters === undefined ? [] : expression.parameters) {
      if (Object.hasOwn(parameters ?? {}, name)) continue;
      const message = `%${name}% is not defined: add it to the parameters of connector ${JSON.stringify(connector)}`;
      problems.push(expressionProblem(flow, message, 'unknown_parameter'));
    }
    return { ...base, kind: 'expression', expression };
  } catch (error) {
    if (!(error instanceof ExpressionSyntaxError)) throw error;
    const where = error.message.includes('position') ? '' : ` at position ${error.position}`;
    const message = `expression syntax error${where}: ${error.message}`;
    problems.push(expressionProblem(flow, message, 'expression_syntax'));
    return undefined;
  }
}

function toScope(entry: SyncRuleEntry): SyncRule['scope'] {
  return entry.scope.map((group) =>
    group.map((condition): ScopeCondition => {
      const { attribute, operator, value } = condition;
      return value === undefined ? { attribute, operator } : { attribute, operator, value };
    }),
  );
}

/**
 * Turns a drafted rule into the core `SyncRule`: flows become tagged unions, expressions are parsed
 * (syntax errors and undefined `%parameters%` become problems), and the deprovision default is
 * applied: `delete` for outbound provision rules, `keep` otherwise.
 */
export function normalizeRule(draft: RuleDraft, parametersOf: ParameterLookup, problems: PendingProblem[]): SyncRule {
  const { entry } = draft;
  const parameters = parametersOf(entry.connector);
  const flows = draft.flows.flatMap((flow) => toFlow(flow, parameters, entry.connector, problems) ?? []);
  const isOutboundProvision = entry.direction === 'outbound' && entry.linkType === 'provision';
  return {
    name: entry.name,
    description: entry.description,
    direction: entry.direction,
    connector: entry.connector,
    csObjectType: entry.csObjectType,
    mvObjectType: entry.mvObjectType,
    linkType: entry.linkType,
    precedence: entry.precedence,
    scope: toScope(entry),
    joins: entry.joins.map((group) =>
      group.map(({ csAttribute, mvAttribute, caseSensitive }) => ({
        csAttribute,
        mvAttribute,
        isCaseSensitive: caseSensitive,
      })),
    ),
    flows,
    deprovision: entry.deprovision ?? (isOutboundProvision ? 'delete' : 'keep'),
    isDisabled: entry.disabled,
    isPasswordSync: entry.passwordSync,
  };
}
