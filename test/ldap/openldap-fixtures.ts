import type { Connector, ImportEntry, ImportItem } from '../../src/core/connector.js';
import { escapeDnValue, normalizeDn } from '../../src/core/dn.js';
import { ldapConnectorSchema, type LdapConnectorConfig } from '../../src/config/ldap-connector-schema.js';
import { createLdapConnector } from '../../src/connectors/ldap/index.js';
import type { Slapd } from '../servers/slapd.js';

/** Shared fixtures of the OpenLDAP tests: seed LDIF and connector helpers. */
export const SUFFIX = 'dc=example,dc=com';
export const PEOPLE = `ou=people,${SUFFIX}`;
export const GROUPS = `ou=groups,${SUFFIX}`;

/** A value with every RFC 4514 and RFC 4515 special in it. */
export const HOSTILE = `O'Brien, "Jr" + <x>; a=b \\ *)(uid=*)`;
export const HOSTILE_DN = `cn=${escapeDnValue(HOSTILE)},${PEOPLE}`;

/** Not valid UTF-8 (a JPEG header) and valid UTF-8 (GIF magic): both must stay bytes. */
export const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46]);
export const GIF = Buffer.from('GIF89a', 'ascii');

export function ou(name: string, parent = SUFFIX): string {
  return `dn: ou=${name},${parent}\nobjectClass: organizationalUnit\nou: ${name}\n\n`;
}

export function personLdif(uid: string, cn: string, parent = PEOPLE, extra: readonly string[] = []): string {
  return [
    `dn: uid=${uid},${parent}`,
    'objectClass: inetOrgPerson',
    `uid: ${uid}`,
    `cn: ${cn}`,
    `sn: ${cn.split(' ').pop() ?? cn}`,
    `mail: ${uid}@example.com`,
    ...extra,
    '',
    '',
  ].join('\n');
}

export function groupLdif(cn: string, members: readonly string[], parent = GROUPS): string {
  return [
    `dn: cn=${cn},${parent}`,
    'objectClass: groupOfNames',
    `cn: ${cn}`,
    ...members.map((m) => `member: ${m}`),
    '',
    '',
  ].join('\n');
}

export const SEED =
  ou('people') +
  ou('groups') +
  ou('old', PEOPLE) +
  ou('exports') +
  personLdif('ada', 'Ada Lovelace', PEOPLE, [`manager: uid=grace,${PEOPLE}`]) +
  personLdif('alan', 'Alan Turing') +
  personLdif('grace', 'Grace Hopper', PEOPLE, [
    `jpegPhoto:: ${JPEG.toString('base64')}`,
    `jpegPhoto:: ${GIF.toString('base64')}`,
  ]) +
  personLdif('retired', 'Old Timer', `ou=old,${PEOPLE}`) +
  [`dn: ${HOSTILE_DN}`, 'objectClass: inetOrgPerson', `cn: ${HOSTILE}`, 'sn: Hostile', 'uid: hostile', '', ''].join(
    '\n',
  ) +
  groupLdif('pioneers', [`uid=ada,${PEOPLE}`, `uid=alan,${PEOPLE}`]);

export function ldapConfig(slapd: Slapd, extra: Record<string, unknown> = {}): LdapConnectorConfig {
  return ldapConnectorSchema.parse({
    type: 'ldap',
    name: 'src',
    flavour: 'openldap',
    servers: [slapd.url],
    bindDn: slapd.rootDn,
    password: `plain:${slapd.rootPassword}`,
    baseDn: slapd.suffix,
    retryDelayMs: 10,
    ...extra,
  });
}

export function connectorFor(slapd: Slapd, extra: Record<string, unknown> = {}): Connector {
  return createLdapConnector(ldapConfig(slapd, extra));
}

export async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

export function entriesOf(items: readonly ImportItem[]): ImportEntry[] {
  return items.flatMap((i) => (i.kind === 'entry' ? [i.entry] : []));
}

export function byDn(items: readonly ImportItem[], dn: string): ImportEntry | undefined {
  return entriesOf(items).find((e) => normalizeDn(e.dn) === normalizeDn(dn));
}

export function watermarkOf(items: readonly ImportItem[]): string {
  const last = items[items.length - 1];
  if (last?.kind !== 'watermark') throw new Error(`import did not end with a watermark: ${JSON.stringify(last)}`);
  return last.watermark;
}

/** The first error an async iteration throws (fails the test when it throws none). */
export async function failureOf(items: AsyncIterable<unknown>): Promise<Error> {
  try {
    for await (const _ of items) void _;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the iteration to fail');
}
