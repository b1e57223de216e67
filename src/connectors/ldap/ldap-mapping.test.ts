import { describe, expect, it } from 'vitest';
import { ldapConnectorSchema, type LdapConnectorConfig } from '../../config/ldap-connector-schema.js';
import { LdapMapping } from './ldap-mapping.js';
import { openLdapFlavour } from './openldap/index.js';

function mapping(extra: Record<string, unknown> = {}): LdapMapping {
  const config: LdapConnectorConfig = ldapConnectorSchema.parse({
    type: 'ldap',
    name: 'src',
    flavour: 'openldap',
    servers: ['ldap://127.0.0.1:389'],
    bindDn: 'cn=admin,dc=example,dc=com',
    password: 'plain:x',
    baseDn: 'dc=example,dc=com',
    ...extra,
  });
  return new LdapMapping(config, openLdapFlavour);
}

const ADA = {
  dn: 'uid=ada,ou=people,dc=example,dc=com',
  objectClass: ['top', 'person', 'organizationalPerson', 'inetOrgPerson'],
  structuralObjectClass: 'inetOrgPerson',
  entryUUID: 'CD1AF1A8-7CC9-1041-9056-136DAAB35C58',
  cn: 'Ada Lovelace',
  manager: 'uid=boss,ou=people,dc=example,dc=com',
  jpegPhoto: 'text that ldapts decoded',
  mail: [] as string[],
};

describe('LdapMapping', () => {
  it('maps an entry: anchor, structural class as type, references, binary kept binary', () => {
    const item = mapping().toImportItem(ADA);
    expect(item).toEqual({
      kind: 'entry',
      entry: {
        anchor: 'cd1af1a8-7cc9-1041-9056-136daab35c58',
        dn: ADA.dn,
        objectType: 'inetOrgPerson',
        attributes: {
          objectClass: ADA.objectClass,
          entryUUID: [ADA.entryUUID],
          cn: ['Ada Lovelace'],
          manager: [{ ref: 'uid=boss,ou=people,dc=example,dc=com' }],
          jpegPhoto: [Buffer.from('text that ldapts decoded')],
        },
      },
    });
  });

  it('selects and names object types through the objectTypes map', () => {
    const m = mapping({ objectTypes: { inetOrgPerson: 'person', groupOfNames: 'group' } });
    expect(m.toImportItem(ADA)).toMatchObject({ entry: { objectType: 'person' } });
    expect(
      m.toImportItem({ ...ADA, objectClass: ['organizationalUnit'], structuralObjectClass: 'organizationalUnit' }),
    ).toBeNull();
    expect(m.searchFilter).toBe('(|(objectClass=inetOrgPerson)(objectClass=groupOfNames))');
    expect(m.objectClassesFor('group')).toEqual(['groupOfNames']);
  });

  it('makes an entry without anchor or objectClass an error item, not a crash', () => {
    const m = mapping();
    expect(m.toImportItem({ ...ADA, entryUUID: [] })).toMatchObject({ kind: 'error', dn: ADA.dn });
    const { objectClass: _c, structuralObjectClass: _s, ...classless } = ADA;
    expect(m.toImportItem(classless)).toMatchObject({ kind: 'error', message: expect.stringContaining('objectClass') });
    expect(m.toImportItem({ ...ADA, entryUUID: ['a', 'b'] })).toMatchObject({ kind: 'error' });
    expect(m.toImportItem({ dn: '' })).toMatchObject({ kind: 'error' });
  });

  it('applies container inclusion and exclusion (exclusion wins)', () => {
    const m = mapping({
      containers: {
        include: ['ou=people,dc=example,dc=com', 'ou=staff,ou=people,dc=example,dc=com', 'ou=groups,dc=example,dc=com'],
        exclude: ['ou=old,ou=people,dc=example,dc=com'],
      },
    });
    expect(m.searchBases).toEqual(['ou=people,dc=example,dc=com', 'ou=groups,dc=example,dc=com']);
    expect(m.isInScope('UID=ada,OU=People,dc=example,dc=com')).toBe(true);
    expect(m.isInScope('uid=x,ou=old,ou=people,dc=example,dc=com')).toBe(false);
    expect(m.isInScope('uid=x,ou=other,dc=example,dc=com')).toBe(false);
    expect(m.isInScope('uid=x,ou=people,dc=other,dc=com')).toBe(false);
    expect(m.isInScope('uid=x,ou=xpeople,dc=example,dc=com')).toBe(false);
  });

  it('requests the inclusion list plus objectClass and the operational attributes', () => {
    expect(mapping().requestAttributes).toEqual(['*', 'entryUUID', 'structuralObjectClass']);
    expect(mapping({ attributeInclusion: ['cn', 'mail'] }).requestAttributes).toEqual([
      'cn',
      'mail',
      'objectClass',
      'entryUUID',
      'structuralObjectClass',
    ]);
  });
});
