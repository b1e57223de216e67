import type { ConfigPath, PendingProblem } from './config-problem.js';
import { entraConnectPreset } from './presets/entra-connect.js';
import { adToScimPreset } from './presets/scim.js';
import { syncRuleSchema, type FlowEntry, type PresetOverrideEntry, type SyncRuleEntry } from './rule-schema.js';
import type { SyncRulesEntry } from './schema.js';
import { problemsFromZod } from './zod-problems.js';

/** A flow on its way to the core model, with where it was written. */
export interface FlowDraft {
  readonly entry: FlowEntry;
  /** Field path named in messages. */
  readonly path: ConfigPath;
  /** YAML path of the node problems point at, when it is not `path` (preset flows). */
  readonly at?: ConfigPath;
}

/**
 * A rule on its way to the core model. Preset rules have no YAML node of their own: their problems
 * name `syncRules.preset["<rule>"]…` and point at the `preset` line.
 */
export interface RuleDraft {
  readonly entry: SyncRuleEntry;
  readonly flows: readonly FlowDraft[];
  readonly path: ConfigPath;
  readonly isPreset: boolean;
}

const PRESET_AT: ConfigPath = ['syncRules', 'preset'];

/** A problem about a field of a rule, placed at that field (custom rules) or at the preset line. */
export function ruleProblem(
  rule: RuleDraft,
  field: ConfigPath,
  problem: Omit<PendingProblem, 'path' | 'at'>,
): PendingProblem {
  const path = [...rule.path, ...field];
  return { ...problem, path, at: rule.isPreset ? PRESET_AT : path };
}

function customDrafts(rules: readonly SyncRuleEntry[]): RuleDraft[] {
  return rules.map((entry, index) => {
    const path = ['syncRules', 'rules', index];
    const flows = entry.flows.map((flow, j) => ({ entry: flow, path: [...path, 'flows', j] }));
    return { entry, flows, path, isPreset: false };
  });
}

function presetDrafts(section: SyncRulesEntry, problems: PendingProblem[]): RuleDraft[] {
  if (section.preset === 'none' || section.presetConnectors === undefined) return [];
  const { onPremises, cloud } = section.presetConnectors;
  const drafts: RuleDraft[] = [];
  const preset = section.preset === 'ad-to-scim' ? adToScimPreset : entraConnectPreset;
  for (const input of preset(onPremises, cloud)) {
    const path = ['syncRules', 'preset', input.name];
    const parsed = syncRuleSchema.safeParse(input);
    if (!parsed.success) {
      const relocate = (problem: PendingProblem): PendingProblem => ({
        ...problem,
        path: [...path, ...problem.path],
        at: PRESET_AT,
      });
      problems.push(...problemsFromZod(parsed.error.issues, input, relocate));
      continue;
    }
    const flows = parsed.data.flows.map((flow, j) => ({ entry: flow, path: [...path, 'flows', j], at: PRESET_AT }));
    drafts.push({ entry: parsed.data, flows, path, isPreset: true });
  }
  return drafts;
}

function flowOfOverride(override: PresetOverrideEntry): FlowEntry {
  const { rule: _rule, remove: _remove, ...flow } = override;
  return flow;
}

/** Applies `presetOverrides` in order: replace the flow to `target`, add it, or remove it. */
function applyOverrides(
  drafts: RuleDraft[],
  overrides: readonly PresetOverrideEntry[],
  problems: PendingProblem[],
): RuleDraft[] {
  const result = [...drafts];
  overrides.forEach((override, index) => {
    const path = ['syncRules', 'presetOverrides', index];
    const ruleIndex = result.findIndex((draft) => draft.isPreset && draft.entry.name === override.rule);
    const rule = result[ruleIndex];
    if (rule === undefined) {
      const names = result.filter((draft) => draft.isPreset).map((draft) => JSON.stringify(draft.entry.name));
      const message = `no preset rule named ${JSON.stringify(override.rule)}; preset rules: ${names.join(', ')}`;
      problems.push({ code: 'unknown_preset_rule', path: [...path, 'rule'], message });
      return;
    }
    const target = override.target.toLowerCase();
    const flows = [...rule.flows];
    const flowIndex = flows.findIndex((flow) => flow.entry.target.toLowerCase() === target);
    if (override.remove) {
      if (flowIndex < 0) {
        const message = `preset rule ${JSON.stringify(override.rule)} has no flow to ${JSON.stringify(override.target)}`;
        problems.push({ code: 'unknown_flow_target', path: [...path, 'target'], message });
        return;
      }
      flows.splice(flowIndex, 1);
    } else {
      const flow = { entry: flowOfOverride(override), path };
      if (flowIndex < 0) flows.push(flow);
      else flows[flowIndex] = flow;
    }
    result[ruleIndex] = { ...rule, flows };
  });
  return result;
}

/**
 * Collects every rule the config defines: the preset's (with overrides applied) and the custom
 * ones, each with its origin so that later checks can point at the right line.
 */
export function draftRules(section: SyncRulesEntry, problems: PendingProblem[]): RuleDraft[] {
  const preset = applyOverrides(presetDrafts(section, problems), section.presetOverrides, problems);
  return [...preset, ...customDrafts(section.rules)];
}
