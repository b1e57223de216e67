import { z } from 'zod';
import type { CsvConnectorConfig, LdifConnectorConfig } from './connector-config.js';
import { entraConnectorSchema } from './entra-connector-schema.js';
import { ldapConnectorSchema } from './ldap-connector-schema.js';
import { scimConnectorSchema } from './scim-connector-schema.js';

/** Connector names: used in file names, CLI arguments and run history, so kept plain. */
export const CONNECTOR_NAME_PATTERN = /^[A-Za-z0-9._-]+$/;

/** Binary attributes of Active Directory that an LDIF export carries base64-encoded. */
export const DEFAULT_LDIF_BINARY_ATTRIBUTES = [
  'objectGUID',
  'objectSid',
  'mS-DS-ConsistencyGuid',
  'jpegPhoto',
  'thumbnailPhoto',
] as const;

/** Attributes whose values are DNs of other objects, unless a connector says otherwise. */
export const DEFAULT_REFERENCE_ATTRIBUTES = ['member', 'manager'] as const;

/** Text encodings a CSV connector reads and writes. */
export const CSV_ENCODINGS = ['utf8', 'utf16le', 'latin1'] as const;

const nonEmpty = z.string().min(1, 'must not be empty');
const names = z.array(nonEmpty).readonly();

/** Expression parameters (`%Domain.FQDN%`) that this connector's rules may use. */
const parametersSchema = z
  .record(z.string().regex(/^[A-Za-z0-9_.-]+$/, 'parameter names are [A-Za-z0-9_.-]+'), z.string())
  .readonly()
  .default({});

/** Fields every file-based connector has; `binaryAttributes` defaults differ per type. */
const fileConnectorFields = {
  name: z.string().regex(CONNECTOR_NAME_PATTERN, 'connector names are [A-Za-z0-9._-]+'),
  path: nonEmpty,
  anchorAttribute: nonEmpty.default('dn'),
  referenceAttributes: names.default([...DEFAULT_REFERENCE_ATTRIBUTES]),
  attributeInclusion: names.default([]),
  objectTypes: names.default([]),
  generateAnchorOnAdd: z.boolean().default(false),
  parameters: parametersSchema,
};

/** An LDIF file (`ldapsearch`/`ldifde` output) read and written as a directory. */
export const ldifConnectorSchema = z
  .object({
    type: z.literal('ldif'),
    ...fileConnectorFields,
    binaryAttributes: names.default([...DEFAULT_LDIF_BINARY_ATTRIBUTES]),
    objectClassMap: z.record(nonEmpty).readonly().default({}),
  })
  .strict();

/** A CSV file, one object per row, multi-valued cells joined by `multiValueSeparator`. */
export const csvConnectorSchema = z
  .object({
    type: z.literal('csv'),
    ...fileConnectorFields,
    binaryAttributes: names.default([]),
    dnColumn: nonEmpty.default('dn'),
    objectTypeColumn: nonEmpty.nullable().default(null),
    objectType: nonEmpty.default('user'),
    multiValueSeparator: nonEmpty.default(';'),
    delimiter: z.string().length(1, 'must be a single character').default(','),
    encoding: z.enum(CSV_ENCODINGS).default('utf8'),
  })
  .strict();

/**
 * Any connector, chosen by `type`. To add a type: write its schema, add it here and add its
 * `*ConnectorConfig` to `connector-config.ts`; the assertions below keep the two in step.
 */
export const connectorSchema = z.discriminatedUnion('type', [
  ldifConnectorSchema,
  csvConnectorSchema,
  ldapConnectorSchema,
  scimConnectorSchema,
  entraConnectorSchema,
]);

/** The connector types the config accepts, in the order error messages list them. */
export const CONNECTOR_TYPES = [...connectorSchema.optionsMap.keys()] as readonly string[];

/** A connector entry as parsed: paths still relative, `parameters` not yet split off. */
export type ConnectorEntry = z.output<typeof connectorSchema>;

type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type AsConfig<S extends z.ZodTypeAny> = Readonly<Omit<z.output<S>, 'parameters'>>;

// Type-level checks: the schemas produce exactly the types connectors are written against.
const isLdifExact: Equals<AsConfig<typeof ldifConnectorSchema>, LdifConnectorConfig> = true;
const isCsvExact: Equals<AsConfig<typeof csvConnectorSchema>, CsvConnectorConfig> = true;
void isLdifExact;
void isCsvExact;
