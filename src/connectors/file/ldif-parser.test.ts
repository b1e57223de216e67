import { describe, expect, it } from 'vitest';
import { parseLdif } from './ldif-parser.js';
import type { LdifItem, LdifRecord } from './ldif-record.js';

function records(items: readonly LdifItem[]): LdifRecord[] {
  return items.flatMap((i) => (i.kind === 'record' ? [i.record] : []));
}

function errors(items: readonly LdifItem[]): Extract<LdifItem, { kind: 'error' }>[] {
  return items.filter((i): i is Extract<LdifItem, { kind: 'error' }> => i.kind === 'error');
}

describe('parseLdif', () => {
  it('reads content records with their starting line numbers after a version line', () => {
    const items = parseLdif('version: 1\n\ndn: cn=a,dc=x\ncn: a\n\n\ndn: cn=b,dc=x\ncn: b\n');
    expect(records(items).map((r) => [r.dn, r.line])).toEqual([
      ['cn=a,dc=x', 3],
      ['cn=b,dc=x', 7],
    ]);
  });

  it('accepts a version line directly followed by the first record', () => {
    const items = parseLdif('version: 1\ndn: cn=a\ncn: a\n');
    expect(records(items)).toHaveLength(1);
  });

  it('unfolds continuation lines that start with one space', () => {
    const items = parseLdif('dn: cn=a,\n dc=x\ndescription: hello\n  world\n');
    const record = records(items)[0];
    expect(record?.dn).toBe('cn=a,dc=x');
    expect(record?.kind === 'content' && record.attributes[0]?.value).toBe('hello world');
  });

  it('skips comments, including folded comments, and keeps them in the raw text', () => {
    const items = parseLdif('# a comment\n  continued\ndn: cn=a\n# inside\ncn: a\n');
    expect(records(items)).toHaveLength(1);
    expect(items[0]?.kind === 'record' && items[0].raw).toBe('# a comment\n  continued\ndn: cn=a\n# inside\ncn: a\n');
    expect(records(items)[0]?.line).toBe(3);
  });

  it('decodes base64 values to bytes and base64 DNs to text', () => {
    const items = parseLdif('dn:: Y249SsO8cmdlbg==\nphoto:: AAEC/w==\n');
    const record = records(items)[0];
    expect(record?.dn).toBe('cn=Jürgen');
    expect(record?.kind === 'content' && record.attributes[0]?.value).toEqual(new Uint8Array([0, 1, 2, 255]));
  });

  it('splits attribute options such as ;binary from the attribute name', () => {
    const record = records(parseLdif('dn: cn=a\nuserCertificate;binary:: AAE=\n'))[0];
    expect(record?.kind === 'content' && record.attributes[0]).toMatchObject({
      name: 'userCertificate',
      options: ['binary'],
    });
  });

  it('accepts CRLF line endings and empty values', () => {
    const record = records(parseLdif('dn: cn=a\r\ndescription:\r\ncn: a\r\n'))[0];
    expect(record?.kind === 'content' && record.attributes.map((a) => a.value)).toEqual(['', 'a']);
  });

  it('reports a URL value as an error of that record and continues with the next one', () => {
    const items = parseLdif('dn: cn=a\njpegPhoto:< file:///etc/passwd\n\ndn: cn=b\ncn: b\n');
    expect(errors(items)).toEqual([
      expect.objectContaining({
        line: 1,
        dn: 'cn=a',
        message: expect.stringContaining('line 2: attribute "jpegPhoto": URL values'),
      }),
    ]);
    expect(records(items).map((r) => r.dn)).toEqual(['cn=b']);
  });

  it('reports malformed records with their line and what is wrong, then continues', () => {
    const text = [
      'dn: cn=ok1',
      'cn: ok1',
      '',
      'cn: no-dn-first',
      '',
      'dn: cn=bad64',
      'photo:: @@@',
      '',
      'dn: cn=noattrs',
      '',
      'dn: cn=noColon',
      'just text',
      '',
      'dn: cn=ok2',
      'cn: ok2',
      '',
    ].join('\n');
    const items = parseLdif(text);
    expect(records(items).map((r) => r.dn)).toEqual(['cn=ok1', 'cn=ok2']);
    expect(errors(items).map((e) => [e.line, e.message])).toEqual([
      [4, 'line 4: expected "dn:", found "cn:"'],
      [6, 'line 7: attribute "photo": invalid base64 value'],
      [9, 'line 9: record "cn=noattrs" has no attributes'],
      [11, 'line 12: expected "attribute: value", found "just text"'],
    ]);
  });

  it('reports a continuation line with nothing to continue', () => {
    const items = parseLdif(' orphan\ndn: cn=a\ncn: a\n');
    expect(errors(items)[0]?.message).toBe('line 1: continuation line with no line to continue');
  });

  it('reports an invalid DN', () => {
    expect(errors(parseLdif('dn: not a dn\ncn: x\n'))[0]?.message).toContain('invalid DN');
  });

  it('parses a modify record with add, delete and replace sections', () => {
    const text =
      'dn: cn=a\nchangetype: modify\nadd: mail\nmail: a@x\nmail: b@x\n-\ndelete: phone\n-\nreplace: cn\ncn: A\n-\n';
    expect(records(parseLdif(text))[0]).toEqual({
      kind: 'modify',
      dn: 'cn=a',
      line: 1,
      controls: [],
      modifications: [
        { operation: 'add', name: 'mail', options: [], values: ['a@x', 'b@x'] },
        { operation: 'delete', name: 'phone', options: [], values: [] },
        { operation: 'replace', name: 'cn', options: [], values: ['A'] },
      ],
    });
  });

  it('rejects a value of another attribute inside a modify section', () => {
    const items = parseLdif('dn: cn=a\nchangetype: modify\nadd: mail\ncn: x\n-\n');
    expect(errors(items)[0]?.message).toBe('line 4: expected "-" or a value of "mail", found "cn:"');
  });

  it('parses add, delete, modrdn and moddn change records and controls', () => {
    const text = [
      'dn: cn=n',
      'changetype: add',
      'cn: n',
      '',
      'dn: cn=d',
      'control: 1.2.840.113556.1.4.805 true',
      'changetype: delete',
      '',
      'dn: cn=r,dc=x',
      'changetype: modrdn',
      'newrdn: cn=s',
      'deleteoldrdn: 1',
      '',
      'dn: cn=m,dc=x',
      'changetype: moddn',
      'newrdn: cn=m',
      'deleteoldrdn: 0',
      'newsuperior: ou=y,dc=x',
      '',
    ].join('\n');
    const parsed = records(parseLdif(text));
    expect(parsed.map((r) => r.kind)).toEqual(['add', 'delete', 'modrdn', 'modrdn']);
    expect(parsed[1]).toMatchObject({ controls: [{ type: '1.2.840.113556.1.4.805', isCritical: true }] });
    expect(parsed[2]).toMatchObject({ changetype: 'modrdn', newRdn: 'cn=s', deleteOldRdn: true });
    expect(parsed[3]).toMatchObject({ changetype: 'moddn', deleteOldRdn: false, newSuperior: 'ou=y,dc=x' });
  });

  it('rejects a modrdn record without deleteoldrdn and an unknown changetype', () => {
    const items = parseLdif('dn: cn=r\nchangetype: modrdn\nnewrdn: cn=s\n\ndn: cn=q\nchangetype: rename\n');
    expect(errors(items).map((e) => e.message)).toEqual([
      'line 3: modrdn record without "deleteoldrdn:"',
      'line 6: unknown changetype "rename"',
    ]);
  });

  it('yields trailing comments as a comment item', () => {
    const items = parseLdif('dn: cn=a\ncn: a\n\n# the end\n');
    expect(items.at(-1)).toEqual({ kind: 'comment', line: 4, raw: '# the end\n' });
  });
});
