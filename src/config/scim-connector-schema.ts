import { z } from 'zod';

/** How a delta import finds changes: the `meta.lastModified` filter, or a full listing the engine diffs. */
export const SCIM_DELTA_MODES = ['lastModified', 'difference'] as const;

/** The SCIM resource types the connector synchronizes, as connector-space object types. */
export const SCIM_OBJECT_TYPES = ['user', 'group'] as const;

const nonEmpty = z.string().min(1, 'must not be empty');
const secretRef = nonEmpty.describe('a secret reference: env:NAME, file:/path or plain:value');

const httpUrl = z
  .string()
  .url('must be an absolute URL')
  .refine((url) => /^https?:\/\//i.test(url), 'must be an http:// or https:// URL');

/** A static bearer token (RFC 6750), as most SCIM services issue for provisioning clients. */
const bearerAuth = z.object({ bearerToken: secretRef }).strict();

/** OAuth 2.0 client credentials grant (RFC 6749 §4.4): the connector fetches and renews the token. */
const oauthAuth = z
  .object({
    oauth: z
      .object({
        tokenUrl: httpUrl,
        clientId: nonEmpty,
        clientSecret: secretRef,
        scope: nonEmpty.optional(),
      })
      .strict(),
  })
  .strict();

/**
 * The `scim` connector: any SCIM 2.0 service (RFC 7643/7644), Users (core + enterprise extension)
 * and Groups. Credentials are secret references resolved when the connector opens.
 */
export const scimConnectorSchema = z
  .object({
    type: z.literal('scim'),
    name: z.string().regex(/^[A-Za-z0-9._-]+$/, 'connector names are [A-Za-z0-9._-]+'),
    /** The service's base URL, e.g. `https://example.com/scim/v2` (`/Users` and `/Groups` are appended). */
    baseUrl: httpUrl,
    auth: z.union([bearerAuth, oauthAuth], {
      errorMap: () => ({
        message: 'expected { bearerToken: <secret ref> } or { oauth: { tokenUrl, clientId, clientSecret } }',
      }),
    }),
    /** Requests in flight at once during export and reference lookups. */
    concurrency: z.number().int('must be an integer').min(1).max(64).default(4),
    /** `count` of each list request (the service may return fewer). */
    pageSize: z.number().int('must be an integer').min(1).max(1000).default(200),
    /** Updates as PUT of the whole resource instead of PATCH (group members are still PATCHed). */
    usePut: z.boolean().default(false),
    deltaImport: z.enum(SCIM_DELTA_MODES).default('lastModified'),
    /** Send `If-Match` with the version last imported when the service offers versions (ETags). */
    useETags: z.boolean().default(true),
    /** Before creating, look for an existing resource with the same externalId (or userName) and update it instead. */
    matchBeforeCreate: z.boolean().default(true),
    timeoutMs: z.number().int('must be an integer').min(100).default(30_000),
    /** Retries of a request answered 429/503 or not answered at all (idempotent requests only). */
    retries: z.number().int('must be an integer').min(0).max(10).default(4),
    objectTypes: z.array(z.enum(SCIM_OBJECT_TYPES)).min(1).readonly().default(['user', 'group']),
    parameters: z.record(z.string()).readonly().default({}),
  })
  .strict();

/** The validated `scim` connector configuration connectors are written against. */
export type ScimConnectorConfig = Readonly<Omit<z.output<typeof scimConnectorSchema>, 'parameters'>>;
