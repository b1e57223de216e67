import { describe, expect, it } from 'vitest';
import { CsvParser, parseCsv, type CsvItem } from './csv-parser.js';
import { renderCsvRow } from './csv-writer.js';

const rows = (items: readonly CsvItem[]): (readonly string[])[] =>
  items.flatMap((i) => (i.kind === 'row' ? [i.fields] : []));

describe('CsvParser', () => {
  it('reads quoted fields with delimiters, doubled quotes and line breaks', () => {
    const items = parseCsv('a,b,c\r\n"x,1","say ""hi""","two\nlines"\r\nlast,,\r\n');
    expect(rows(items)).toEqual([
      ['a', 'b', 'c'],
      ['x,1', 'say "hi"', 'two\nlines'],
      ['last', '', ''],
    ]);
    expect(items.map((i) => i.line)).toEqual([1, 2, 4]);
  });

  it('keeps the raw text of each row', () => {
    expect(parseCsv('a,"b\nc"\nd,e').map((i) => i.raw)).toEqual(['a,"b\nc"\n', 'd,e']);
  });

  it('uses a configurable delimiter', () => {
    expect(rows(parseCsv('a;b\n"1;2";3\n', ';'))).toEqual([
      ['a', 'b'],
      ['1;2', '3'],
    ]);
  });

  it('gives the same rows whatever the chunk boundaries', () => {
    const text = 'h1,h2\r\n"a ""q"" b","x\r\ny"\r\nplain,"z"\r\n';
    const parser = new CsvParser();
    const items = [...[...text].flatMap((ch) => parser.push(ch)), ...parser.end()];
    expect(rows(items)).toEqual(rows(parseCsv(text)));
  });

  it('reports an unterminated quote on its line and resumes on the next line', () => {
    const items = parseCsv('h1,h2\nok,1\n"broken,2\nafter,3\n');
    expect(items.map((i) => (i.kind === 'row' ? i.fields.join('|') : `error@${i.line}: ${i.message}`))).toEqual([
      'h1|h2',
      'ok|1',
      'error@3: line 3: unterminated quoted field',
      'after|3',
    ]);
  });

  it('reports stray quotes and text after a closing quote as row errors and continues', () => {
    const items = parseCsv('a,b"c\n"x"y,z\nfine,row\n');
    expect(items.map((i) => i.kind)).toEqual(['error', 'error', 'row']);
    expect(items[0]).toMatchObject({ line: 1, message: 'line 1: quote inside an unquoted field' });
    expect(items[1]).toMatchObject({ line: 2, message: 'line 2: unexpected character after a closing quote' });
    expect(items[2]).toMatchObject({ line: 3, fields: ['fine', 'row'] });
  });

  it('skips blank lines', () => {
    expect(rows(parseCsv('a\n\n\nb\n'))).toEqual([['a'], ['b']]);
  });
});

describe('renderCsvRow', () => {
  it('round-trips hostile values through the parser', () => {
    const fields = [
      '=cmd|x',
      '+1',
      '-2',
      '@sum',
      'a,b',
      'quote"d',
      'multi\nline',
      ' spaced ',
      '',
      'CN=Doe\\, Jane,OU=x',
    ];
    expect(rows(parseCsv(renderCsvRow(fields)))).toEqual([fields]);
  });

  it('does not neutralize formula-like values in directory files', () => {
    expect(renderCsvRow(['=1+2', '@x'])).toBe('=1+2,@x\r\n');
  });

  it('quotes a row of one empty field so that it is not a blank line', () => {
    expect(rows(parseCsv('h\n' + renderCsvRow([''])))).toEqual([['h'], ['']]);
  });
});
