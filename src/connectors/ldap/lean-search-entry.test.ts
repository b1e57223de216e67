import { Ber, BerReader, BerWriter, SearchEntry } from 'ldapts';
import { describe, expect, it } from 'vitest';
import { installLeanSearchEntry, isLeanSearchEntryInstalled } from './lean-search-entry.js';

/** SearchResultEntry protocol op: [APPLICATION 4], constructed. */
const SEARCH_RESULT_ENTRY = 0x64;
const SET = 0x31;

type Value = string | Buffer;

/** SearchResultEntry BER: the DN, then a sequence of (type, SET of values). */
function searchResultEntry(dn: string, attributes: readonly (readonly [string, readonly Value[]])[]): Buffer {
  const writer = new BerWriter();
  writer.startSequence(SEARCH_RESULT_ENTRY);
  writer.writeString(dn);
  writer.startSequence();
  for (const [type, values] of attributes) {
    writer.startSequence();
    writer.writeString(type);
    writer.startSequence(SET);
    for (const value of values)
      writer.writeBuffer(Buffer.isBuffer(value) ? value : Buffer.from(value), Ber.OctetString);
    writer.endSequence();
    writer.endSequence();
  }
  writer.endSequence();
  writer.endSequence();
  return writer.buffer;
}

type ParseMessage = (this: SearchEntry, reader: BerReader) => void;

/** Parses the BER with the parseMessage and toObject that SearchEntry.prototype holds right now. */
function parse(ber: Buffer, requestAttributes: string[], explicitBufferAttributes: string[]): Record<string, unknown> {
  const reader = new BerReader(ber);
  reader.readSequence(SEARCH_RESULT_ENTRY);
  const entry = new SearchEntry({ messageId: 1 });
  (SearchEntry.prototype.parseMessage as ParseMessage).call(entry, reader);
  expect(reader.offset).toBe(ber.length);
  return entry.toObject(requestAttributes, explicitBufferAttributes);
}

const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46]);
const GIF = Buffer.from('GIF89a', 'ascii');
const BAD_UTF8 = Buffer.from([0x61, 0xc3, 0x28]);

interface Case {
  readonly name: string;
  readonly attributes: readonly (readonly [string, readonly Value[]])[];
  readonly request?: string[];
  readonly buffers?: string[];
}

const CASES: readonly Case[] = [
  { name: 'text', attributes: [['cn', ['Ada Lovelace']]] },
  {
    name: 'non-ASCII text and a BOM',
    attributes: [
      ['cn', ['Zoë 日本 😀']],
      ['description', ['\ufeffwith BOM']],
    ],
  },
  { name: 'an empty string value', attributes: [['description', ['']]] },
  { name: 'multi-valued', attributes: [['objectClass', ['top', 'person', 'inetOrgPerson']]] },
  { name: 'empty (no values)', attributes: [['member', []]] },
  {
    name: 'binary by explicitBufferAttributes, valid UTF-8 or not',
    attributes: [
      ['jpegPhoto', [GIF, JPEG]],
      ['audio', [GIF]],
      ['cn', ['x']],
    ],
    buffers: ['jpegPhoto', 'audio'],
  },
  {
    name: 'binary by explicitBufferAttributes, other case',
    attributes: [['JPEGPHOTO', [GIF]]],
    buffers: ['jpegPhoto'],
  },
  { name: 'invalid UTF-8, single', attributes: [['photo', [JPEG]]] },
  { name: 'invalid UTF-8 among valid values', attributes: [['description', ['fine', BAD_UTF8, 'also fine']]] },
  {
    name: ';binary',
    attributes: [
      ['userCertificate;binary', [GIF]],
      ['cACertificate;BINARY', [GIF, JPEG]],
    ],
  },
  {
    name: 'requested but missing, and requested in another case',
    attributes: [
      ['CN', ['Ada']],
      ['entryUUID', ['4f1c0b6e-0000-4000-8000-000000000001']],
    ],
    request: ['cn', 'mail', 'entryUUID', 'jpegPhoto', 'MAIL'],
    buffers: ['jpegPhoto'],
  },
  { name: 'no attributes at all', attributes: [], request: ['cn'] },
  {
    name: 'a real U+FFFD, an encoded surrogate and an overlong encoding',
    attributes: [
      ['description', ['replacement \ufffd character']],
      ['surrogate', [Buffer.from([0x61, 0xed, 0xa0, 0x80])]],
      ['overlong', [Buffer.from([0xc0, 0xaf]), 'fine']],
    ],
  },
  {
    name: 'long values (multi-byte BER lengths) and many values',
    attributes: [
      ['description', ['x'.repeat(200), 'é'.repeat(40_000)]],
      ['member', Array.from({ length: 300 }, (_, i) => `uid=u${i},ou=people,dc=example,dc=com`)],
    ],
  },
  { name: 'the request wildcards', attributes: [['cn', ['Ada']]], request: ['*', '+', 'entryUUID'] },
  {
    name: 'accesslog records',
    attributes: [
      ['reqStart', ['20261125043654.129300Z']],
      ['reqType', ['modify']],
      ['reqDN', ['uid=ada,ou=people,dc=example,dc=com']],
      ['reqEntryUUID', ['4f1c0b6e-0000-4000-8000-000000000001']],
      ['reqMod', ['sn:= Lovelace', 'jpegPhoto:= ' + JPEG.toString('latin1')]],
    ],
    request: ['reqStart', 'reqType', 'reqDN', 'reqEntryUUID', 'reqNewSuperior'],
  },
];

