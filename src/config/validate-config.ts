import { DN_TARGET, type SyncRule } from '../core/sync-rule.js';
import { formatPath, type PendingProblem } from './config-problem.js';
import { ruleProblem, type RuleDraft } from './rule-drafts.js';
import type { ConfigEntry } from './schema.js';

/** A drafted rule and the core rule it became. */
export interface CheckedRule {
  readonly draft: RuleDraft;
  readonly rule: SyncRule;
}

function describeRule(draft: RuleDraft): string {
  return draft.isPreset ? 'the preset' : formatPath(draft.path);
}

function checkConnectors(config: ConfigEntry, problems: PendingProblem[]): void {
  const seen = new Map<string, number>();
  config.connectors.forEach((connector, index) => {
    const key = connector.name.toLowerCase();
    const first = seen.get(key);
    if (first === undefined) {
      seen.set(key, index);
      return;
    }
    const message = `connector name ${JSON.stringify(connector.name)} is already used by connectors[${first}]`;
    problems.push({ code: 'duplicate_name', path: ['connectors', index, 'name'], message });
  });
}

function unknownConnector(name: string, known: readonly string[]): string {
  const list = known.length === 0 ? 'none are defined' : `connectors: ${known.join(', ')}`;
  return `no connector named ${JSON.stringify(name)} (${list})`;
}

function checkPresetConnectors(config: ConfigEntry, known: readonly string[], problems: PendingProblem[]): void {
  const presetConnectors = config.syncRules.presetConnectors;
  if (config.syncRules.preset === 'none' || presetConnectors === undefined) return;
  for (const role of ['onPremises', 'cloud'] as const) {
    const name = presetConnectors[role];
    if (known.includes(name)) continue;
    const path = ['syncRules', 'presetConnectors', role];
    problems.push({ code: 'unknown_connector', path, message: unknownConnector(name, known) });
  }
}

function checkRuleNames(rules: readonly CheckedRule[], problems: PendingProblem[]): void {
  const seen = new Map<string, RuleDraft>();
  for (const { draft } of rules) {
    const first = seen.get(draft.entry.name);
    if (first === undefined) {
      seen.set(draft.entry.name, draft);
      continue;
    }
    const message = `rule name ${JSON.stringify(draft.entry.name)} is already used by ${describeRule(first)}`;
    problems.push(ruleProblem(draft, ['name'], { code: 'duplicate_name', message }));
  }
}

function checkPrecedence(rules: readonly CheckedRule[], problems: PendingProblem[]): void {
  const byPrecedence = new Map<number, RuleDraft>();
  for (const { draft } of rules) {
    const other = byPrecedence.get(draft.entry.precedence);
    if (other === undefined) {
      byPrecedence.set(draft.entry.precedence, draft);
      continue;
    }
    const message =
      `precedence ${draft.entry.precedence} is used by both ${JSON.stringify(other.entry.name)} and ` +
      `${JSON.stringify(draft.entry.name)}; precedence must be unique, as in Entra Connect`;
    problems.push(ruleProblem(draft, ['precedence'], { code: 'duplicate_precedence', message }));
  }
}

function checkRule({ draft, rule }: CheckedRule, known: readonly string[], problems: PendingProblem[]): void {
  if (!draft.isPreset && !known.includes(rule.connector)) {
    const message = unknownConnector(rule.connector, known);
    problems.push(ruleProblem(draft, ['connector'], { code: 'unknown_connector', message }));
  }
  const isOutboundProvision = rule.direction === 'outbound' && rule.linkType === 'provision';
  // The drafted flows, not the normalized ones: a dn flow whose expression did not parse is reported once.
  if (isOutboundProvision && !draft.flows.some((flow) => flow.entry.target.toLowerCase() === DN_TARGET)) {
    const message = `an outbound provision rule needs a flow with target "${DN_TARGET}": it names the objects it creates`;
    problems.push(ruleProblem(draft, ['flows'], { code: 'missing_dn_flow', message }));
  }
}

/**
 * Checks that need the whole config: unique connector names, unique rule names, unique precedence,
 * connectors that exist, and a `dn` flow on outbound provisioning rules. `rules` come preset first,
 * so a clash between a preset rule and a custom one is reported at the custom rule.
 */
export function validateConfig(config: ConfigEntry, rules: readonly CheckedRule[], problems: PendingProblem[]): void {
  const known = config.connectors.map((connector) => connector.name);
  checkConnectors(config, problems);
  checkPresetConnectors(config, known, problems);
  checkRuleNames(rules, problems);
  checkPrecedence(rules, problems);
  for (const rule of rules) checkRule(rule, known, problems);
}
