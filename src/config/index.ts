/**
 * The config folder's public face: `idsync.yaml` schema, loading, normalization and validation, the
 * built-in rule presets, and the connector config types connectors are written against.
 */
export type {
  ConnectorConfig,
  CsvConnectorConfig,
  EntraConnectorConfig,
  FileConnectorConfig,
  LdapConnectorConfig,
  ScimConnectorConfig,
  FileConnectorCommon,
  LdifConnectorConfig,
} from './connector-config.js';
export {
  CONFIG_PROBLEM_CODES,
  ConfigValidationError,
  formatPath,
  formatProblem,
  type ConfigPath,
  type ConfigProblem,
  type ConfigProblemCode,
} from './config-problem.js';
export {
  CONNECTOR_NAME_PATTERN,
  CONNECTOR_TYPES,
  CSV_ENCODINGS,
  DEFAULT_LDIF_BINARY_ATTRIBUTES,
  DEFAULT_REFERENCE_ATTRIBUTES,
  connectorSchema,
  csvConnectorSchema,
  ldifConnectorSchema,
} from './connector-schema.js';
export { entraConnectorSchema } from './entra-connector-schema.js';
export { ldapConnectorSchema } from './ldap-connector-schema.js';
export { SCIM_DELTA_MODES, SCIM_OBJECT_TYPES, scimConnectorSchema } from './scim-connector-schema.js';
export { CONFIG_ENV_VAR, DEFAULT_CONFIG_FILE, configPathFrom, loadConfig } from './load-config.js';
export { deepFreeze, parseConfig, type IdsyncConfig } from './parse-config.js';
export { entraConnectPreset } from './presets/entra-connect.js';
export { adToScimPreset } from './presets/scim.js';
export { resolveSecret, SECRET_PREFIXES, secretReferenceSchema } from './resolve-secret.js';
export {
  flowSchema,
  joinConditionSchema,
  presetOverrideSchema,
  scopeConditionSchema,
  syncRuleSchema,
  type SyncRuleInput,
} from './rule-schema.js';
export {
  DEFAULT_DELETION_THRESHOLD_COUNT,
  DEFAULT_SERVER_NAME,
  DEFAULT_STORE_PATH,
  STORE_TYPES,
  SYNC_RULE_PRESETS,
  configSchema,
  type SyncRulePreset,
} from './schema.js';
