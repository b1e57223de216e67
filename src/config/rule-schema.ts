import { z } from 'zod';
import { DEPROVISION_ACTIONS, LINK_TYPES, MERGE_TYPES, SCOPE_OPERATORS, SYNC_DIRECTIONS } from '../core/sync-rule.js';

const nonEmpty = z.string().trim().min(1, 'must not be empty');

/** Operators that test presence only and take no value. */
const VALUELESS_OPERATORS: ReadonlySet<string> = new Set(['ISNULL', 'ISNOTNULL']);

/**
 * One scope clause. Values are compared as text, so numbers and booleans are accepted and turned into
 * strings (`TRUE` written unquoted is a YAML boolean and becomes `true`: quote it to keep the case).
 */
export const scopeConditionSchema = z
  .object({
    attribute: nonEmpty,
    operator: z.enum(SCOPE_OPERATORS),
    value: z
      .union([z.string(), z.number(), z.boolean()], {
        errorMap: () => ({ message: 'expected a string' }),
      })
      .transform(String)
      .optional(),
  })
  .strict()
  .superRefine((condition, ctx) => {
    const isValueless = VALUELESS_OPERATORS.has(condition.operator);
    if (isValueless && condition.value !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['value'], message: `${condition.operator} takes no value` });
    } else if (!isValueless && condition.value === undefined) {
      ctx.addIssue({ code: 'custom', path: ['value'], message: `${condition.operator} needs a value` });
    }
  });

/** One join clause: CS attribute ⇄ MV attribute, case-insensitive unless said otherwise. */
export const joinConditionSchema = z
  .object({ csAttribute: nonEmpty, mvAttribute: nonEmpty, caseSensitive: z.boolean().default(false) })
  .strict();

const constantValue = z.union([z.string(), z.number().int(), z.boolean()], {
  errorMap: () => ({ message: 'expected a string, an integer or a boolean' }),
});

/** Fields of a flow, shared by rules and preset overrides. */
const flowFields = {
  target: nonEmpty,
  source: nonEmpty.optional(),
  constant: z.union([constantValue, z.array(constantValue).min(1)]).optional(),
  expression: nonEmpty.optional(),
  applyOnce: z.boolean().default(false),
  mergeType: z.enum(MERGE_TYPES).default('update'),
};

const FLOW_KINDS = ['source', 'constant', 'expression'] as const;

function flowKindsOf(flow: Partial<Record<(typeof FLOW_KINDS)[number], unknown>>): string[] {
  return FLOW_KINDS.filter((kind) => flow[kind] !== undefined);
}

const EXACTLY_ONE = 'a flow needs exactly one of source, constant or expression';

/** An attribute flow: direct (`source`), constant, or expression. */
export const flowSchema = z
  .object(flowFields)
  .strict()
  .superRefine((flow, ctx) => {
    const kinds = flowKindsOf(flow);
    if (kinds.length !== 1) {
      const got = kinds.length === 0 ? 'none' : kinds.join(' and ');
      ctx.addIssue({ code: 'custom', params: { code: 'invalid_flow' }, message: `${EXACTLY_ONE}, got ${got}` });
    }
  });

/** A custom sync rule as written in `syncRules.rules`; the preset produces the same shape. */
export const syncRuleSchema = z
  .object({
    name: nonEmpty,
    description: z.string().default(''),
    direction: z.enum(SYNC_DIRECTIONS),
    connector: nonEmpty,
    csObjectType: nonEmpty,
    mvObjectType: nonEmpty,
    linkType: z.enum(LINK_TYPES).default('join'),
    precedence: z.number().int('must be an integer').min(0),
    scope: z.array(z.array(scopeConditionSchema).min(1, 'a scope group needs a condition')).default([]),
    joins: z.array(z.array(joinConditionSchema).min(1, 'a join group needs a condition')).default([]),
    flows: z.array(flowSchema).default([]),
    /** Default: `delete` for outbound provision rules, `keep` otherwise (applied in normalize). */
    deprovision: z.enum(DEPROVISION_ACTIONS).optional(),
    disabled: z.boolean().default(false),
    passwordSync: z.boolean().default(false),
  })
  .strict();

/** A sync rule as written (input side: defaults may be left out). */
export type SyncRuleInput = z.input<typeof syncRuleSchema>;
/** A sync rule after the schema: defaults applied, not yet normalized into a core `SyncRule`. */
export type SyncRuleEntry = z.output<typeof syncRuleSchema>;
/** A flow after the schema. */
export type FlowEntry = z.output<typeof flowSchema>;

/** Replaces, adds (when the rule has no flow to `target`) or, with `remove: true`, removes one flow. */
export const presetOverrideSchema = z
  .object({ rule: nonEmpty, ...flowFields, remove: z.boolean().default(false) })
  .strict()
  .superRefine((override, ctx) => {
    const kinds = flowKindsOf(override);
    if (override.remove && kinds.length > 0) {
      const message = `remove: true takes no ${kinds.join(' or ')}`;
      ctx.addIssue({ code: 'custom', params: { code: 'invalid_flow' }, message });
    } else if (!override.remove && kinds.length !== 1) {
      const got = kinds.length === 0 ? 'none' : kinds.join(' and ');
      const message = `${EXACTLY_ONE} (or remove: true), got ${got}`;
      ctx.addIssue({ code: 'custom', params: { code: 'invalid_flow' }, message });
    }
  });

/** A preset override after the schema. */
export type PresetOverrideEntry = z.output<typeof presetOverrideSchema>;
