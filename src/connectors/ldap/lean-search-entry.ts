import { Ber, SearchEntry, type BerReader } from 'ldapts';

/**
 * A leaner `SearchEntry.prototype.parseMessage` and `SearchEntry.prototype.toObject` for ldapts 8.
 *
 * What it replaces: stock `parseMessage` builds an `Attribute` object per attribute and keeps every
 * value twice (as a Buffer and decoded), and stock `toObject` then copies the values again and
 * lower-cases every attribute name. Profiling put that bookkeeping, and the reader calls and Buffer
 * views per value beneath it, at about 40% of a full import's CPU.
 *
 * Why replacing the two methods is enough: ldapts reads search entries only through `toObject`
 * (`Client._sendSearch` turns each parsed `SearchEntry` into a plain object with it), so the entry
 * may keep its attributes in any private form between the two. This one reads the BER itself and
 * keeps the message buffer with the attribute names and `[count, start, end, start, end, ...]`
 * spans of the values; `toObject` decodes them, with the same result as stock ldapts: strict UTF-8
 * strings, or all the attribute's Buffers when it is in `explicitBufferAttributes`, has the
 * `;binary` option or holds a value that is not valid UTF-8; one value alone, several as an array,
 * none as `[]`; requested attributes the server did not return as `[]` (names compared ignoring
 * case). `lean-search-entry.test.ts` checks it against stock ldapts value by value, and malformed
 * BER is an error, as with stock ldapts.
 *
 * When the prototype is not shaped as expected (another ldapts version) ldapts is left untouched.
 */
interface LeanSearchEntry {
  name: string;
  attributes: unknown[];
  leanBuffer?: Buffer;
  leanTypes?: string[];
  leanSpans?: number[];
}

const strictUtf8 = new TextDecoder('utf8', { fatal: true });
const BINARY_OPTION = /;binary$/i;
const OCTET_STRING = 0x04;
const SEQUENCE = 0x30;
/** Universal SET, constructed: the values of a PartialAttribute. */
const SET = 0x31;
const REPLACEMENT = '\ufffd';
const BOM = 0xfeff;

type Slice = (buffer: Buffer, start: number, end: number) => string;
type WithUtf8Slice = Buffer & { utf8Slice?: (start: number, end: number) => string };
/** Node's Buffer#utf8Slice (what toString('utf8') calls, without its argument handling), when present. */
const utf8Slice: Slice =
  typeof (Buffer.prototype as WithUtf8Slice).utf8Slice === 'function'
    ? (buffer, start, end) => (buffer as WithUtf8Slice).utf8Slice!(start, end)
    : (buffer, start, end) => buffer.toString('utf8', start, end);

let installed = false;

export function isLeanSearchEntryInstalled(): boolean {
  return installed;
}

/** Replaces the two methods once per process; a no-op when already installed or when the shape differs. */
export function installLeanSearchEntry(): void {
  if (installed) return;
  const proto = SearchEntry.prototype as unknown as Record<string, unknown>;
  if (typeof proto.parseMessage !== 'function' || typeof proto.toObject !== 'function') return;
  if (Ber.OctetString !== OCTET_STRING) return;

  proto.parseMessage = function parseMessage(this: LeanSearchEntry, reader: BerReader): void {
    const buffer = reader.buffer;
    const limit = reader.offset + reader.remain;
    let pos = readHeader(buffer, reader.offset, limit, OCTET_STRING);
    this.name = utf8Slice(buffer, pos, pos + headerLength);
    pos = readHeader(buffer, pos + headerLength, limit, SEQUENCE);
    const end = pos + headerLength;
    const types: string[] = [];
    const spans: number[] = [];
    while (pos < end) {
      pos = readHeader(buffer, pos, end, SEQUENCE);
      const attributeEnd = pos + headerLength;
      pos = readHeader(buffer, pos, attributeEnd, OCTET_STRING);
      types.push(attributeName(buffer, pos, pos + headerLength));
      pos += headerLength;
      const countAt = spans.push(0) - 1;
      if (pos < attributeEnd && buffer[pos] === SET) {
        pos = readHeader(buffer, pos, attributeEnd, SET);
        const valuesEnd = pos + headerLength;
        while (pos < valuesEnd) {
          pos = readHeader(buffer, pos, valuesEnd, OCTET_STRING);
          spans.push(pos, pos + headerLength);
          pos += headerLength;
        }
        spans[countAt] = (spans.length - countAt - 1) / 2;
      }
      pos = attributeEnd;
    }
    reader.offset = end;
    this.leanBuffer = buffer;
    this.leanTypes = types;
    this.leanSpans = spans;
  };

  proto.toObject = function toObject(
    this: LeanSearchEntry,
    requestAttributes: readonly string[] = [],
    explicitBufferAttributes: readonly string[] = [],
  ): Record<string, unknown> {
    const result: Record<string, unknown> = { dn: this.name };
    const buffer = this.leanBuffer ?? Buffer.alloc(0);
    const types = this.leanTypes ?? [];
    const spans = this.leanSpans ?? [];
    const asBuffers = bufferDecisions(explicitBufferAttributes);
    let at = 0;
    for (const type of types) {
      const count = spans[at] as number;
      const first = at + 1;
      at = first + 2 * count;
      let binary = asBuffers.get(type);
      if (binary === undefined) {
        binary = explicitBufferAttributes.includes(type) || BINARY_OPTION.test(type);
        if (asBuffers.size < 10_000) asBuffers.set(type, binary);
      }
      if (count === 1) {
        const start = spans[first] as number;
        const end = spans[first + 1] as number;
        result[type] = binary
          ? buffer.subarray(start, end)
          : (decode(buffer, start, end) ?? buffer.subarray(start, end));
      } else {
        result[type] = binary ? views(buffer, spans, first, count) : decodeAll(buffer, spans, first, count);
      }
    }
    for (const attribute of requestAttributes) {
      if (result[attribute] === undefined && !hasType(types, attribute)) result[attribute] = [];
    }
    return result;
  };

  installed = true;
}

