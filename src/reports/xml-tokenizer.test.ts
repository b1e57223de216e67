import { SaxesParser } from 'saxes';
import { describe, expect, it } from 'vitest';
import { readFixture } from '../../test/fixtures/reports/cs-objects.js';
import { XmlSyntaxError, XmlTokenizer, type XmlAttributes } from './xml-tokenizer.js';

type Token = ['open', string, Record<string, string>] | ['close', string] | ['text', string];

/** Collects tokens, merging adjacent text (the tokenizer may split a run of text at chunk ends). */
class Recorder {
  readonly tokens: Token[] = [];
  openTag(name: string, attributes: XmlAttributes): void {
    const record: Record<string, string> = {};
    for (let i = 0; i < attributes.count; i++) record[attributes.names[i]!] = attributes.values[i]!;
    this.tokens.push(['open', name, record]);
  }
  closeTag(name: string): void {
    this.tokens.push(['close', name]);
  }
  text(text: string): void {
    const last = this.tokens[this.tokens.length - 1];
    if (last?.[0] === 'text') last[1] += text;
    else this.tokens.push(['text', text]);
  }
}

function tokenize(xml: string, chunkSize = Infinity): Token[] {
  const recorder = new Recorder();
  const tokenizer = new XmlTokenizer(recorder);
  const bytes = Buffer.from(xml, 'utf8');
  for (let i = 0; i < bytes.length; i += Math.min(chunkSize, bytes.length))
    tokenizer.write(bytes.subarray(i, i + chunkSize));
  tokenizer.end();
  return recorder.tokens;
}

function syntaxError(xml: string, chunkSize = Infinity): XmlSyntaxError {
  try {
    tokenize(xml, chunkSize);
  } catch (error) {
    expect(error).toBeInstanceOf(XmlSyntaxError);
    return error as XmlSyntaxError;
  }
  throw new Error('expected an XmlSyntaxError');
}

/** The same document through saxes, as the reference. */
function tokenizeWithSaxes(xml: string): Token[] {
  const recorder: Token[] = [];
  const parser = new SaxesParser({ xmlns: false });
  const text = (t: string): void => {
    const last = recorder[recorder.length - 1];
    if (last?.[0] === 'text') last[1] += t;
    else recorder.push(['text', t]);
  };
  parser.on('opentag', (tag) => recorder.push(['open', tag.name, { ...(tag.attributes as Record<string, string>) }]));
  parser.on('closetag', (tag) => recorder.push(['close', tag.name]));
  parser.on('text', text);
  parser.on('cdata', text);
  parser.write(xml).close();
  // saxes reports white space outside the root element; the tokenizer does not.
  while (recorder[0]?.[0] === 'text') recorder.shift();
  while (recorder[recorder.length - 1]?.[0] === 'text') recorder.pop();
  return recorder;
}

const SAMPLE =
  '<?xml version="1.0" encoding="UTF-8"?>\r\n<!-- a comment -->\n<root a="1" b=\'two\'>' +
  '<name first = "Zoë" last="Åström &amp; &#x1F600; &#233;"/>' +
  '<v>x &lt; y &gt; z &quot;q&quot; &apos;a&apos; &#9;&#x41;</v><?pi data?>' +
  '<c><![CDATA[<not> &amp; a tag]]></c>\r\n  <w>日本語 ✓ 𝄞</w></root>\n';

