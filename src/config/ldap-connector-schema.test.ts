import { describe, expect, it } from 'vitest';
import { ConfigValidationError, type ConfigProblem } from './config-problem.js';
import { DEFAULT_LDAP_REFERENCE_ATTRIBUTES, ldapConnectorSchema } from './ldap-connector-schema.js';
import { parseConfig } from './parse-config.js';

const FILE = '/etc/idsync/idsync.yaml';

const MINIMAL = `connectors:
  - name: people
    type: ldap
    flavour: openldap
    servers: [ldap://ldap1.example.com:389, ldaps://ldap2.example.com]
    bindDn: cn=idsync,dc=example,dc=com
    password: env:LDAP_PASSWORD
    baseDn: dc=example,dc=com
`;

function problemsOf(text: string): readonly ConfigProblem[] {
  try {
    parseConfig(text, FILE);
  } catch (error) {
    if (error instanceof ConfigValidationError) return error.problems;
    throw error;
  }
  throw new Error('expected the config to be rejected');
}

describe('ldap connector config', () => {
  it('applies the defaults for everything left out', () => {
    const config = parseConfig(MINIMAL, FILE);
    expect(config.connectors[0]).toEqual({
      type: 'ldap',
      name: 'people',
      flavour: 'openldap',
      servers: ['ldap://ldap1.example.com:389', 'ldaps://ldap2.example.com'],
      startTls: false,
      tls: { rejectUnauthorized: true },
      bindDn: 'cn=idsync,dc=example,dc=com',
      password: 'env:LDAP_PASSWORD',
      baseDn: 'dc=example,dc=com',
      containers: { include: [], exclude: [] },
      objectTypes: {},
      attributeInclusion: [],
      binaryAttributes: [
        'objectGUID',
        'objectSid',
        'mS-DS-ConsistencyGuid',
        'jpegPhoto',
        'thumbnailPhoto',
        'userCertificate',
      ],
      referenceAttributes: [...DEFAULT_LDAP_REFERENCE_ATTRIBUTES],
      pageSize: 500,
      timeoutMs: 30_000,
      accesslogBase: 'cn=accesslog',
      retries: 3,
      retryDelayMs: 200,
    });
  });

  it('resolves a relative tls.caFile against the config folder and keeps an absolute one', () => {
    const relative = parseConfig(`${MINIMAL}    tls: { caFile: certs/ca.pem, serverName: ldap.example.com }\n`, FILE);
    expect(relative.connectors[0]).toMatchObject({
      tls: { caFile: '/etc/idsync/certs/ca.pem', serverName: 'ldap.example.com', rejectUnauthorized: true },
    });
    const absolute = parseConfig(`${MINIMAL}    tls: { caFile: /srv/ca.pem }\n`, FILE);
    expect(absolute.connectors[0]).toMatchObject({ tls: { caFile: '/srv/ca.pem' } });
  });

  it('refuses an inline password and names the field', () => {
    const problems = problemsOf(MINIMAL.replace('env:LDAP_PASSWORD', 'hunter2'));
    expect(problems).toHaveLength(1);
    expect(problems[0]?.path).toEqual(['connectors', 0, 'password']);
    expect(problems[0]?.message).toContain('secrets are not written inline');
    expect(JSON.stringify(problems)).not.toContain('hunter2');
  });

  it('refuses server URLs that are not ldap:// or ldaps:// host and port', () => {
    for (const url of ['http://ldap.example.com', 'ldap://ldap.example.com/dc=example', 'ldap.example.com:389']) {
      const problems = problemsOf(MINIMAL.replace('ldap://ldap1.example.com:389', url));
      expect(
        problems.map((p) => p.path.join('.')),
        url,
      ).toEqual(['connectors.0.servers.0']);
    }
    expect(problemsOf(MINIMAL.replace(/servers: .*\n/, 'servers: []\n'))[0]?.message).toContain('at least one');
  });

  it('refuses DNs that do not parse and names the field', () => {
    const problems = problemsOf(MINIMAL.replace('baseDn: dc=example,dc=com', 'baseDn: "not a dn"'));
    expect(problems.map((p) => p.path.join('.'))).toEqual(['connectors.0.baseDn']);
    expect(problems[0]?.message).toContain('RFC 4514');
  });

  it('refuses unknown keys, a bad flavour and a page size of zero', () => {
    expect(problemsOf(`${MINIMAL}    pagesize: 10\n`)[0]?.code).toBe('unknown_key');
    expect(problemsOf(MINIMAL.replace('openldap', 'novell'))[0]?.path).toEqual(['connectors', 0, 'flavour']);
    expect(problemsOf(`${MINIMAL}    pageSize: 0\n`)[0]?.path).toEqual(['connectors', 0, 'pageSize']);
  });

  it('accepts containers, object types and attribute lists', () => {
    const parsed = ldapConnectorSchema.parse({
      type: 'ldap',
      name: 'x',
      flavour: 'activedirectory',
      servers: ['ldap://[::1]:3890'],
      bindDn: 'CN=Administrator,CN=Users,DC=samdom,DC=example,DC=com',
      password: 'file:/run/secrets/ad',
      baseDn: 'DC=samdom,DC=example,DC=com',
      containers: {
        include: ['OU=Staff,DC=samdom,DC=example,DC=com'],
        exclude: ['OU=Old,OU=Staff,DC=samdom,DC=example,DC=com'],
      },
      objectTypes: { user: 'user', group: 'group' },
      attributeInclusion: ['cn', 'mail'],
    });
    expect(parsed.containers.exclude).toHaveLength(1);
    expect(parsed.objectTypes).toEqual({ user: 'user', group: 'group' });
  });
});
