import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../core/errors.js';
import { ConfigValidationError, type ConfigProblem } from './config-problem.js';
import { parseConfig } from './parse-config.js';

const FILE = '/etc/idsync/idsync.yaml';

const VALID = `server: { name: idsync-1 }
store: { type: sqlite, path: ./state/idsync.db }
connectors:
  - name: corp
    type: ldif
    path: directory/onprem.ldif
    anchorAttribute: objectGUID
    parameters: { Domain.FQDN: contoso.com }
  - name: cloud
    type: csv
    path: /srv/cloud.csv
    delimiter: ';'
syncRules:
  rules:
    - name: In from HR
      direction: inbound
      connector: corp
      csObjectType: user
      mvObjectType: person
      linkType: provision
      precedence: 50
      scope: [[{ attribute: department, operator: EQUAL, value: Sales }]]
      joins: [[{ csAttribute: employeeID, mvAttribute: employeeID }]]
      flows:
        - { target: displayName, source: cn }
        - { target: usageLocation, constant: US }
        - { target: upn, expression: '[sAMAccountName] & "@" & %Domain.FQDN%', applyOnce: true }
    - name: Out to cloud
      direction: outbound
      connector: cloud
      csObjectType: user
      mvObjectType: person
      linkType: provision
      precedence: 10
      flows:
        - { target: dn, expression: '"CN=" & [accountName]' }
deletionThreshold: { count: 100, percent: 5 }
`;

/** The problems of a config that must fail. */
function problemsOf(text: string): readonly ConfigProblem[] {
  try {
    parseConfig(text, 'idsync.yaml');
  } catch (error) {
    if (error instanceof ConfigValidationError) return error.problems;
    throw error;
  }
  throw new Error('expected the config to be rejected');
}

function onlyProblem(text: string): ConfigProblem {
  const problems = problemsOf(text);
  expect(problems, JSON.stringify(problems)).toHaveLength(1);
  return problems[0]!;
}

/** VALID with one line replaced. */
function withLine(search: string, replacement: string): string {
  expect(VALID).toContain(search);
  return VALID.replace(search, replacement);
}

