import { isDnValid } from '../../core/dn.js';
import { LineSplitter } from './file-connection.js';
import type {
  LdifAttributeValue,
  LdifControl,
  LdifItem,
  LdifModification,
  LdifRecord,
  LdifValue,
} from './ldif-record.js';

interface LogicalLine {
  text: string;
  readonly line: number;
  readonly isComment: boolean;
}

/** A problem in one record; caught per record so that parsing continues with the next one. */
class RecordSyntaxError extends Error {
  constructor(
    readonly line: number,
    problem: string,
  ) {
    super(`line ${line}: ${problem}`);
  }
}

const DESCRIPTION = /^([A-Za-z][A-Za-z0-9-]*|\d+(?:\.\d+)*)((?:;[A-Za-z0-9-]+)*)$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const utf8 = new TextDecoder('utf-8', { fatal: true });

interface AttrLine extends LdifAttributeValue {
  readonly line: number;
}

/** Parses one unfolded `attr: value` / `attr:: base64` line (RFC 2849 attrval-spec). */
function parseAttrLine(logical: LogicalLine): AttrLine {
  const { text, line } = logical;
  const colon = text.indexOf(':');
  if (colon < 1) throw new RecordSyntaxError(line, `expected "attribute: value", found "${clip(text)}"`);
  const match = DESCRIPTION.exec(text.slice(0, colon));
  if (!match) throw new RecordSyntaxError(line, `invalid attribute description "${clip(text.slice(0, colon))}"`);
  const name = match[1] as string;
  const options = (match[2] ?? '').split(';').filter((o) => o !== '');
  const rest = text.slice(colon + 1);
  if (rest.startsWith(':')) {
    const encoded = rest.slice(1).trim();
    if (!BASE64.test(encoded)) throw new RecordSyntaxError(line, `attribute "${name}": invalid base64 value`);
    return { name, options, value: new Uint8Array(Buffer.from(encoded, 'base64')), line };
  }
  if (rest.startsWith('<')) {
    throw new RecordSyntaxError(line, `attribute "${name}": URL values ("${name}:<") are not read`);
  }
  return { name, options, value: rest.replace(/^ +/, ''), line };
}

function clip(text: string): string {
  return text.length > 40 ? text.slice(0, 40) + '…' : text;
}

function valueText(attr: AttrLine, what: string): string {
  if (typeof attr.value === 'string') return attr.value;
  try {
    return utf8.decode(attr.value);
  } catch {
    throw new RecordSyntaxError(attr.line, `${what} is not valid UTF-8`);
  }
}

function expectName(attr: AttrLine, ...names: string[]): string {
  const lower = attr.name.toLowerCase();
  if (!names.includes(lower)) {
    throw new RecordSyntaxError(attr.line, `expected "${names.join('" or "')}:", found "${attr.name}:"`);
  }
  return lower;
}

function parseControl(attr: AttrLine): LdifControl {
  // control: <oid> [true|false] [value-spec]; the value-spec starts at the second colon.
  const text = valueText(attr, 'control');
  const match = /^(\d+(?:\.\d+)*)(?: +(true|false))? *(:.*)?$/.exec(text);
  if (!match) throw new RecordSyntaxError(attr.line, `invalid control "${clip(text)}"`);
  const control = { type: match[1] as string, isCritical: match[2] === 'true' };
  if (match[3] === undefined) return control;
  const value = parseAttrLine({ text: 'v' + match[3], line: attr.line, isComment: false }).value;
  return { ...control, value };
}