describe('XmlTokenizer', () => {
  it('decodes the five predefined entities and decimal and hexadecimal character references', () => {
    const tokens = tokenize(SAMPLE);
    expect(tokens).toContainEqual(['open', 'name', { first: 'Zoë', last: 'Åström & 😀 é' }]);
    expect(tokens).toContainEqual(['text', `x < y > z "q" 'a' \tA`]);
  });

  it('reads CDATA as text and skips comments and processing instructions', () => {
    const tokens = tokenize(SAMPLE);
    expect(tokens).toContainEqual(['text', '<not> &amp; a tag']);
    expect(JSON.stringify(tokens)).not.toMatch(/comment|pi data/);
  });

  it('accepts single- and double-quoted attributes and normalises white space in attribute values', () => {
    expect(tokenize(`<r a='say "hi"' b="it's" c = "x\ty\r\nz" d="&#10;"/>`)).toEqual([
      ['open', 'r', { a: 'say "hi"', b: "it's", c: 'x y z', d: '\n' }],
      ['close', 'r'],
    ]);
  });

  it('normalises CR LF and lone CR line ends in text to LF', () => {
    expect(tokenize('<r>a\r\nb\rc</r>')).toEqual([
      ['open', 'r', {}],
      ['text', 'a\nb\nc'],
      ['close', 'r'],
    ]);
  });

  it('gives identical tokens for 1-byte, 7-byte and whole chunks, whatever they split', () => {
    const whole = tokenize(SAMPLE);
    expect(tokenize(SAMPLE, 1)).toEqual(whole);
    expect(tokenize(SAMPLE, 7)).toEqual(whole);
    expect(tokenize(SAMPLE, 2)).toEqual(whole);
  });

  it('agrees with saxes on the sample and on the csexport fixtures', async () => {
    expect(tokenize(SAMPLE, 3)).toEqual(tokenizeWithSaxes(SAMPLE));
    for (const name of ['ms-tower-pretty.xml', 'ms-tower-single-line.xml', 'csexport-all.golden.xml']) {
      const xml = await readFixture(name);
      expect(tokenize(xml, 5)).toEqual(tokenizeWithSaxes(xml));
    }
  });

  it('strips a byte order mark', () => {
    expect(tokenize('\ufeff<?xml version="1.0"?><r/>')).toEqual([
      ['open', 'r', {}],
      ['close', 'r'],
    ]);
  });

  it('refuses DOCTYPE and ENTITY declarations at their line and column', () => {
    const doctype = syntaxError('<?xml version="1.0"?>\n  <!DOCTYPE r [<!ENTITY x "y">]><r>&x;</r>', 4);
    expect(doctype.message).toMatch(/DOCTYPE declarations are not accepted/);
    expect([doctype.line, doctype.column]).toEqual([2, 3]);
    expect(syntaxError('<r><!ENTITY x "y"></r>').message).toMatch(/entity declarations are not accepted/);
  });

  it('refuses undefined entities instead of expanding them', () => {
    const error = syntaxError('<r>\n  ok &lol9; </r>');
    expect(error.message).toMatch(/undefined entity &lol9;/);
    expect([error.line, error.column]).toEqual([2, 6]);
    expect(syntaxError('<r a="&constructor;"/>').message).toMatch(/undefined entity/);
    expect(syntaxError('<r>&#0;</r>').message).toMatch(/not a character XML 1.0 allows/);
    expect(syntaxError('<r>&amp</r>').message).toMatch(/without ';'/);
  });

  it.each([
    ['<r>\n<a></b></r>', /mismatched end tag <\/b>, expected <\/a>/, 2, 4],
    ['<r><a>', /unclosed element <a>/, 1, 7],
    ['<r a=1/>', /must be quoted/, 1, 6],
    ['<r a/>', /has no value/, 1, 5],
    ['<r a="1"b="2"/>', /separated by whitespace/, 1, 9],
    ['<r a="1" a="2"/>', /duplicate attribute "a"/, 1, 10],
    ['<r a="x<y"/>', /'<' in the value of attribute "a"/, 1, 8],
    ['<r></r>\n<s/>', /a second root element <s>/, 2, 1],
    ['text<r/>', /text before the root element/, 1, 1],
    ['<r/>\n tail', /text after the root element/, 2, 2],
    ['<r/><![CDATA[x]]>', /CDATA section outside the root element/, 1, 5],
    [' <?xml version="1.0"?><r/>', /XML declaration is allowed only at the very start/, 1, 2],
    ['<r><!-- a -- b --></r>', /'--' inside a comment/, 1, 11],
    ['<r><1/></r>', /unexpected character "1" after '<'/, 1, 5],
    ['<r></r', /unexpected end of input inside an end tag/, 1, 4],
    ['', /no root element/, 1, 1],
  ])('reports %j with line and column', (xml, message, line, column) => {
    for (const chunkSize of [1, 7, Infinity]) {
      const error = syntaxError(xml, chunkSize);
      expect(error.reason).toMatch(message);
      expect([error.line, error.column]).toEqual([line, column]);
      expect(error.message).toBe(`line ${line}, column ${column}: ${error.reason}`);
    }
  });
});
