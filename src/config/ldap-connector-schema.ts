import { z } from 'zod';
import { isDnValid } from '../core/dn.js';
import { secretReferenceSchema } from './resolve-secret.js';

/** The directory servers the one `ldap` connector speaks to. */
export const LDAP_FLAVOURS = ['openldap', 'activedirectory'] as const;
export type LdapFlavourName = (typeof LDAP_FLAVOURS)[number];

/** Attributes whose values are DNs of other entries, unless the config says otherwise. */
export const DEFAULT_LDAP_REFERENCE_ATTRIBUTES = ['member', 'uniqueMember', 'manager', 'owner', 'secretary'] as const;

/** Attributes kept binary (Buffer) end to end, unless the config says otherwise (flavours add their own). */
export const DEFAULT_LDAP_BINARY_ATTRIBUTES = [
  'objectGUID',
  'objectSid',
  'mS-DS-ConsistencyGuid',
  'jpegPhoto',
  'thumbnailPhoto',
  'userCertificate',
] as const;

const nonEmpty = z.string().trim().min(1, 'must not be empty');
const names = z.array(nonEmpty).readonly();
const dn = nonEmpty.refine(isDnValid, { message: 'is not a valid DN (RFC 4514)' });

/** `ldap://host:port` or `ldaps://host:port`: scheme, host and port only (no base DN, no query). */
const serverUrl = z
  .string()
  .trim()
  .regex(/^ldaps?:\/\/(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(:\d{1,5})?\/?$/i, {
    message: 'must be ldap://host[:port] or ldaps://host[:port]',
  });

const tlsSchema = z
  .object({
    /** PEM file of the CA(s) that signed the server certificate; relative to the config's folder. */
    caFile: nonEmpty.optional(),
    /** Refuse servers whose certificate does not verify. Turning it off is for throwaway test servers only. */
    rejectUnauthorized: z.boolean().default(true),
    /** The name the certificate must carry when it differs from the URL's host. */
    serverName: nonEmpty.optional(),
  })
  .strict();

/**
 * The `ldap` connector: OpenLDAP and Active Directory over ldapts (flavour `openldap` or
 * `activedirectory`). Servers are tried in order; referrals are never chased.
 */
export const ldapConnectorSchema = z
  .object({
    type: z.literal('ldap'),
    name: z.string().regex(/^[A-Za-z0-9._-]+$/, 'connector names are [A-Za-z0-9._-]+'),
    flavour: z.enum(LDAP_FLAVOURS),
    servers: z.array(serverUrl).min(1, 'needs at least one server URL').readonly(),
    /** Upgrade ldap:// connections with StartTLS (RFC 4511 §4.14) before binding. */
    startTls: z.boolean().default(false),
    tls: tlsSchema.default({}),
    bindDn: dn,
    password: secretReferenceSchema,
    /** The subtree imported; exports outside it are refused. */
    baseDn: dn,
    /** Subtrees (DNs at or under baseDn) to import; empty `include` means all of baseDn. `exclude` wins. */
    containers: z
      .object({ include: z.array(dn).readonly().default([]), exclude: z.array(dn).readonly().default([]) })
      .strict()
      .default({}),
    /**
     * objectClass → object type. When given, only entries with one of these classes are imported
     * (the most specific class wins); when empty, every entry is, typed by its structural class.
     */
    objectTypes: z.record(nonEmpty).readonly().default({}),
    /** Attributes imported; empty means all user attributes. objectClass and the anchor are always read. */
    attributeInclusion: names.default([]),
    binaryAttributes: names.default([...DEFAULT_LDAP_BINARY_ATTRIBUTES]),
    referenceAttributes: names.default([...DEFAULT_LDAP_REFERENCE_ATTRIBUTES]),
    /** Entries per page of a paged search (RFC 2696). */
    pageSize: z.number().int('must be an integer').min(1).max(100_000).default(500),
    /** Per-operation and connect timeout. */
    timeoutMs: z.number().int('must be an integer').min(100).default(30_000),
    /** OpenLDAP: suffix of the accesslog database that delta import reads. */
    accesslogBase: dn.default('cn=accesslog'),
    /** Export: attempts after the first for retryable failures (busy, unavailable), with doubling backoff. */
    retries: z.number().int('must be an integer').min(0).max(10).default(3),
    retryDelayMs: z.number().int('must be an integer').min(0).default(200),
    parameters: z.record(z.string()).readonly().default({}),
  })
  .strict();

/** The validated `ldap` connector configuration connectors are written against. */
export type LdapConnectorConfig = Readonly<Omit<z.output<typeof ldapConnectorSchema>, 'parameters'>>;
