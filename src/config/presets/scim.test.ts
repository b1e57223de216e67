import { describe, expect, it } from 'vitest';
import { parseConfig } from '../parse-config.js';
import { ConfigValidationError } from '../config-problem.js';
import { entraConnectPreset } from './entra-connect.js';
import { adToScimPreset } from './scim.js';

const CONFIG = `connectors:
  - name: corp
    type: ldif
    path: corp.ldif
    parameters: { Domain.FQDN: contoso.com, Domain.Netbios: CONTOSO }
  - { name: scim, type: scim, baseUrl: "https://scim.example.com/v2", auth: { bearerToken: "env:SCIM_TOKEN" } }
syncRules:
  preset: ad-to-scim
  presetConnectors: { onPremises: corp, cloud: scim }
`;

describe('adToScimPreset', () => {
  it('keeps the entra-connect inbound AD rules unchanged and adds SCIM join and provisioning rules', () => {
    const rules = adToScimPreset('corp', 'scim');
    const fromAd = entraConnectPreset('corp', 'cloud').filter((r) => r.connector === 'corp');
    expect(rules.filter((r) => r.connector === 'corp')).toEqual(fromAd);
    expect(rules.filter((r) => r.connector === 'scim').map((r) => [r.name, r.direction, r.precedence])).toEqual([
      ['In from SCIM - User Join', 'inbound', 150],
      ['In from SCIM - Group Join', 'inbound', 151],
      ['Out to SCIM - User', 'outbound', 160],
      ['Out to SCIM - Group', 'outbound', 161],
    ]);
  });

  it('flows the SCIM attributes the connector schema names', () => {
    const user = adToScimPreset('corp', 'scim').find((r) => r.name === 'Out to SCIM - User');
    expect(user?.flows?.map((f) => f.target)).toEqual([
      'dn',
      'userName',
      'externalId',
      'displayName',
      'name.givenName',
      'name.familyName',
      'emails.work',
      'active',
      'title',
      'department',
      'employeeNumber',
      'manager',
    ]);
    const group = adToScimPreset('corp', 'scim').find((r) => r.name === 'Out to SCIM - Group');
    expect(group?.flows?.map((f) => f.target)).toEqual(['dn', 'displayName', 'externalId', 'members']);
  });

  it('is accepted by the config validation', () => {
    const config = parseConfig(CONFIG, 'idsync.yaml');
    expect(config.syncRules.filter((r) => r.connector === 'scim')).toHaveLength(4);
  });

  it('requires presetConnectors, naming the preset', () => {
    const text = CONFIG.replace('  presetConnectors: { onPremises: corp, cloud: scim }\n', '');
    let problems: ConfigValidationError['problems'] = [];
    try {
      parseConfig(text, 'idsync.yaml');
    } catch (error) {
      if (!(error instanceof ConfigValidationError)) throw error;
      problems = error.problems;
    }
    expect(problems.map((p) => p.message)).toEqual([
      'required when preset is ad-to-scim: { onPremises: <connector>, cloud: <connector> }',
    ]);
  });
});
