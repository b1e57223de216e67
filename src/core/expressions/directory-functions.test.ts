import { describe, expect, it } from 'vitest';
import type { AttributeValue } from '../values.js';
import { evaluateExpression, parseExpression } from './index.js';

function evaluate(source: string, attributes: Record<string, readonly AttributeValue[]> = {}): unknown {
  const result = evaluateExpression(parseExpression(source), {
    attribute: (name) => attributes[name],
    parameter: () => undefined,
  });
  return result.kind === 'values' ? result.values[0] : result.kind;
}

const dn = ['cn=Joe,ou=Atlanta,ou=GA,ou=US, dc=contoso,dc=com'];

describe('directory functions', () => {
  it('returns a DN component counted from the left', () => {
    expect(evaluate('DNComponent(CRef([dn]),1)', { dn })).toBe('Joe');
  });

  it('returns a DN component counted from the right, optionally skipping dc= components', () => {
    expect(evaluate('DNComponentRev(CRef([dn]),3)', { dn })).toBe('US');
    expect(evaluate('DNComponentRev(CRef([dn]),1,"DC")', { dn })).toBe('US');
  });

  it('keeps escapes in the component, so the stock rule can find conflict objects', () => {
    const conflict = ['CN=Joe\\0ACNF:6f1bc185-65f9-4175-a31e-70fc975f464a,OU=Users,DC=contoso,DC=com'];
    expect(evaluate('InStr(DNComponent(CRef([dn]),1),"\\\\0ACNF:")', { dn: conflict })).toBe(4);
  });

  it('does not split at an escaped comma', () => {
    expect(evaluate('DNComponent([dn],1)', { dn: ['CN=Doe\\, John,DC=x'] })).toBe('Doe\\, John');
  });

  it('gives NULL for a component that does not exist', () => {
    expect(evaluate('DNComponent([dn],9)', { dn })).toBe('null');
  });

  it('escapes a DN value per RFC 4514, keeping a leading type=', () => {
    expect(evaluate('EscapeDNComponent("cn=" & [displayName])', { displayName: ['Doe, John #1'] })).toBe(
      'cn=Doe\\, John #1',
    );
    expect(evaluate('EscapeDNComponent(" #a+b<c>;d\\"")')).toBe('\\ #a\\+b\\<c\\>\\;d\\"');
  });
});
