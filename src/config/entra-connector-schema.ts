import { z } from 'zod';

/** The `entra` connector: Microsoft Entra ID over Microsoft Graph v1.0. STUB: the Graph work fleshes this out. */
export const entraConnectorSchema = z
  .object({
    type: z.literal('entra'),
    name: z.string().regex(/^[A-Za-z0-9._-]+$/, 'connector names are [A-Za-z0-9._-]+'),
    parameters: z.record(z.string()).readonly().default({}),
  })
  .strict();

/** The validated `entra` connector configuration connectors are written against. */
export type EntraConnectorConfig = Readonly<Omit<z.output<typeof entraConnectorSchema>, 'parameters'>>;
