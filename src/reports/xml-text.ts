/**
 * Receives the tokens of `XmlTokenizer`, in document order. Strings are final (entities decoded,
 * line ends normalised); `attributes` is reused from tag to tag: read it during the call, do not keep it.
 */
export interface XmlTokenHandler {
  /** A start tag; a self-closing tag calls `openTag` then `closeTag`. */
  openTag(name: string, attributes: XmlAttributes): void;
  closeTag(name: string): void;
  /** Character data or CDATA inside the root element; one run of text may arrive in several calls. */
  text(text: string): void;
}

/** A syntax error in XML input, at a 1-based line and column. */
export class XmlSyntaxError extends Error {
  override readonly name = 'XmlSyntaxError';

  constructor(
    /** What is wrong, without the position. */
    readonly reason: string,
    readonly line: number,
    readonly column: number,
  ) {
    super(`line ${line}, column ${column}: ${reason}`);
  }
}

/** XML's white space: space, tab, LF, CR. */
export function isXmlWhitespace(code: number): boolean {
  return code === 0x20 || code === 0x0a || code === 0x09 || code === 0x0d;
}

/** Longest reference accepted before `;` (`#x10FFFF` with leading zeros to spare). */
const MAX_REFERENCE = 32;

/**
 * Decodes `buf[start, end)`: the five predefined entities and numeric character references
 * (`&#9;`, `&#x1F;`), line ends normalised (CR LF and lone CR → LF). In an attribute value
 * (`attribute`), literal tab, LF and CR become spaces as XML requires (references are kept as
 * written). Any other `&name;` is an error: no DTD, so nothing else is defined. `fail` receives the
 * position of the bad reference.
 */
export function decodeXmlText(
  buf: string,
  start: number,
  end: number,
  attribute: boolean,
  fail: (at: number, message: string) => never,
): string {
  let out = '';
  let from = start;
  for (let i = start; i < end; i++) {
    const c = buf.charCodeAt(i);
    if (c === 0x26) {
      let semi = i + 1;
      while (semi < end && semi - i <= MAX_REFERENCE && buf.charCodeAt(semi) !== 0x3b) semi++;
      if (semi >= end || buf.charCodeAt(semi) !== 0x3b) fail(i, "entity reference without ';'");
      out += buf.slice(from, i) + referenceValue(buf.slice(i + 1, semi), i, fail);
      i = semi;
      from = semi + 1;
    } else if (c === 0x0d) {
      out += buf.slice(from, i) + (attribute ? ' ' : '\n');
      if (i + 1 < end && buf.charCodeAt(i + 1) === 0x0a) i++;
      from = i + 1;
    } else if (attribute && (c === 0x0a || c === 0x09)) {
      out += buf.slice(from, i) + ' ';
      from = i + 1;
    }
  }
  return out + buf.slice(from, end);
}

function referenceValue(name: string, at: number, fail: (at: number, message: string) => never): string {
  switch (name) {
    case 'amp':
      return '&';
    case 'lt':
      return '<';
    case 'gt':
      return '>';
    case 'quot':
      return '"';
    case 'apos':
      return "'";
  }
  let code = NaN;
  if (/^#x[0-9a-fA-F]+$/.test(name)) code = parseInt(name.slice(2), 16);
  else if (/^#[0-9]+$/.test(name)) code = parseInt(name.slice(1), 10);
  else
    fail(
      at,
      `undefined entity &${name}; (only &amp; &lt; &gt; &quot; &apos; and character references are accepted: no DTD)`,
    );
  if (!isXmlChar(code)) fail(at, `character reference &${name}; is not a character XML 1.0 allows`);
  return String.fromCodePoint(code);
}

/** XML 1.0 §2.2 Char. */
function isXmlChar(code: number): boolean {
  return (
    code === 0x09 ||
    code === 0x0a ||
    code === 0x0d ||
    (code >= 0x20 && code <= 0xd7ff) ||
    (code >= 0xe000 && code <= 0xfffd) ||
    (code >= 0x10000 && code <= 0x10ffff)
  );
}

/** Name characters of ASCII (beyond ASCII everything is accepted): letters, digits, `_ : - .`. */
const NAME_CHAR = new Uint8Array(128);
for (let c = 0; c < 128; c++)
  NAME_CHAR[c] = /[A-Za-z0-9_:.-]/.test(String.fromCharCode(c)) ? (/[0-9.-]/.test(String.fromCharCode(c)) ? 2 : 1) : 0;

/**
 * The end of the XML name starting at `pos`: `pos` itself when no name starts there (names do not
 * start with a digit, `-` or `.`), `len` when the input ends inside the name.
 */
export function scanName(buf: string, pos: number, len: number): number {
  if (pos >= len) return len;
  const first = buf.charCodeAt(pos);
  if (first < 0x80 && NAME_CHAR[first] !== 1) return pos;
  let p = pos + 1;
  for (; p < len; p++) {
    const c = buf.charCodeAt(p);
    if (c < 0x80 && NAME_CHAR[c] === 0) return p;
  }
  return p;
}

/** The attributes of one start tag, in document order; reused from tag to tag. */
export class XmlAttributes {
  /** Number of attributes. */
  count = 0;
  readonly names: string[] = [];
  readonly values: string[] = [];

  /** The value of attribute `name`, undefined when absent. */
  get(name: string): string | undefined {
    for (let i = 0; i < this.count; i++) if (this.names[i] === name) return this.values[i];
    return undefined;
  }

  /** @internal */
  add(name: string, value: string): boolean {
    for (let i = 0; i < this.count; i++) if (this.names[i] === name) return false;
    this.names[this.count] = name;
    this.values[this.count++] = value;
    return true;
  }
}

/** "Not in the buffer" for the tokenizer's cached positions of `&`, `<`, CR, LF and tab. */
export const NONE = 0x7fffffff;

/** Why a DOCTYPE is refused. */
export const DOCTYPE_REFUSED =
  'DOCTYPE declarations are not accepted (no DTDs or entity declarations: XXE and entity-expansion protection)';
/** Why an entity declaration is refused. */
export const ENTITY_REFUSED = 'entity declarations are not accepted (no DTDs: XXE and entity-expansion protection)';

/** `index`, or `NONE` for -1 (`indexOf` found nothing). */
export function found(index: number): number {
  return index < 0 ? NONE : index;
}

/** The character at `at`, quoted for a message. */
export function quoteChar(buf: string, at: number): string {
  return at < buf.length ? JSON.stringify(buf[at]) : 'end of input';
}

/** Line and column of `buf[at]`, given those of `buf[0]`. */
export function positionIn(
  buf: string,
  at: number,
  lineBase: number,
  columnBase: number,
): { line: number; column: number } {
  let line = lineBase;
  let last = -1;
  for (let nl = buf.indexOf('\n'); nl >= 0 && nl < at; nl = buf.indexOf('\n', nl + 1)) {
    line++;
    last = nl;
  }
  return { line, column: last < 0 ? columnBase + at : at - last };
}