function parseModifications(lines: readonly LogicalLine[], from: number): LdifModification[] {
  const modifications: LdifModification[] = [];
  let i = from;
  while (i < lines.length) {
    const head = parseAttrLine(lines[i] as LogicalLine);
    const operation = expectName(head, 'add', 'delete', 'replace') as LdifModification['operation'];
    const target = parseAttrLine({ text: valueText(head, operation) + ':', line: head.line, isComment: false });
    const values: LdifValue[] = [];
    for (i++; i < lines.length && (lines[i] as LogicalLine).text !== '-'; i++) {
      const attr = parseAttrLine(lines[i] as LogicalLine);
      const description = [attr.name, ...attr.options].join(';').toLowerCase();
      if (description !== [target.name, ...target.options].join(';').toLowerCase()) {
        throw new RecordSyntaxError(attr.line, `expected "-" or a value of "${target.name}", found "${attr.name}:"`);
      }
      values.push(attr.value);
    }
    // The closing "-" of the last section is required by RFC 2849; tools often omit it at the end.
    i++;
    modifications.push({ operation, name: target.name, options: target.options, values });
  }
  return modifications;
}

interface ChangeBase {
  readonly dn: string;
  readonly line: number;
  readonly controls: readonly LdifControl[];
}

function parseModrdn(
  lines: readonly LogicalLine[],
  from: number,
  base: ChangeBase,
  changetype: 'modrdn' | 'moddn',
): LdifRecord {
  const attrs = lines.slice(from).map(parseAttrLine);
  const [newRdnLine, deleteLine, superiorLine, extra] = attrs;
  const endLine = lines[lines.length - 1]?.line ?? base.line;
  if (!newRdnLine) throw new RecordSyntaxError(endLine, `${changetype} record without "newrdn:"`);
  expectName(newRdnLine, 'newrdn');
  if (!deleteLine) throw new RecordSyntaxError(endLine, `${changetype} record without "deleteoldrdn:"`);
  expectName(deleteLine, 'deleteoldrdn');
  const flag = valueText(deleteLine, 'deleteoldrdn');
  if (flag !== '0' && flag !== '1')
    throw new RecordSyntaxError(deleteLine.line, `deleteoldrdn must be 0 or 1, found "${clip(flag)}"`);
  if (extra) throw new RecordSyntaxError(extra.line, `unexpected "${extra.name}:" in a ${changetype} record`);
  const record = {
    ...base,
    kind: 'modrdn' as const,
    changetype,
    newRdn: valueText(newRdnLine, 'newrdn'),
    deleteOldRdn: flag === '1',
  };
  if (!superiorLine) return record;
  expectName(superiorLine, 'newsuperior');
  return { ...record, newSuperior: valueText(superiorLine, 'newsuperior') };
}

/** Parses the unfolded, comment-free lines of one record (the first is the `dn:` line). */
function parseRecord(lines: readonly LogicalLine[]): LdifRecord {
  const dnLine = parseAttrLine(lines[0] as LogicalLine);
  expectName(dnLine, 'dn');
  const dn = valueText(dnLine, 'DN');
  if (!isDnValid(dn)) throw new RecordSyntaxError(dnLine.line, `invalid DN "${clip(dn)}"`);
  const line = dnLine.line;
  let i = 1;
  const controls: LdifControl[] = [];
  let next = lines[i] ? parseAttrLine(lines[i] as LogicalLine) : undefined;
  while (next && next.name.toLowerCase() === 'control') {
    controls.push(parseControl(next));
    next = lines[++i] ? parseAttrLine(lines[i] as LogicalLine) : undefined;
  }
  if (!next || next.name.toLowerCase() !== 'changetype') {
    if (controls.length > 0) throw new RecordSyntaxError(next?.line ?? line, 'controls without "changetype:"');
    const attributes = lines.slice(1).map(parseAttrLine);
    if (attributes.length === 0) throw new RecordSyntaxError(line, `record "${clip(dn)}" has no attributes`);
    return {
      kind: 'content',
      dn,
      line,
      attributes: attributes.map(({ name, options, value }) => ({ name, options, value })),
    };
  }
  const changetype = valueText(next, 'changetype').toLowerCase();
  const base = { dn, line, controls };
  i++;
  switch (changetype) {
    case 'add': {
      const attributes = lines.slice(i).map(parseAttrLine);
      if (attributes.length === 0) throw new RecordSyntaxError(next.line, 'add record without attributes');
      return {
        ...base,
        kind: 'add',
        attributes: attributes.map(({ name, options, value }) => ({ name, options, value })),
      };
    }
    case 'delete':
      if (lines[i]) throw new RecordSyntaxError((lines[i] as LogicalLine).line, 'unexpected line in a delete record');
      return { ...base, kind: 'delete' };
    case 'modify':
      return { ...base, kind: 'modify', modifications: parseModifications(lines, i) };
    case 'modrdn':
    case 'moddn':
      return parseModrdn(lines, i, base, changetype);
    default:
      throw new RecordSyntaxError(next.line, `unknown changetype "${clip(changetype)}"`);
  }
}

