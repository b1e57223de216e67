/** What the CSV parser yields, in file order. `raw` is the row's text including its line break. */
export type CsvItem =
  | { readonly kind: 'row'; readonly line: number; readonly fields: readonly string[]; readonly raw: string }
  | { readonly kind: 'error'; readonly line: number; readonly message: string; readonly raw: string };

type State = 'field-start' | 'unquoted' | 'quoted' | 'quote-in-quoted' | 'skip';

/** Rows longer than this inside a quoted field are taken as an unterminated quote. */
const DEFAULT_MAX_ROW_CHARS = 16 * 1024 * 1024;

/**
 * Incremental RFC 4180 parser: quoted fields may hold delimiters, `""` and line breaks; rows end with
 * CRLF or LF; blank lines are skipped. A malformed row becomes an `error` item and parsing resumes on
 * the next line. An unterminated quote (end of file, or a row over `maxRowChars`) is reported on the
 * row's first line and parsing resumes on the line after it, so one stray quote cannot swallow a file.
 */
export class CsvParser {
  private buf = '';
  private pos = 0;
  private rowStart = 0;
  private line = 1;
  private rowLine = 1;
  private state: State = 'field-start';
  private fields: string[] = [];
  private field = '';
  private problem: string | null = null;
  private readonly delimiter: string;

  constructor(
    delimiter = ',',
    private readonly maxRowChars = DEFAULT_MAX_ROW_CHARS,
  ) {
    if (delimiter.length !== 1 || delimiter === '"' || delimiter === '\n' || delimiter === '\r') {
      throw new RangeError(
        `CSV delimiter must be one character other than a quote or line break, got ${JSON.stringify(delimiter)}`,
      );
    }
    this.delimiter = delimiter;
  }

  push(text: string): CsvItem[] {
    this.buf += text;
    const items: CsvItem[] = [];
    this.scan(items, false);
    this.buf = this.buf.slice(this.rowStart);
    this.pos -= this.rowStart;
    this.rowStart = 0;
    return items;
  }

  end(): CsvItem[] {
    const items: CsvItem[] = [];
    this.scan(items, true);
    this.buf = '';
    this.pos = 0;
    this.rowStart = 0;
    return items;
  }

  private scan(items: CsvItem[], isFinal: boolean): void {
    const { delimiter } = this;
    for (;;) {
      const buf = this.buf;
      if (this.state === 'quoted' && this.pos - this.rowStart > this.maxRowChars) {
        this.recoverFromOpenQuote(items, `row longer than ${this.maxRowChars} characters (unterminated quoted field?)`);
        continue;
      }
      if (this.pos >= buf.length) {
        if (!isFinal) return;
        if (this.state === 'quoted') {
          this.recoverFromOpenQuote(items, 'unterminated quoted field');
          continue;
        }
        if (this.pos > this.rowStart) this.endRow(items, this.pos);
        return;
      }
      const c = buf[this.pos] as string;
      switch (this.state) {
        case 'field-start':
        case 'quote-in-quoted':
          if (c === '"') {
            if (this.state === 'quote-in-quoted') this.field += '"';
            this.state = 'quoted';
            this.pos++;
          } else if (c === delimiter) {
            this.fields.push(this.field);
            this.field = '';
            this.state = 'field-start';
            this.pos++;
          } else if (c === '\n' || c === '\r') {
            if (!this.lineBreak(items, isFinal)) return;
          } else if (this.state === 'quote-in-quoted') {
            this.fail(`line ${this.line}: unexpected character after a closing quote`);
          } else {
            this.state = 'unquoted';
          }
          break;
        case 'unquoted': {
          let end = this.pos;
          while (end < buf.length) {
            const d = buf[end];
            if (d === delimiter || d === '\n' || d === '\r' || d === '"') break;
            end++;
          }
          this.field += buf.slice(this.pos, end);
          this.pos = end;
          if (buf[end] === '"') this.fail(`line ${this.line}: quote inside an unquoted field`);
          else if (end < buf.length) this.state = 'field-start';
          break;
        }
        case 'quoted': {
          const quote = buf.indexOf('"', this.pos);
          const end = quote < 0 ? buf.length : quote;
          const segment = buf.slice(this.pos, end);
          this.field += segment;
          for (let nl = segment.indexOf('\n'); nl >= 0; nl = segment.indexOf('\n', nl + 1)) this.line++;
          this.pos = quote < 0 ? end : end + 1;
          if (quote >= 0) this.state = 'quote-in-quoted';
          break;
        }
        case 'skip': {
          const nl = buf.indexOf('\n', this.pos);
          if (nl < 0) {
            this.pos = buf.length;
            break;
          }
          this.pos = nl + 1;
          this.line++;
          this.endRow(items, this.pos);
          break;
        }
      }
    }
  }

  /** Handles CR/LF outside quotes; returns false when it must wait for the next chunk. */
  private lineBreak(items: CsvItem[], isFinal: boolean): boolean {
    const buf = this.buf;
    if (buf[this.pos] === '\r') {
      if (this.pos + 1 >= buf.length && !isFinal) return false;
      if (buf[this.pos + 1] !== '\n') {
        this.fail(`line ${this.line}: carriage return outside quotes`);
        return true;
      }
      this.pos++;
    }
    this.pos++;
    this.line++;
    this.endRow(items, this.pos);
    return true;
  }

  private fail(message: string): void {
    this.problem ??= message;
    this.state = 'skip';
  }

  private endRow(items: CsvItem[], end: number): void {
    const raw = this.buf.slice(this.rowStart, end);
    const isBlank = this.fields.length === 0 && this.field === '' && this.state === 'field-start';
    if (this.problem !== null) items.push({ kind: 'error', line: this.rowLine, message: this.problem, raw });
    else if (!isBlank) items.push({ kind: 'row', line: this.rowLine, fields: [...this.fields, this.field], raw });
    this.resetRow(end);
  }

  private resetRow(start: number): void {
    this.rowStart = start;
    this.pos = start;
    this.rowLine = this.line;
    this.fields = [];
    this.field = '';
    this.problem = null;
    this.state = 'field-start';
  }

  /** Reports the open row on its first line and resumes parsing on the line after it. */
  private recoverFromOpenQuote(items: CsvItem[], problem: string): void {
    const nl = this.buf.indexOf('\n', this.rowStart);
    const end = nl < 0 || nl >= this.pos ? this.buf.length : nl + 1;
    items.push({
      kind: 'error',
      line: this.rowLine,
      message: `line ${this.rowLine}: ${problem}`,
      raw: this.buf.slice(this.rowStart, end),
    });
    this.line = this.rowLine + (nl < 0 || nl >= this.pos ? 0 : 1);
    this.resetRow(end);
  }
}

/** Parses a whole CSV text (tests, single rows). */
export function parseCsv(text: string, delimiter = ','): CsvItem[] {
  const parser = new CsvParser(delimiter);
  return [...parser.push(text), ...parser.end()];
}
