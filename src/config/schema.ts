import { z } from 'zod';
import { connectorSchema } from './connector-schema.js';
import { presetOverrideSchema, syncRuleSchema } from './rule-schema.js';

/** Built-in rule sets; `none` means only `syncRules.rules`. `ad-to-scim`: AD to a SCIM 2.0 service (presets/scim.ts). */
export const SYNC_RULE_PRESETS = ['none', 'entra-connect', 'ad-to-scim'] as const;
export type SyncRulePreset = (typeof SYNC_RULE_PRESETS)[number];

/** State stores the config accepts (PostgreSQL comes later). */
export const STORE_TYPES = ['sqlite'] as const;

/** Defaults applied when `idsync.yaml` leaves a setting out. */
export const DEFAULT_STORE_PATH = './data/idsync.db';
export const DEFAULT_SERVER_NAME = 'idsync';
export const DEFAULT_DELETION_THRESHOLD_COUNT = 500;

const nonEmpty = z.string().trim().min(1, 'must not be empty');

const syncRulesSchema = z
  .object({
    preset: z.enum(SYNC_RULE_PRESETS).default('none'),
    presetConnectors: z.object({ onPremises: nonEmpty, cloud: nonEmpty }).strict().optional(),
    presetOverrides: z.array(presetOverrideSchema).default([]),
    rules: z.array(syncRuleSchema).default([]),
  })
  .strict()
  .superRefine((section, ctx) => {
    if (section.preset !== 'none' && section.presetConnectors === undefined) {
      const message = `required when preset is ${section.preset}: { onPremises: <connector>, cloud: <connector> }`;
      ctx.addIssue({ code: 'custom', path: ['presetConnectors'], params: { code: 'missing_field' }, message });
    }
    if (section.preset === 'none' && section.presetConnectors !== undefined) {
      const message = 'only used with a preset (set preset: entra-connect)';
      ctx.addIssue({ code: 'custom', path: ['presetConnectors'], message });
    }
    if (section.preset === 'none' && section.presetOverrides.length > 0) {
      const message = 'only used with a preset (set preset: entra-connect)';
      ctx.addIssue({ code: 'custom', path: ['presetOverrides'], message });
    }
  });

/** The whole of `idsync.yaml`, before normalization (relative paths, parameters inside connectors). */
export const configSchema = z
  .object({
    server: z
      .object({ name: nonEmpty.default(DEFAULT_SERVER_NAME) })
      .strict()
      .default({}),
    store: z
      .object({ type: z.enum(STORE_TYPES).default('sqlite'), path: nonEmpty.default(DEFAULT_STORE_PATH) })
      .strict()
      .default({}),
    connectors: z.array(connectorSchema).default([]),
    syncRules: syncRulesSchema.default({}),
    deletionThreshold: z
      .object({
        count: z.number().int('must be an integer').min(0).default(DEFAULT_DELETION_THRESHOLD_COUNT),
        percent: z.number().min(0).max(100).nullable().default(null),
      })
      .strict()
      .default({}),
  })
  .strict();

/** `idsync.yaml` as parsed by {@link configSchema}. */
export type ConfigEntry = z.output<typeof configSchema>;
export type SyncRulesEntry = ConfigEntry['syncRules'];
