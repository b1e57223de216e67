/**
 * Attributes written with `multivalued="true"` even when they hold one value. The names are the
 * multi-valued attributes of the AD and Entra ID schemas that sync rules commonly flow. `description`
 * is deliberately absent: AD declares it multi-valued but the SAM layer allows only one value, and
 * Entra ID's is single-valued. Any attribute holding more than one value is multi-valued regardless.
 */
export const DEFAULT_MULTIVALUED_ATTRIBUTES: readonly string[] = [
  'directReports',
  'member',
  'memberOf',
  'objectClass',
  'otherFacsimileTelephoneNumber',
  'otherHomePhone',
  'otherIpPhone',
  'otherMailbox',
  'otherMobile',
  'otherPager',
  'otherTelephone',
  'proxyAddresses',
  'servicePrincipalName',
  'showInAddressBook',
  'url',
  'userCertificate',
  'userSMIMECertificate',
];

/** A case-insensitive set of multi-valued attribute names. */
export class MultivaluedNames {
  private readonly names: ReadonlySet<string>;

  constructor(names: Iterable<string> = DEFAULT_MULTIVALUED_ATTRIBUTES) {
    this.names = new Set([...names].map((n) => n.toLowerCase()));
  }

  /** True when `name` is declared multi-valued or `valueCount` exceeds one. */
  isMultivalued(name: string, valueCount = 0): boolean {
    return valueCount > 1 || this.names.has(name.toLowerCase());
  }
}
