import {
  decodeXmlText,
  DOCTYPE_REFUSED,
  ENTITY_REFUSED,
  found,
  isXmlWhitespace,
  NONE,
  positionIn,
  quoteChar,
  scanName,
  XmlAttributes,
  XmlSyntaxError,
  type XmlTokenHandler,
} from './xml-text.js';

export { XmlAttributes, XmlSyntaxError, type XmlTokenHandler } from './xml-text.js';

const LT = 0x3c;
const GT = 0x3e;
const SLASH = 0x2f;
const BANG = 0x21;
const QUESTION = 0x3f;
const EQUALS = 0x3d;
const DOUBLE_QUOTE = 0x22;
const SINGLE_QUOTE = 0x27;
const CR = 0x0d;

/** Text runs without `<` longer than this are passed on in pieces, so a huge text stays bounded. */
const TEXT_PIECE = 1 << 16;

/**
 * A small streaming XML 1.0 tokenizer for data documents such as csexport files: start, end and
 * self-closing tags with attributes (single or double quotes), text, CDATA, comments and processing
 * instructions (skipped), the five predefined entities and numeric character references. It refuses
 * any `<!DOCTYPE` or `<!ENTITY` (no DTD, so no entity expansion and no XXE): any other `&name;` is an
 * error. Malformed input (mismatched or unclosed tags, bad attribute syntax, text outside the root, a
 * second root) throws `XmlSyntaxError` with the 1-based line and column of the offending token.
 * Input arrives as UTF-8 bytes or strings in chunks of any size: multi-byte characters, tags and
 * entities may be split anywhere. Memory holds the unconsumed tail of the input (one token at most).
 * Not checked: the characters of names and text beyond ASCII, and the XML declaration's content.
 */
export class XmlTokenizer {
  private buf = '';
  private pos = 0;
  /** Line and column of `buf[0]`. */
  private lineBase = 1;
  private columnBase = 1;
  // The next `&`, `<`, CR, LF and tab in `buf` at or after the last lookup (NONE: none; below the
  // position being looked at: stale). Each is searched once per occurrence: linear time overall.
  private ampAt = -1;
  private ltAt = -1;
  private crAt = -1;
  private lfAt = -1;
  private tabAt = -1;
  private readonly open: string[] = [];
  private readonly attributes = new XmlAttributes();
  private rootSeen = false;
  private atStart = true;
  private ended = false;
  private tokenStart = 0;
  private readonly decoder = new TextDecoder('utf-8');

  constructor(private readonly handler: XmlTokenHandler) {}

