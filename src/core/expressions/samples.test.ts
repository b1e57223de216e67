import { readFileSync, readdirSync } from 'node:fs';
import { Buffer } from 'node:buffer';
import { describe, expect, it } from 'vitest';
import type { AttributeValue } from '../values.js';
import { evaluateExpression, parseExpression, type ExpressionResult } from './index.js';

/** Every <expression> of the real Entra Connect sync rules (copied from shared/samples into test/fixtures/samples). */
const SAMPLES = new URL('../../../test/fixtures/samples/', import.meta.url);
const ENTITIES: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function sampleExpressions(): { file: string; source: string }[] {
  const files = readdirSync(SAMPLES).filter((f) => /^syncrule-.*\.xml$/.test(f));
  return files.flatMap((file) =>
    [...readFileSync(new URL(file, SAMPLES), 'utf8').matchAll(/<expression>([\s\S]*?)<\/expression>/g)].map((m) => ({
      file,
      source: (m[1] as string).replace(/&(amp|lt|gt|quot|apos);/g, (_e, name: string) => ENTITIES[name] as string),
    })),
  );
}

function sample(fragment: string): string {
  const found = sampleExpressions().find((e) => e.source.includes(fragment));
  if (found === undefined) throw new Error(`no sample expression contains ${fragment}`);
  return found.source;
}

function run(source: string, attributes: Record<string, readonly AttributeValue[]>): ExpressionResult {
  return evaluateExpression(parseExpression(source), {
    attribute: (name) => attributes[name],
    parameter: (name) => ({ 'Domain.FQDN': 'contoso.com' })[name],
  });
}

const GUID_BYTES = new Uint8Array([
  0x33, 0x22, 0x11, 0x00, 0x55, 0x44, 0x77, 0x66, 0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff,
]);

describe('the sample sync rules', () => {
  it('contain expressions to test', () => {
    expect(sampleExpressions().length).toBeGreaterThanOrEqual(64);
  });

  it.each(sampleExpressions().map((e) => [e.file, e.source]))('parse: %s %s', (_file, source) => {
    expect(parseExpression(source).source).toBe(source);
  });

  it('build the sourceAnchor as base64 of a binary objectGUID', () => {
    const source = sample('ConvertToBase64([objectGUID])');
    const expected = Buffer.from(GUID_BYTES).toString('base64');
    expect(run(source, { objectGUID: [GUID_BYTES] })).toEqual({ kind: 'values', values: [expected] });
  });

  it('keep a string objectGUID as it is and give NULL for a mail user', () => {
    const source = sample('ConvertToBase64([objectGUID])');
    expect(run(source, { objectGUID: ['abc'] })).toEqual({ kind: 'values', values: ['abc'] });
    expect(run(source, { objectGUID: [GUID_BYTES], msExchRecipientTypeDetails: ['2'] })).toEqual({ kind: 'null' });
  });

  it.each([
    [512, true],
    [514, false],
    ['512', true],
    ['514', false],
  ])('derive accountEnabled from userAccountControl %s', (userAccountControl, enabled) => {
    const source = sample('BitAnd([userAccountControl],2)');
    expect(run(source, { userAccountControl: [userAccountControl] })).toEqual({ kind: 'values', values: [enabled] });
  });

  it('build the Entra connector DN as the UTF-8 hex of the sourceAnchor', () => {
    // Microsoft's MSIdentityTools documents CN={414141…3D3D} as the DN of sourceAnchor AAAAAAAAAAAAAAAAAAAAAA==
    // ("A" is 0x41, "=" is 0x3D).
    const source = sample('ConvertToUTF8Hex([sourceAnchor])');
    expect(run(source, { sourceAnchor: ['AAAAAAAAAAAAAAAAAAAAAA=='] })).toEqual({
      kind: 'values',
      values: ['CN={414141414141414141414141414141414141414141413D3D}'],
    });
  });

  it('build a userPrincipalName from sAMAccountName and the domain, or fail', () => {
    const source = sample('AccountName is not present');
    expect(run(source, { sAMAccountName: ['jdoe'] })).toEqual({ kind: 'values', values: ['jdoe@contoso.com'] });
    expect(() => run(source, {})).toThrow('AccountName is not present');
  });

  it('stop the flow when the sourceAnchor changed after export', () => {
    const source = sample('SourceAnchor attribute has changed.');
    const exported = { cloudSourceAnchor: ['abc'], cloudAnchor: ['User_1'], sourceObjectType: ['User'] };
    expect(run(source, { ...exported, sourceAnchor: ['abc'] })).toEqual({ kind: 'values', values: ['abc'] });
    expect(() => run(source, { ...exported, sourceAnchor: ['ABC'] })).toThrow('SourceAnchor attribute has changed.');
  });

  it.each([
    [{ sAMAccountName: ['jdoe'], dn: ['CN=John Doe,OU=Users,DC=contoso,DC=com'] }, 'null'],
    [{ sAMAccountName: ['jdoe'], dn: ['CN=John\\0ACNF:1b2c,OU=Users,DC=contoso,DC=com'] }, 'values'],
    [{ sAMAccountName: ['MSOL_0123'], dn: ['CN=x,DC=contoso,DC=com'] }, 'values'],
    [{ sAMAccountName: ['jdoe'], dn: ['CN=x,DC=c'], msExchRecipientTypeDetails: ['4096'] }, 'values'],
    [{ sAMAccountName: ['jdoe'], dn: ['CN=x,DC=c'], msExchRecipientTypeDetails: ['1'] }, 'null'],
    [{ dn: ['CN=x,DC=c'] }, 'values'],
  ])('filter system objects from the cloud: %j → %s', (attributes, kind) => {
    expect(run(sample('SUPPORT_388945a0'), attributes).kind).toBe(kind);
  });
});