/**
 * Incremental LDIF (RFC 2849) parser: feed it lines, get items as records complete. Holds one record
 * at a time. Handles the version line, comments, folded lines and content and change records; a
 * malformed record becomes an `error` item and parsing resumes at the next record.
 */
export class LdifParser {
  private lineNo = 0;
  private logical: LogicalLine[] = [];
  private physical: string[] = [];
  private groupError: RecordSyntaxError | null = null;
  private isFirstGroup = true;

  pushLines(lines: readonly string[]): LdifItem[] {
    const items: LdifItem[] = [];
    for (const text of lines) {
      this.lineNo++;
      if (text === '') {
        this.flush(items);
        continue;
      }
      this.physical.push(text);
      const last = this.logical[this.logical.length - 1];
      if (text.startsWith(' ')) {
        if (last) last.text += text.slice(1);
        else this.groupError ??= new RecordSyntaxError(this.lineNo, 'continuation line with no line to continue');
      } else {
        this.logical.push({ text, line: this.lineNo, isComment: text.startsWith('#') });
      }
    }
    return items;
  }

  end(): LdifItem[] {
    const items: LdifItem[] = [];
    this.flush(items);
    return items;
  }

  private flush(items: LdifItem[]): void {
    if (this.physical.length === 0) return;
    const raw = this.physical.join('\n') + '\n';
    const error = this.groupError;
    let lines = this.logical.filter((l) => !l.isComment);
    const firstLine = this.logical[0]?.line ?? this.lineNo;
    this.physical = [];
    this.logical = [];
    this.groupError = null;
    if (this.isFirstGroup && lines.length > 0 && /^version:/i.test((lines[0] as LogicalLine).text)) {
      const version = lines[0] as LogicalLine;
      if (!/^version: *1$/i.test(version.text)) {
        items.push({
          kind: 'error',
          line: version.line,
          message: `line ${version.line}: unsupported LDIF "${clip(version.text)}"`,
          raw: '',
        });
      }
      lines = lines.slice(1);
    }
    if (lines.length > 0) this.isFirstGroup = false;
    if (lines.length === 0 && !error) {
      if (raw.split('\n').some((l) => l.startsWith('#'))) items.push({ kind: 'comment', line: firstLine, raw });
      return;
    }
    const start = lines[0]?.line ?? error?.line ?? firstLine;
    const dnMatch = lines[0] ? /^dn: *([^:].*)?$/i.exec(lines[0].text) : null;
    const dn = dnMatch?.[1];
    try {
      if (error) throw error;
      items.push({ kind: 'record', record: parseRecord(lines), raw });
    } catch (caught) {
      if (!(caught instanceof RecordSyntaxError)) throw caught;
      items.push({ kind: 'error', line: start, message: caught.message, ...(dn !== undefined ? { dn } : {}), raw });
    }
  }
}

/** Parses a whole LDIF text (tests, small inputs). */
export function parseLdif(text: string): LdifItem[] {
  const splitter = new LineSplitter();
  const parser = new LdifParser();
  return [...parser.pushLines(splitter.push(text)), ...parser.pushLines(splitter.end()), ...parser.end()];
}

/** Parses LDIF text chunks as they stream in, yielding each item as soon as its record is complete. */
export async function* parseLdifChunks(chunks: AsyncIterable<string>): AsyncGenerator<LdifItem> {
  const splitter = new LineSplitter();
  const parser = new LdifParser();
  for await (const chunk of chunks) yield* parser.pushLines(splitter.push(chunk));
  yield* parser.pushLines(splitter.end());
  yield* parser.end();
}