  /** Feeds a chunk: UTF-8 bytes (decoded across chunk boundaries) or text. */
  write(chunk: Uint8Array | string): void {
    const text = typeof chunk === 'string' ? chunk : this.decoder.decode(chunk, { stream: true });
    if (this.ended) throw new Error('XmlTokenizer: write after end');
    this.append(this.atStart && this.buf.length === 0 && text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
    this.run();
  }

  /** Ends the input: throws when the document is incomplete or has no root element. */
  end(): void {
    this.append(this.decoder.decode());
    this.ended = true;
    this.run();
    const top = this.open[this.open.length - 1];
    if (top !== undefined) this.fail(this.buf.length, `unexpected end of input: unclosed element <${top}>`);
    if (!this.rootSeen) this.fail(this.buf.length, 'unexpected end of input: no root element');
  }

  /** Throws `XmlSyntaxError` at the start of the token being reported (for handlers' own checks). */
  fail(message: string): never;
  /** @internal Throws at position `at` of the buffer. */
  fail(at: number, message: string): never;
  fail(atOrMessage: number | string, message?: string): never {
    const at = typeof atOrMessage === 'number' ? atOrMessage : this.tokenStart;
    const { line, column } = this.positionOf(at);
    throw new XmlSyntaxError(message ?? String(atOrMessage), line, column);
  }

  private positionOf(at: number): { line: number; column: number } {
    return positionIn(this.buf, at, this.lineBase, this.columnBase);
  }

  private append(text: string): void {
    if (this.pos > 0) {
      const { line, column } = this.positionOf(this.pos);
      this.lineBase = line;
      this.columnBase = column;
      this.buf = this.buf.slice(this.pos) + text;
      this.tokenStart -= this.pos;
      this.pos = 0;
    } else this.buf += text;
    this.ampAt = this.ltAt = this.crAt = this.lfAt = this.tabAt = -1;
  }

  /** Whether `buf[start, end)` holds `&` or CR (text), or also LF or tab (`attribute`). */
  private special(buf: string, start: number, end: number, attribute: boolean): boolean {
    if (this.ampAt < start) this.ampAt = found(buf.indexOf('&', start));
    if (this.crAt < start) this.crAt = found(buf.indexOf('\r', start));
    if (this.ampAt < end || this.crAt < end) return true;
    if (!attribute) return false;
    if (this.lfAt < start) this.lfAt = found(buf.indexOf('\n', start));
    if (this.tabAt < start) this.tabAt = found(buf.indexOf('\t', start));
    return this.lfAt < end || this.tabAt < end;
  }

  private decode(buf: string, start: number, end: number, attribute: boolean): string {
    return this.special(buf, start, end, attribute)
      ? decodeXmlText(buf, start, end, attribute, (at, message) => this.fail(at, message))
      : buf.slice(start, end);
  }

  private run(): void {
    const buf = this.buf;
    const len = buf.length;
    let pos = this.pos;
    while (pos < len) {
      this.tokenStart = pos;
      const next = buf.charCodeAt(pos) === LT ? this.markup(buf, pos, len) : this.textRun(buf, pos, len);
      if (next < 0) break;
      pos = this.pos = next;
      this.atStart = false;
    }
  }

  /** -1 to wait for more input; at the end of input, an error. */
  private incomplete(at: number, what: string): number {
    if (this.ended) this.fail(at, `unexpected end of input inside ${what}`);
    return -1;
  }

  private textRun(buf: string, pos: number, len: number): number {
    if (this.ltAt < pos) this.ltAt = found(buf.indexOf('<', pos));
    let end = this.ltAt;
    if (end === NONE) {
      end = len;
      if (!this.ended) {
        if (len - pos < TEXT_PIECE) return -1;
        const amp = buf.lastIndexOf('&', len - 1);
        if (amp >= pos && buf.indexOf(';', amp) < 0) end = amp;
        if (buf.charCodeAt(end - 1) === CR) end--;
        if (end <= pos) return -1;
      }
    }
    if (this.open.length === 0) {
      for (let i = pos; i < end; i++)
        if (!isXmlWhitespace(buf.charCodeAt(i)))
          this.fail(i, `text ${this.rootSeen ? 'after' : 'before'} the root element`);
      return end;
    }
    this.handler.text(this.decode(buf, pos, end, false));
    return end;
  }

  private markup(buf: string, pos: number, len: number): number {
    if (pos + 1 >= len) return this.incomplete(pos, 'a tag');
    switch (buf.charCodeAt(pos + 1)) {
      case SLASH:
        return this.closeTag(buf, pos, len);
      case BANG:
        return this.declaration(buf, pos, len);
      case QUESTION:
        return this.processingInstruction(buf, pos, len);
      default:
        return this.openTag(buf, pos, len);
    }
  }

  private openTag(buf: string, pos: number, len: number): number {
    const nameEnd = scanName(buf, pos + 1, len);
    if (nameEnd === len) return this.incomplete(pos, 'a start tag');
    if (nameEnd === pos + 1) this.fail(pos + 1, `unexpected character ${quoteChar(buf, pos + 1)} after '<'`);
    const attributes = this.attributes;
    attributes.count = 0;
    let p = nameEnd;
    let selfClosing = false;
    for (;;) {
      const afterValue = p;
      let c = buf.charCodeAt(p);
      while (c === 0x20 || c === 0x0a || c === 0x09 || c === CR) c = buf.charCodeAt(++p);
      if (p >= len) return this.incomplete(pos, 'a start tag');
      if (c === GT) {
        p++;
        break;
      }
      if (c === SLASH) {
        if (p + 1 >= len) return this.incomplete(pos, 'a start tag');
        if (buf.charCodeAt(p + 1) !== GT) this.fail(p + 1, `expected '>' after '/', found ${quoteChar(buf, p + 1)}`);
        p += 2;
        selfClosing = true;
        break;
      }
      const attrEnd = scanName(buf, p, len);
      if (attrEnd === len) return this.incomplete(pos, 'a start tag');
      if (attrEnd === p) this.fail(p, `unexpected character ${quoteChar(buf, p)} in a start tag`);
      if (p === afterValue) this.fail(p, 'attributes must be separated by whitespace');
      const attrStart = p;
      p = attrEnd;
      if (buf.charCodeAt(p) !== EQUALS) {
        while (p < len && isXmlWhitespace(buf.charCodeAt(p))) p++;
        if (p >= len) return this.incomplete(pos, 'a start tag');
        if (buf.charCodeAt(p) !== EQUALS)
          this.fail(p, `attribute "${buf.slice(attrStart, attrEnd)}" has no value (expected '=')`);
      }
      p++;
      while (p < len && isXmlWhitespace(buf.charCodeAt(p))) p++;
      if (p >= len) return this.incomplete(pos, 'a start tag');
      const quote = buf.charCodeAt(p);
      if (quote !== DOUBLE_QUOTE && quote !== SINGLE_QUOTE)
        this.fail(p, `the value of attribute "${buf.slice(attrStart, attrEnd)}" must be quoted`);
      const valueStart = p + 1;
      p = buf.indexOf(quote === DOUBLE_QUOTE ? '"' : "'", valueStart);
      if (this.ltAt < valueStart) this.ltAt = found(buf.indexOf('<', valueStart));
      if (this.ltAt < (p < 0 ? len : p))
        this.fail(this.ltAt, `'<' in the value of attribute "${buf.slice(attrStart, attrEnd)}"`);
      if (p < 0) return this.incomplete(pos, 'an attribute value');
      const name = buf.slice(attrStart, attrEnd);
      if (!attributes.add(name, this.decode(buf, valueStart, p, true)))
        this.fail(attrStart, `duplicate attribute "${name}"`);
      p++;
    }
    const name = buf.slice(pos + 1, nameEnd);
    if (this.open.length === 0) {
      if (this.rootSeen) this.fail(pos, `a second root element <${name}>`);
      this.rootSeen = true;
    }
    this.handler.openTag(name, attributes);
    if (selfClosing) this.handler.closeTag(name);
    else this.open.push(name);
    return p;
  }

  private closeTag(buf: string, pos: number, len: number): number {
    const top = this.open[this.open.length - 1];
    if (
      top !== undefined &&
      buf.charCodeAt(pos + 2 + top.length) === GT &&
      buf.slice(pos + 2, pos + 2 + top.length) === top
    ) {
      this.open.pop();
      this.handler.closeTag(top);
      return pos + 3 + top.length;
    }
    const nameEnd = scanName(buf, pos + 2, len);
    if (nameEnd === len) return this.incomplete(pos, 'an end tag');
    if (nameEnd === pos + 2) this.fail(pos + 2, `unexpected character ${quoteChar(buf, pos + 2)} after '</'`);
    let p = nameEnd;
    while (p < len && isXmlWhitespace(buf.charCodeAt(p))) p++;
    if (p >= len) return this.incomplete(pos, 'an end tag');
    if (buf.charCodeAt(p) !== GT) this.fail(p, `expected '>' in an end tag, found ${quoteChar(buf, p)}`);
    if (top === undefined) this.fail(pos, `end tag </${buf.slice(pos + 2, nameEnd)}> without a start tag`);
    if (nameEnd - pos - 2 !== top.length || !buf.startsWith(top, pos + 2))
      this.fail(pos, `mismatched end tag </${buf.slice(pos + 2, nameEnd)}>, expected </${top}>`);
    this.open.pop();
    this.handler.closeTag(top);
    return p + 1;
  }

  /** `<!--`, `<![CDATA[`; `<!DOCTYPE`, `<!ENTITY` and anything else are refused. */
  private declaration(buf: string, pos: number, len: number): number {
    for (const opener of ['<!--', '<![CDATA[', '<!DOCTYPE', '<!ENTITY'])
      if (len - pos < opener.length && opener.startsWith(buf.slice(pos))) return this.incomplete(pos, 'a declaration');
    if (buf.startsWith('<!--', pos)) {
      const dashes = buf.indexOf('--', pos + 4);
      if (dashes < 0 || dashes + 2 >= len) return this.incomplete(pos, 'a comment');
      if (buf.charCodeAt(dashes + 2) !== GT) this.fail(dashes, "'--' inside a comment");
      return dashes + 3;
    }
    if (buf.startsWith('<![CDATA[', pos)) {
      const close = buf.indexOf(']]>', pos + 9);
      if (close < 0) return this.incomplete(pos, 'a CDATA section');
      if (this.open.length === 0) this.fail(pos, 'CDATA section outside the root element');
      const cdata = buf.slice(pos + 9, close);
      this.handler.text(cdata.includes('\r') ? cdata.replace(/\r\n?/g, '\n') : cdata);
      return close + 3;
    }
    if (buf.startsWith('<!DOCTYPE', pos)) this.fail(pos, DOCTYPE_REFUSED);
    if (buf.startsWith('<!ENTITY', pos)) this.fail(pos, ENTITY_REFUSED);
    return this.fail(pos, "unexpected '<!': only comments and CDATA sections are accepted");
  }

  private processingInstruction(buf: string, pos: number, len: number): number {
    const targetEnd = scanName(buf, pos + 2, len);
    if (targetEnd === len) return this.incomplete(pos, 'a processing instruction');
    if (targetEnd === pos + 2) this.fail(pos + 2, 'processing instruction without a target');
    const close = buf.indexOf('?>', targetEnd);
    if (close < 0) return this.incomplete(pos, 'a processing instruction');
    if (buf.slice(pos + 2, targetEnd).toLowerCase() === 'xml' && !this.atStart)
      this.fail(pos, 'the XML declaration is allowed only at the very start of the document');
    return close + 2;
  }
}