describe('parseConfig', () => {
  it('turns a full valid config into an IdsyncConfig', () => {
    const config = parseConfig(VALID, FILE);
    expect(config.file).toBe(FILE);
    expect(config.baseDir).toBe('/etc/idsync');
    expect(config.server).toEqual({ name: 'idsync-1' });
    expect(config.store).toEqual({ type: 'sqlite', path: '/etc/idsync/state/idsync.db' });
    expect(config.parameters).toEqual({ corp: { 'Domain.FQDN': 'contoso.com' }, cloud: {} });
    expect(config.deletionThreshold).toEqual({ count: 100, percent: 5 });
    expect(config.connectors[1]).toMatchObject({ name: 'cloud', type: 'csv', path: '/srv/cloud.csv', delimiter: ';' });
    const hr = config.syncRules.find((rule) => rule.name === 'In from HR');
    expect(hr).toMatchObject({
      direction: 'inbound',
      linkType: 'provision',
      scope: [[{ attribute: 'department', operator: 'EQUAL', value: 'Sales' }]],
      joins: [[{ csAttribute: 'employeeID', mvAttribute: 'employeeID', isCaseSensitive: false }]],
      deprovision: 'keep',
      isDisabled: false,
      isPasswordSync: false,
    });
    expect(hr?.flows[0]).toEqual({
      kind: 'direct',
      target: 'displayName',
      source: 'cn',
      isApplyOnce: false,
      mergeType: 'update',
    });
    expect(hr?.flows[1]).toMatchObject({ kind: 'constant', values: ['US'] });
    expect(hr?.flows[2]).toMatchObject({ kind: 'expression', isApplyOnce: true });
  });

  it('applies defaults for everything left out', () => {
    const config = parseConfig(
      'connectors:\n  - { name: a, type: ldif, path: a.ldif }\n  - { name: b, type: csv, path: b.csv }\n',
      FILE,
    );
    expect(config.server).toEqual({ name: 'idsync' });
    expect(config.store).toEqual({ type: 'sqlite', path: '/etc/idsync/data/idsync.db' });
    expect(config.deletionThreshold).toEqual({ count: 500, percent: null });
    expect(config.syncRules).toEqual([]);
    expect(config.connectors[0]).toEqual({
      name: 'a',
      type: 'ldif',
      path: '/etc/idsync/a.ldif',
      anchorAttribute: 'dn',
      binaryAttributes: ['objectGUID', 'objectSid', 'mS-DS-ConsistencyGuid', 'jpegPhoto', 'thumbnailPhoto'],
      referenceAttributes: ['member', 'manager'],
      attributeInclusion: [],
      objectTypes: [],
      generateAnchorOnAdd: false,
      objectClassMap: {},
    });
    expect(config.connectors[1]).toMatchObject({
      binaryAttributes: [],
      dnColumn: 'dn',
      objectTypeColumn: null,
      objectType: 'user',
      multiValueSeparator: ';',
      delimiter: ',',
      encoding: 'utf8',
    });
  });

  it('accepts an empty file as all defaults', () => {
    expect(parseConfig('', FILE).connectors).toEqual([]);
  });

  it('resolves relative paths against the folder of the config file', () => {
    const config = parseConfig(VALID, 'conf/idsync.yaml');
    expect(config.baseDir).toBe(resolve('conf'));
    expect(config.connectors[0]).toMatchObject({ path: resolve('conf/directory/onprem.ldif') });
    expect(config.connectors[1]).toMatchObject({ path: '/srv/cloud.csv' });
  });

  it('sorts sync rules by precedence', () => {
    expect(parseConfig(VALID, FILE).syncRules.map((rule) => rule.precedence)).toEqual([10, 50]);
  });

  it('defaults deprovision to delete for outbound provision rules', () => {
    expect(parseConfig(VALID, FILE).syncRules[0]?.deprovision).toBe('delete');
  });

  it('deep-freezes the result', () => {
    const config = parseConfig(VALID, FILE);
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.connectors[0])).toBe(true);
    expect(Object.isFrozen(config.syncRules[1]?.scope[0]?.[0])).toBe(true);
    expect(Object.isFrozen(config.parameters['corp'])).toBe(true);
  });

  it('reports a wrong enum value at its line and column with the allowed values', () => {
    const problem = onlyProblem(withLine('    type: csv', '    type: ldff'));
    expect(problem).toMatchObject({ code: 'invalid_enum', path: ['connectors', 1, 'type'], line: 10, column: 11 });
    expect(problem.message).toBe('expected one of "ldif", "csv", "ldap", "scim", "entra", got "ldff"');
  });

  it('formats the message as file:line:column: field: problem and sets where', () => {
    try {
      parseConfig(withLine('    type: csv', '    type: ldff'), 'idsync.yaml');
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const configError = error as ConfigValidationError;
      expect(configError.message).toBe(
        'idsync.yaml:10:11: connectors[1].type: expected one of "ldif", "csv", "ldap", "scim", "entra", got "ldff"',
      );
      expect(configError.where).toEqual({ file: 'idsync.yaml', line: 10, column: 11, field: 'connectors[1].type' });
    }
  });

  it('reports a missing required field at the object that lacks it', () => {
    const problem = onlyProblem(withLine('    path: /srv/cloud.csv\n', ''));
    expect(problem).toMatchObject({ code: 'missing_field', path: ['connectors', 1, 'path'], line: 9, column: 5 });
  });

  it('reports an unknown key at the key itself', () => {
    const problem = onlyProblem(withLine("    delimiter: ';'", "    delimiter: ';'\n    delimter: ','"));
    expect(problem).toMatchObject({ code: 'unknown_key', path: ['connectors', 1, 'delimter'], line: 13, column: 5 });
  });

  it('reports an expression syntax error at the expression with its position', () => {
    const problem = onlyProblem(withLine(`'"CN=" & [accountName]'`, `'"CN=" & ([accountName]'`));
    expect(problem).toMatchObject({
      code: 'expression_syntax',
      path: ['syncRules', 'rules', 1, 'flows', 0, 'expression'],
    });
    expect(problem.line).toBe(36);
    expect(problem.column).toBe(37);
    expect(problem.message).toMatch(/^expression syntax error.*position \d+/);
  });

  it('reports an expression parameter the connector does not define', () => {
    const problem = onlyProblem(withLine('{ Domain.FQDN: contoso.com }', '{ Domain.Netbios: CONTOSO }'));
    expect(problem).toMatchObject({
      code: 'unknown_parameter',
      path: ['syncRules', 'rules', 0, 'flows', 2, 'expression'],
      line: 27,
    });
    expect(problem.message).toContain('%Domain.FQDN%');
  });

  it('reports a duplicate connector name at the second one', () => {
    const problem = onlyProblem(withLine('syncRules:', '  - { name: corp, type: csv, path: x.csv }\nsyncRules:'));
    expect(problem).toMatchObject({ code: 'duplicate_name', path: ['connectors', 2, 'name'], line: 13, column: 13 });
    expect(problem.message).toContain('connectors[0]');
  });

  it('reports a rule whose connector does not exist', () => {
    const problem = onlyProblem(withLine('      connector: cloud', '      connector: cluod'));
    expect(problem).toMatchObject({
      code: 'unknown_connector',
      path: ['syncRules', 'rules', 1, 'connector'],
      line: 30,
      column: 18,
    });
    expect(problem.message).toBe('no connector named "cluod" (connectors: corp, cloud)');
  });

  it('reports an outbound provision rule without a dn flow', () => {
    const problem = onlyProblem(withLine(`target: dn,`, `target: cn,`));
    expect(problem).toMatchObject({
      code: 'missing_dn_flow',
      path: ['syncRules', 'rules', 1, 'flows'],
      line: 36,
      column: 9,
    });
  });

  it('reports a duplicate precedence naming both rules', () => {
    const problem = onlyProblem(withLine('      precedence: 10', '      precedence: 50'));
    expect(problem).toMatchObject({
      code: 'duplicate_precedence',
      path: ['syncRules', 'rules', 1, 'precedence'],
      line: 34,
    });
    expect(problem.message).toContain('"In from HR" and "Out to cloud"');
  });

  it('reports a duplicate rule name', () => {
    const problem = onlyProblem(withLine('    - name: Out to cloud', '    - name: In from HR'));
    expect(problem).toMatchObject({ code: 'duplicate_name', path: ['syncRules', 'rules', 1, 'name'], line: 28 });
  });

  it('reports a flow with both a source and an expression', () => {
    const problem = onlyProblem(
      withLine('{ target: displayName, source: cn }', '{ target: displayName, source: cn, constant: x }'),
    );
    expect(problem).toMatchObject({
      code: 'invalid_flow',
      path: ['syncRules', 'rules', 0, 'flows', 0],
      line: 25,
      column: 11,
    });
  });

  it('reports an empty join attribute', () => {
    const problem = onlyProblem(withLine('csAttribute: employeeID', "csAttribute: ''"));
    expect(problem).toMatchObject({
      code: 'invalid_value',
      path: ['syncRules', 'rules', 0, 'joins', 0, 0, 'csAttribute'],
      line: 23,
    });
  });

  it('reports a duplicate YAML key at the second key', () => {
    const problem = onlyProblem(
      withLine('    anchorAttribute: objectGUID', '    anchorAttribute: objectGUID\n    anchorAttribute: dn'),
    );
    expect(problem).toMatchObject({
      code: 'duplicate_key',
      path: ['connectors', 0, 'anchorAttribute'],
      line: 8,
      column: 5,
    });
  });

  it('reports a YAML syntax error with its line and column', () => {
    const problem = onlyProblem(withLine("    delimiter: ';'", "    delimiter: ';"));
    expect(problem).toEqual({
      code: 'yaml_syntax',
      path: [],
      line: 12,
      column: 18,
      message: "YAML syntax error: Missing closing 'quote",
    });
  });

  it('reports only the first YAML syntax error, not the ones that follow from it', () => {
    const problems = problemsOf(withLine('  - name: cloud', '  - name: [cloud'));
    expect(problems).toMatchObject([{ code: 'yaml_syntax', line: 10, column: 5 }]);
  });

  it('lists every problem, sorted by line', () => {
    const text = withLine('    type: csv', '    type: ldff').replace('      precedence: 10', '      precedence: -1');
    const problems = problemsOf(text);
    expect(problems.map((problem) => problem.line)).toEqual([10, 34]);
  });

  it('rejects a scope value for ISNULL and requires one for EQUAL', () => {
    const problem = onlyProblem(withLine('operator: EQUAL, value: Sales', 'operator: EQUAL'));
    expect(problem).toMatchObject({
      path: ['syncRules', 'rules', 0, 'scope', 0, 0, 'value'],
      message: 'EQUAL needs a value',
    });
  });
});