/** The length of the element whose header `readHeader` read last. */
let headerLength = 0;

/**
 * Reads a BER tag and length at `pos` and returns where the content starts, leaving its length in
 * `headerLength`. Throws when the tag is not `tag` or the element does not fit before `limit`.
 */
function readHeader(buffer: Buffer, pos: number, limit: number, tag: number): number {
  if (pos >= limit) throw new Error(`malformed LDAP entry: expected tag 0x${tag.toString(16)} at ${pos}, got the end`);
  const found = buffer[pos] as number;
  if (found !== tag)
    throw new Error(`malformed LDAP entry: expected tag 0x${tag.toString(16)}, got 0x${found.toString(16)}`);
  pos += 1;
  if (pos >= limit) throw new Error('malformed LDAP entry: truncated length');
  let length = buffer[pos++] as number;
  if (length & 0x80) {
    const bytes = length & 0x7f;
    if (bytes === 0 || bytes > 4)
      throw new Error(`malformed LDAP entry: unsupported length form 0x${length.toString(16)}`);
    if (pos + bytes > limit) throw new Error('malformed LDAP entry: truncated length');
    length = 0;
    for (let i = 0; i < bytes; i++) length = length * 256 + (buffer[pos++] as number);
  }
  if (length > limit - pos) throw new Error('malformed LDAP entry: an element is longer than its container');
  headerLength = length;
  return pos;
}

/** Attribute names repeat in every entry: one string per name (interned, so property keys are cheap). */
const names = new Map<number, { bytes: Buffer; name: string }[]>();

function attributeName(buffer: Buffer, start: number, end: number): string {
  const length = end - start;
  let hash = length;
  for (let i = start; i < end; i++) hash = (hash * 31 + (buffer[i] as number)) | 0;
  let bucket = names.get(hash);
  if (bucket !== undefined) {
    for (const known of bucket) if (sameBytes(known.bytes, buffer, start, length)) return known.name;
  }
  const name = utf8Slice(buffer, start, end);
  if (names.size >= 10_000) return name;
  bucket ??= [];
  bucket.push({ bytes: Buffer.from(buffer.subarray(start, end)), name });
  names.set(hash, bucket);
  return name;
}

function sameBytes(known: Buffer, buffer: Buffer, start: number, length: number): boolean {
  if (known.length !== length) return false;
  for (let i = 0; i < length; i++) if (known[i] !== buffer[start + i]) return false;
  return true;
}

/** Per `explicitBufferAttributes` list (ldapts passes the search request's own array): type → Buffers or not. */
const decisions = new WeakMap<readonly string[], Map<string, boolean>>();

function bufferDecisions(explicitBufferAttributes: readonly string[]): Map<string, boolean> {
  let map = decisions.get(explicitBufferAttributes);
  if (map === undefined) {
    map = new Map();
    decisions.set(explicitBufferAttributes, map);
  }
  return map;
}

/** A value as strict UTF-8, or undefined when it is not valid UTF-8 (as ldapts' fatal decoder). */
function decode(buffer: Buffer, start: number, end: number): string | undefined {
  const text = utf8Slice(buffer, start, end);
  // The lenient decode puts U+FFFD where the bytes are not UTF-8: only then is a strict check needed.
  // TextDecoder also drops a leading byte order mark, so this does too.
  if (!text.includes(REPLACEMENT)) return text.charCodeAt(0) === BOM ? text.slice(1) : text;
  try {
    return strictUtf8.decode(buffer.subarray(start, end));
  } catch {
    return undefined;
  }
}

function views(buffer: Buffer, spans: readonly number[], first: number, count: number): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < count; i++)
    out.push(buffer.subarray(spans[first + 2 * i] as number, spans[first + 2 * i + 1] as number));
  return out;
}

/** Every value as a strict UTF-8 string, or all the Buffers when one of them is not valid UTF-8 (as ldapts). */
function decodeAll(buffer: Buffer, spans: readonly number[], first: number, count: number): (string | Buffer)[] {
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const text = decode(buffer, spans[first + 2 * i] as number, spans[first + 2 * i + 1] as number);
    if (text === undefined) return views(buffer, spans, first, count);
    out.push(text);
  }
  return out;
}

/** Whether the entry returned `attribute`, compared ignoring case (as ldapts). */
function hasType(types: readonly string[], attribute: string): boolean {
  let lower: string | undefined;
  for (const type of types) {
    if (type.length !== attribute.length) continue;
    lower ??= attribute.toLowerCase();
    if (type.toLowerCase() === lower) return true;
  }
  return false;
}
