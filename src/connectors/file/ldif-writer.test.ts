import { describe, expect, it } from 'vitest';
import { parseLdif } from './ldif-parser.js';
import type { LdifRecord } from './ldif-record.js';
import { isSafeLdifString, renderLdifLine, renderLdifRecord } from './ldif-writer.js';

function roundTrip(record: LdifRecord): LdifRecord | undefined {
  const item = parseLdif(renderLdifRecord(record))[0];
  return item?.kind === 'record' ? item.record : undefined;
}

/** Values as bytes: base64 values parse to bytes, whether they were text or binary. */
function asBytes(record: LdifRecord | undefined): unknown {
  return JSON.parse(
    JSON.stringify(record, (_key, value: unknown) =>
      typeof value === 'string'
        ? Buffer.from(value).toString('hex')
        : value instanceof Uint8Array
          ? Buffer.from(value).toString('hex')
          : value,
    ),
  );
}

describe('renderLdifLine', () => {
  it('writes safe ASCII values as plain text', () => {
    expect(renderLdifLine('cn', 'Jane Doe')).toBe('cn: Jane Doe');
  });

  it.each([' leading space', ':colon', '<angle', 'trailing space ', 'Jürgen', 'tab\there', 'new\nline', 'bell\x07'])(
    'writes %j as base64',
    (value) => {
      expect(isSafeLdifString(value)).toBe(false);
      expect(renderLdifLine('cn', value)).toBe(`cn:: ${Buffer.from(value).toString('base64')}`);
    },
  );

  it('writes binary values as base64', () => {
    expect(renderLdifLine('photo', new Uint8Array([0, 255]))).toBe('photo:: AP8=');
  });

  it('folds lines longer than 76 columns', () => {
    const line = renderLdifLine('description', 'x'.repeat(200));
    const physical = line.split('\n');
    expect(physical.every((l) => l.length <= 76)).toBe(true);
    expect(physical.slice(1).every((l) => l.startsWith(' ') && !l.startsWith('  '))).toBe(true);
    expect(physical[0]?.length).toBe(76);
  });
});

describe('renderLdifRecord', () => {
  it('round-trips unicode, leading spaces, binary and long values', () => {
    const record: LdifRecord = {
      kind: 'content',
      dn: 'cn=Zoë\\, the "first",ou=Ünits,dc=example',
      line: 1,
      attributes: [
        { name: 'cn', options: [], value: 'Zoë, the "first"' },
        { name: 'description', options: [], value: ' leading and trailing ' },
        { name: 'note', options: [], value: 'line one\nline two\r\n' },
        { name: 'jpegPhoto', options: [], value: new Uint8Array(Array.from({ length: 300 }, (_, i) => i % 256)) },
        { name: 'info', options: ['lang-de'], value: 'ä'.repeat(100) },
      ],
    };
    expect(asBytes(roundTrip(record))).toEqual(asBytes(record));
  });

  it('round-trips change records', () => {
    const modify: LdifRecord = {
      kind: 'modify',
      dn: 'cn=a',
      line: 1,
      controls: [{ type: '1.2.3', isCritical: true, value: new Uint8Array([1, 2]) }],
      modifications: [
        { operation: 'replace', name: 'cn', options: [], values: ['A'] },
        { operation: 'delete', name: 'mail', options: [], values: [] },
      ],
    };
    const modrdn: LdifRecord = {
      kind: 'modrdn',
      changetype: 'moddn',
      dn: 'cn=a,dc=x',
      line: 1,
      controls: [],
      newRdn: 'cn=b',
      deleteOldRdn: true,
      newSuperior: 'ou=y,dc=x',
    };
    expect(asBytes(roundTrip(modify))).toEqual(asBytes(modify));
    expect(roundTrip(modrdn)).toEqual(modrdn);
  });

  it('writes a delete record', () => {
    expect(renderLdifRecord({ kind: 'delete', dn: 'cn=a', line: 1, controls: [] })).toBe(
      'dn: cn=a\nchangetype: delete\n',
    );
  });
});
