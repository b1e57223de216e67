import { z } from 'zod';
import { secretReferenceSchema } from './resolve-secret.js';

/** Microsoft Graph `$batch` accepts at most 20 requests (JSON batching limits). */
export const GRAPH_MAX_BATCH = 20;

const nonEmpty = z.string().min(1, 'must not be empty');
const httpsUrl = z
  .string()
  .url('must be a URL')
  .refine((url) => url.startsWith('https://'), 'must be an https:// URL')
  .transform((url) => url.replace(/\/+$/, ''));

/** A certificate credential: the PEM private key and the certificate's hex thumbprint (SHA-256 or SHA-1). */
const certificateSchema = z
  .object({
    privateKeyFile: nonEmpty,
    thumbprint: z
      .string()
      .transform((text) => text.replace(/[:\s]/g, '').toLowerCase())
      .refine(
        (hex) => /^([0-9a-f]{40}|[0-9a-f]{64})$/.test(hex),
        'must be a SHA-256 (64 hex) or SHA-1 (40 hex) thumbprint',
      ),
    /** The certificate itself (PEM), sent as x5c for subject-name/issuer authentication; optional. */
    certificateFile: nonEmpty.optional(),
  })
  .strict();

/**
 * The `entra` connector: Microsoft Entra ID over Microsoft Graph v1.0, authenticated with the
 * OAuth 2.0 client-credentials grant: exactly one of `clientSecret` or `certificate` (checked when
 * the connector is created, as a discriminated union member cannot carry a refinement). `authority` and
 * `graphUrl` point elsewhere for sovereign clouds or the test emulator; `caFile` adds a trusted CA.
 */
export const entraConnectorSchema = z
  .object({
    type: z.literal('entra'),
    name: z.string().regex(/^[A-Za-z0-9._-]+$/, 'connector names are [A-Za-z0-9._-]+'),
    tenantId: z.string().regex(/^[A-Za-z0-9.-]+$/, 'a tenant id (GUID) or a verified domain name'),
    clientId: z.string().regex(/^[0-9A-Fa-f-]{36}$/, 'the application (client) id, a GUID'),
    clientSecret: secretReferenceSchema.optional(),
    certificate: certificateSchema.optional(),
    authority: httpsUrl.default('https://login.microsoftonline.com'),
    graphUrl: httpsUrl.default('https://graph.microsoft.com'),
    caFile: nonEmpty.optional(),
    /** Directory extension property holding a group's sourceAnchor (Graph groups have no onPremisesImmutableId). */
    groupAnchorProperty: z
      .string()
      .regex(
        /^extension_[0-9a-fA-F]{32}_[A-Za-z0-9_]+$/,
        'a directory extension property: extension_<appId without dashes>_<name>',
      )
      .optional(),
    batchSize: z
      .number()
      .int()
      .min(1)
      .max(GRAPH_MAX_BATCH, `Graph $batch takes at most ${GRAPH_MAX_BATCH} requests`)
      .default(20),
    concurrency: z.number().int().min(1).max(16).default(4),
    pageSize: z.number().int().min(1).max(999).default(999),
    timeoutMs: z.number().int().min(1000).default(60_000),
    maxRetries: z.number().int().min(0).max(20).default(6),
    parameters: z.record(z.string()).readonly().default({}),
  })
  .strict();

/** The validated `entra` connector configuration connectors are written against. */
export type EntraConnectorConfig = Readonly<Omit<z.output<typeof entraConnectorSchema>, 'parameters'>>;