const DN = 'cn=O\\27Brien\\2C Jr,ou=people,dc=example,dc=com';
const bers = CASES.map((c) => searchResultEntry(DN, c.attributes));

// Stock ldapts first: the lean parse is not installed before this module has read every case with it.
expect(isLeanSearchEntryInstalled()).toBe(false);
const stockParse = SearchEntry.prototype.parseMessage;
const stock = CASES.map((c, i) => parse(bers[i] as Buffer, c.request ?? [], c.buffers ?? []));
installLeanSearchEntry();
const lean = CASES.map((c, i) => parse(bers[i] as Buffer, c.request ?? [], c.buffers ?? []));

describe('lean SearchEntry parse', () => {
  it('is installed, replacing the stock parseMessage', () => {
    expect(isLeanSearchEntryInstalled()).toBe(true);
    expect(SearchEntry.prototype.parseMessage).not.toBe(stockParse);
  });

  it.each(CASES.map((c, i) => [c.name, i] as const))('gives the same object as stock ldapts: %s', (_, i) => {
    expect(lean[i]).toStrictEqual(stock[i]);
  });

  it('keeps the stock shapes: strings, Buffers, arrays and [] where stock ldapts has them', () => {
    const byName = (name: string) => lean[CASES.findIndex((c) => c.name === name)] as Record<string, unknown>;
    expect(byName('text')).toStrictEqual({ dn: DN, cn: 'Ada Lovelace' });
    expect(byName('empty (no values)').member).toStrictEqual([]);
    expect(byName('binary by explicitBufferAttributes, valid UTF-8 or not').audio).toStrictEqual(GIF);
    expect(byName('binary by explicitBufferAttributes, other case').JPEGPHOTO).toBe('GIF89a');
    expect(byName('invalid UTF-8 among valid values').description).toStrictEqual([
      Buffer.from('fine'),
      BAD_UTF8,
      Buffer.from('also fine'),
    ]);
    expect(byName(';binary')['userCertificate;binary']).toStrictEqual(GIF);
    const requested = byName('requested but missing, and requested in another case');
    expect(requested.mail).toStrictEqual([]);
    expect(requested.MAIL).toStrictEqual([]);
    expect(requested.jpegPhoto).toStrictEqual([]);
    expect('cn' in requested).toBe(false);
  });

  it('rejects malformed BER instead of reading past it', () => {
    const ber = searchResultEntry(DN, [['cn', ['Ada Lovelace']]]);
    for (const cut of [ber.length - 1, ber.length - 5, 20]) {
      const reader = new BerReader(ber.subarray(0, cut));
      reader.readSequence(SEARCH_RESULT_ENTRY);
      const entry = new SearchEntry({ messageId: 1 });
      expect(() => (SearchEntry.prototype.parseMessage as ParseMessage).call(entry, reader)).toThrow(
        /malformed LDAP entry/,
      );
    }
    const wrongTag = Buffer.from(ber);
    wrongTag[wrongTag.indexOf(Buffer.from('cn')) - 2] = 0x02;
    const reader = new BerReader(wrongTag);
    reader.readSequence(SEARCH_RESULT_ENTRY);
    expect(() =>
      (SearchEntry.prototype.parseMessage as ParseMessage).call(new SearchEntry({ messageId: 1 }), reader),
    ).toThrow(/expected tag 0x4, got 0x2/);
  });

  it('installs once', () => {
    const parseMessage = SearchEntry.prototype.parseMessage;
    installLeanSearchEntry();
    expect(SearchEntry.prototype.parseMessage).toBe(parseMessage);
  });
});
