import { z } from 'zod';

/** The `scim` connector: any SCIM 2.0 service (RFC 7643/7644). STUB: the SCIM work fleshes this out. */
export const scimConnectorSchema = z
  .object({
    type: z.literal('scim'),
    name: z.string().regex(/^[A-Za-z0-9._-]+$/, 'connector names are [A-Za-z0-9._-]+'),
    parameters: z.record(z.string()).readonly().default({}),
  })
  .strict();

/** The validated `scim` connector configuration connectors are written against. */
export type ScimConnectorConfig = Readonly<Omit<z.output<typeof scimConnectorSchema>, 'parameters'>>;
