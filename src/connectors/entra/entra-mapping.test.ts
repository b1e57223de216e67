import { describe, expect, it } from 'vitest';
import type { ExportRequest } from '../../core/connector.js';
import { ConfigError } from '../../core/errors.js';
import { EntraConnector } from './entra-connector.js';
import { filterParam, odataString } from './entra-match.js';
import { cloudDn, sourceAnchorOfDn, toImportEntry } from './entra-mapping.js';
import { planWrite } from './entra-write-plan.js';

const GROUP_ANCHOR = 'extension_5b2e9c410f7a4d388e162a9d4c7f3e55_idsyncSourceAnchor';

function addRequest(objectType: string, attributes: Record<string, string[]>): ExportRequest {
  const dn = cloudDn(attributes.sourceAnchor?.[0] ?? 'x');
  return {
    csId: 'CS1',
    dn,
    anchor: null,
    objectType,
    delta: {
      operation: 'add',
      dn,
      objectType,
      changes: Object.entries(attributes).map(([name, values]) => ({ operation: 'add', name, values })),
    },
    target: { dn, objectType, attributes },
  };
}

describe('entra mapping', () => {
  it('builds the cloud DN as Entra Connect does and reads the sourceAnchor back, non-ASCII included', () => {
    expect(cloudDn('AQAAAAEAAAAqAAAAsXk3ng==')).toBe('CN={4151414141414541414141714141414173586B336E673D3D}');
    for (const anchor of ['AQAAAAEAAAAqAAAAsXk3ng==', 'Zoë', "o'hara"])
      expect(sourceAnchorOfDn(cloudDn(anchor))).toBe(anchor);
    expect(sourceAnchorOfDn('CN=Ada,OU=Users,DC=contoso,DC=com')).toBeNull();
  });

  it('presents a Graph user with the AAD connector attribute names', () => {
    const entry = toImportEntry(
      'user',
      {
        id: 'u1',
        onPremisesImmutableId: 'QQ==',
        userPrincipalName: 'ada@contoso.com',
        accountEnabled: false,
        proxyAddresses: ['SMTP:ada@contoso.com'],
        jobTitle: null,
      },
      GROUP_ANCHOR,
      null,
    );
    expect(entry).toEqual({
      anchor: 'u1',
      dn: cloudDn('QQ=='),
      objectType: 'user',
      attributes: {
        sourceAnchor: ['QQ=='],
        cloudAnchor: ['u1'],
        objectId: ['u1'],
        userPrincipalName: ['ada@contoso.com'],
        accountEnabled: [false],
        proxyAddresses: ['SMTP:ada@contoso.com'],
      },
    });
  });

  it('leaves cloud-only objects (no sourceAnchor) out and reports resources without an id', () => {
    expect(toImportEntry('user', { id: 'u1', onPremisesImmutableId: null }, GROUP_ANCHOR, null)).toBeNull();
    expect(toImportEntry('group', { displayName: 'x' }, GROUP_ANCHOR, null)).toEqual({
      problem: 'a group without an "id" was skipped',
    });
  });

  it('escapes quotes in OData string literals and URL-encodes the whole filter', () => {
    expect(odataString("o'hara@contoso.com")).toBe("'o''hara@contoso.com'");
    expect(filterParam(`userPrincipalName eq ${odataString("o'hara&x=1")}`)).toBe(
      "$filter=userPrincipalName%20eq%20'o''hara%26x%3D1'",
    );
  });

  it('plans a user create with a random password, the anchor and a derived mailNickname', () => {
    const plan = planWrite(
      addRequest('user', {
        sourceAnchor: ['QQ=='],
        userPrincipalName: ['ada@contoso.com'],
        displayName: ['Ada'],
        accountEnabled: ['FALSE'],
      }),
      GROUP_ANCHOR,
    );
    expect(plan).toMatchObject({
      kind: 'write',
      operation: 'add',
      body: {
        onPremisesImmutableId: 'QQ==',
        userPrincipalName: 'ada@contoso.com',
        displayName: 'Ada',
        accountEnabled: false,
        mailNickname: 'ada',
      },
      createOnly: { passwordProfile: { forceChangePasswordNextSignIn: false } },
    });
  });

  it('refuses to write contacts and read-only Graph properties, saying why', () => {
    expect(
      planWrite(addRequest('contact', { sourceAnchor: ['QQ=='], displayName: ['x'] }), GROUP_ANCHOR),
    ).toMatchObject({
      kind: 'invalid',
      message: expect.stringContaining('orgContact is read-only'),
    });
    expect(
      planWrite(addRequest('user', { sourceAnchor: ['QQ=='], proxyAddresses: ['SMTP:a@b.c'] }), GROUP_ANCHOR),
    ).toMatchObject({
      kind: 'invalid',
      message: expect.stringContaining('proxyAddresses is read-only in Microsoft Graph'),
    });
  });

  it('needs exactly one credential', () => {
    const base = {
      type: 'entra',
      name: 'cloud',
      tenantId: 't',
      clientId: '5b2e9c41-0f7a-4d38-8e16-2a9d4c7f3e55',
      authority: 'https://login.microsoftonline.com',
      graphUrl: 'https://graph.microsoft.com',
      batchSize: 20,
      concurrency: 4,
      pageSize: 999,
      timeoutMs: 60_000,
      maxRetries: 6,
    } as const;
    expect(() => new EntraConnector(base)).toThrow(ConfigError);
    expect(
      () =>
        new EntraConnector({
          ...base,
          clientSecret: 'env:X',
          certificate: { privateKeyFile: '/k', thumbprint: 'a'.repeat(40) },
        }),
    ).toThrow(/exactly one credential/);
    expect(() => new EntraConnector({ ...base, clientSecret: 'env:IDSYNC_UNSET_SECRET' }, {})).toThrow(
      /IDSYNC_UNSET_SECRET.*not set/,
    );
  });
});
