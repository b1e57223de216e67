import { describe, expect, it } from 'vitest';
import { parseConfig } from '../parse-config.js';
import { syncRuleSchema } from '../rule-schema.js';
import { ConfigValidationError } from '../config-problem.js';
import { entraConnectPreset } from './entra-connect.js';

const CONNECTORS = `connectors:
  - name: corp
    type: ldif
    path: corp.ldif
    parameters: { Domain.FQDN: contoso.com, Domain.Netbios: CONTOSO }
  - { name: cloud, type: csv, path: cloud.csv }
`;

const PRESET = `${CONNECTORS}syncRules:
  preset: entra-connect
  presetConnectors: { onPremises: corp, cloud: cloud }
`;

function problemsOf(text: string): ConfigValidationError['problems'] {
  try {
    parseConfig(text, 'idsync.yaml');
  } catch (error) {
    if (error instanceof ConfigValidationError) return error.problems;
    throw error;
  }
  throw new Error('expected the config to be rejected');
}

describe('entraConnectPreset', () => {
  it('has the stock rule names and precedences', () => {
    const rules = entraConnectPreset('corp', 'cloud').map((rule) => [rule.name, rule.precedence]);
    expect(rules).toEqual([
      ['In from AD - User Join', 100],
      ['In from AD - User Common', 106],
      ['In from AD - Group Join', 111],
      ['In from AD - Group Common', 112],
      ['In from AD - Contact Join', 114],
      ['In from AD - Contact Common', 115],
      ['In from AAD - User Join', 146],
      ['In from AAD - Contact Join', 147],
      ['In from AAD - Group Join', 148],
      ['Out to AAD - User Join', 123],
      ['Out to AAD - Contact Join', 130],
      ['Out to AAD - Group Join', 139],
    ]);
  });

  it('produces rules that pass the custom-rule schema', () => {
    for (const rule of entraConnectPreset('corp', 'cloud')) {
      expect(syncRuleSchema.safeParse(rule).error?.issues ?? [], rule.name).toEqual([]);
    }
  });

  it('passes the same validation as custom rules, expressions included', () => {
    const config = parseConfig(PRESET, '/etc/idsync/idsync.yaml');
    expect(config.syncRules).toHaveLength(12);
    expect(config.syncRules.every((rule, i, all) => i === 0 || all[i - 1]!.precedence < rule.precedence)).toBe(true);
  });

  it('uses the objectGUID or ms-DS-ConsistencyGuid as the user sourceAnchor', () => {
    const join = parseConfig(PRESET, 'idsync.yaml').syncRules.find((rule) => rule.name === 'In from AD - User Join');
    expect(join?.flows.find((flow) => flow.target === 'sourceAnchor')).toMatchObject({
      expression: {
        source:
          'IIF(IsPresent([mS-DS-ConsistencyGuid]),ConvertToBase64([mS-DS-ConsistencyGuid]),ConvertToBase64([objectGUID]))',
      },
    });
  });

  it('provisions cloud objects with a dn built from the sourceAnchor and deletes them on deprovision', () => {
    const rules = parseConfig(PRESET, 'idsync.yaml').syncRules.filter((rule) => rule.direction === 'outbound');
    for (const rule of rules) {
      expect(rule.deprovision).toBe('delete');
      expect(rule.flows.find((flow) => flow.target === 'dn')).toMatchObject({
        expression: { source: '"CN={" & ConvertToUTF8Hex([sourceAnchor]) & "}"' },
      });
    }
  });

  it('requires presetConnectors', () => {
    const problems = problemsOf(`${CONNECTORS}syncRules: { preset: entra-connect }\n`);
    expect(problems).toMatchObject([{ code: 'missing_field', path: ['syncRules', 'presetConnectors'], line: 7 }]);
  });

  it('reports preset connectors that do not exist', () => {
    const problems = problemsOf(PRESET.replace('cloud: cloud }', 'cloud: aad }'));
    expect(problems).toMatchObject([
      { code: 'unknown_connector', path: ['syncRules', 'presetConnectors', 'cloud'], line: 9 },
    ]);
  });

  it('needs the Domain parameters on the on-premises connector and says which preset rule uses them', () => {
    const problems = problemsOf(PRESET.replace(', Domain.Netbios: CONTOSO', ''));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ code: 'unknown_parameter', line: 8 });
    expect(problems[0]?.path.slice(0, 3)).toEqual(['syncRules', 'preset', 'In from AD - User Common']);
  });

  it('replaces a flow with an override', () => {
    const text = `${PRESET}  presetOverrides:
    - { rule: "In from AD - User Common", target: displayName, expression: 'Trim([givenName]) & " " & [sn]' }
`;
    const rule = parseConfig(text, 'idsync.yaml').syncRules.find((r) => r.name === 'In from AD - User Common');
    const flows = rule?.flows.filter((flow) => flow.target === 'displayName');
    expect(flows).toMatchObject([{ kind: 'expression', expression: { source: 'Trim([givenName]) & " " & [sn]' } }]);
  });

  it('adds a flow with an override when the rule has none to that target', () => {
    const text = `${PRESET}  presetOverrides:
    - { rule: "Out to AAD - User Join", target: usageLocation, constant: US }
`;
    const rule = parseConfig(text, 'idsync.yaml').syncRules.find((r) => r.name === 'Out to AAD - User Join');
    expect(rule?.flows.at(-1)).toMatchObject({ kind: 'constant', target: 'usageLocation', values: ['US'] });
  });

  it('removes a flow with an override', () => {
    const text = `${PRESET}  presetOverrides:
    - { rule: "Out to AAD - User Join", target: mail, remove: true }
`;
    const rule = parseConfig(text, 'idsync.yaml').syncRules.find((r) => r.name === 'Out to AAD - User Join');
    expect(rule?.flows.map((flow) => flow.target)).not.toContain('mail');
  });

  it('reports an override of a rule the preset does not have', () => {
    const text = `${PRESET}  presetOverrides:
    - { rule: "Out to AAD - User Jion", target: mail, remove: true }
`;
    expect(problemsOf(text)).toMatchObject([
      { code: 'unknown_preset_rule', path: ['syncRules', 'presetOverrides', 0, 'rule'], line: 11, column: 15 },
    ]);
  });

  it('reports removing the dn flow of a provisioning rule', () => {
    const text = `${PRESET}  presetOverrides:
    - { rule: "Out to AAD - Group Join", target: dn, remove: true }
`;
    expect(problemsOf(text)).toMatchObject([
      { code: 'missing_dn_flow', path: ['syncRules', 'preset', 'Out to AAD - Group Join', 'flows'], line: 8 },
    ]);
  });

  it('reports a custom rule that reuses a preset precedence at the custom rule', () => {
    const text = `${PRESET}  rules:
    - { name: Mine, direction: inbound, connector: corp, csObjectType: user, mvObjectType: person, precedence: 100 }
`;
    const problems = problemsOf(text);
    expect(problems).toMatchObject([
      { code: 'duplicate_precedence', path: ['syncRules', 'rules', 0, 'precedence'], line: 11 },
    ]);
    expect(problems[0]?.message).toContain('"In from AD - User Join" and "Mine"');
  });
});
