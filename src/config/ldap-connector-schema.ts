import { z } from 'zod';

/**
 * The `ldap` connector: OpenLDAP and Active Directory over ldapts (flavour `openldap` or
 * `activedirectory`). STUB: the LDAP work fleshes this out.
 */
export const ldapConnectorSchema = z
  .object({
    type: z.literal('ldap'),
    name: z.string().regex(/^[A-Za-z0-9._-]+$/, 'connector names are [A-Za-z0-9._-]+'),
    flavour: z.enum(['openldap', 'activedirectory']),
    parameters: z.record(z.string()).readonly().default({}),
  })
  .strict();

/** The validated `ldap` connector configuration connectors are written against. */
export type LdapConnectorConfig = Readonly<Omit<z.output<typeof ldapConnectorSchema>, 'parameters'>>;
