import { Buffer } from 'node:buffer';
import { describe, expect, it } from 'vitest';
import type { AttributeValue } from '../values.js';
import { ExpressionError, evaluateExpression, parseExpression } from './index.js';

function evaluate(source: string, attributes: Record<string, readonly AttributeValue[]> = {}): unknown {
  const result = evaluateExpression(parseExpression(source), {
    attribute: (name) => attributes[name],
    parameter: () => undefined,
  });
  return result.kind === 'values' ? (result.values.length === 1 ? result.values[0] : result.values) : result.kind;
}

/** Bytes of the GUID 00112233-4455-6677-8899-aabbccddeeff as .NET Guid.ToByteArray() (and AD's objectGUID) lay
 * them out: Data1 (00112233), Data2 (4455) and Data3 (6677) little-endian, then the last 8 bytes as written. */
const GUID_BYTES = new Uint8Array([
  0x33, 0x22, 0x11, 0x00, 0x55, 0x44, 0x77, 0x66, 0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff,
]);

/** S-1-5-21-1004336348-1177238915-682003330-512 encoded by hand (MS-DTYP §2.4.2.2): revision 1, 5
 * sub-authorities, authority 5 as 6 big-endian bytes, then each sub-authority as 4 little-endian bytes
 * (21 = 15 00 00 00, 1004336348 = 0x3BDCF4DC → dc f4 dc 3b, …, 512 = 00 02 00 00). */
const DOMAIN_ADMINS_SID = new Uint8Array([
  0x01, 0x05, 0x00, 0x00, 0x00, 0x00, 0x00, 0x05, 0x15, 0x00, 0x00, 0x00, 0xdc, 0xf4, 0xdc, 0x3b, 0x83, 0x3d, 0x2b,
  0x46, 0x82, 0x8b, 0xa6, 0x28, 0x00, 0x02, 0x00, 0x00,
]);

describe('conversion functions', () => {
  it('formats a binary GUID in .NET byte order with braces', () => {
    expect(evaluate('StringFromGuid([objectGUID])', { objectGUID: [GUID_BYTES] })).toBe(
      '{00112233-4455-6677-8899-aabbccddeeff}',
    );
  });

  it('turns a GUID string back into the same bytes with CGuid', () => {
    expect(evaluate('CGuid("{00112233-4455-6677-8899-AABBCCDDEEFF}")')).toEqual(GUID_BYTES);
  });

  it('tells GUID text from other text with IsGuid', () => {
    expect(evaluate('IsGuid("00112233-4455-6677-8899-aabbccddeeff")')).toBe(true);
    expect(evaluate('IsGuid("{00112233-4455-6677-8899-aabbccddeeff")')).toBe(false);
  });

  it('formats a binary domain SID', () => {
    expect(evaluate('StringFromSid([objectSid])', { objectSid: [DOMAIN_ADMINS_SID] })).toBe(
      'S-1-5-21-1004336348-1177238915-682003330-512',
    );
  });

  it('formats the well-known BUILTIN\\Administrators SID', () => {
    const sid = new Uint8Array([1, 2, 0, 0, 0, 0, 0, 5, 0x20, 0, 0, 0, 0x20, 0x02, 0, 0]);
    expect(evaluate('StringFromSid([objectSid])', { objectSid: [sid] })).toBe('S-1-5-32-544');
  });

  it('refuses bytes that are not a SID', () => {
    const error = (() => {
      try {
        evaluate('StringFromSid([objectSid])', { objectSid: [new Uint8Array([1, 5, 0])] });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ExpressionError);
    expect((error as ExpressionError).message).toMatch(/^StringFromSid: expected a binary SID/);
  });

  it('encodes binary values as base64 of their bytes', () => {
    const expected = Buffer.from(GUID_BYTES).toString('base64');
    expect(evaluate('ConvertToBase64([objectGUID])', { objectGUID: [GUID_BYTES] })).toBe(expected);
  });

  it('encodes strings as base64 of their UTF-16LE bytes, as the reference example shows', () => {
    expect(evaluate('ConvertToBase64("Hello world!")')).toBe('SABlAGwAbABvACAAdwBvAHIAbABkACEA');
  });

  it('decodes base64 as Unicode by default and as UTF8 or ASCII on request', () => {
    expect(evaluate('ConvertFromBase64("SABlAGwAbABvACAAdwBvAHIAbABkACEA")')).toBe('Hello world!');
    expect(evaluate('ConvertFromBase64("SGVsbG8gd29ybGQh", UTF8)')).toBe('Hello world!');
    expect(evaluate('ConvertFromBase64("SGVsbG8gd29ybGQh", "ASCII")')).toBe('Hello world!');
  });

  it('encodes UTF-8 as upper-case hex and back', () => {
    expect(evaluate('ConvertToUTF8Hex("Hello world!")')).toBe('48656C6C6F20776F726C6421');
    expect(evaluate('ConvertToUTF8Hex("é")')).toBe('C3A9');
    expect(evaluate('ConvertFromUTF8Hex("48656C6C6F20776F726C6421")')).toBe('Hello world!');
  });

  it('converts numbers and Booleans to text with CStr', () => {
    expect(evaluate('CStr(42) & CStr(True)')).toBe('42True');
  });

  it('converts numeric text to numbers with CNum', () => {
    expect(evaluate('CNum("514") + 1')).toBe(515);
    expect(evaluate('CNum("1.5")')).toBe(1.5);
  });

  it('gives False for NULL and checks non-zero numbers with CBool', () => {
    expect(evaluate('CBool(NULL)')).toBe(false);
    expect(evaluate('CBool(2)')).toBe(true);
    expect(evaluate('CBool("false")')).toBe(false);
  });

  it('makes a reference from text with CRef', () => {
    expect(evaluate('CRef("CN=x,DC=y")')).toEqual({ ref: 'CN=x,DC=y' });
  });
});
