/**
 * Escaping shared by the report writers: XML text and attributes, CSV cells (RFC 4180 with formula
 * neutralisation), multi-value cells, JSON embedded in HTML, and HTML text.
 */

// Characters XML 1.0 cannot carry at all (§2.2 Char), and lone surrogates, which UTF-8 cannot encode.
const XML_NEEDS_WORK = /[&<>"\u0000-\u001f\ud800-\udfff\ufffe\uffff]/;
const REPLACEMENT = '\ufffd';

/**
 * Escapes text for XML content or a double-quoted attribute: `& < > "` become entities, tab, LF and
 * CR become character references (`&#9;` `&#10;` `&#13;`, so the document stays on one line and
 * attribute values survive normalisation), and characters XML 1.0 cannot carry (C0 controls other
 * than tab/LF/CR, U+FFFE, U+FFFF, lone surrogates) are replaced by U+FFFD. The replacement is lossy
 * by necessity: no XML 1.0 parser would accept them in any form.
 */
export function escapeXml(text: string): string {
  if (!XML_NEEDS_WORK.test(text)) return text;
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code >= 0xd800 && code <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        out += text[i]! + text[i + 1]!;
        i++;
      } else out += REPLACEMENT;
      continue;
    }
    out += escapeXmlUnit(code, text[i]!);
  }
  return out;
}

function escapeXmlUnit(code: number, char: string): string {
  switch (code) {
    case 0x26:
      return '&amp;';
    case 0x3c:
      return '&lt;';
    case 0x3e:
      return '&gt;';
    case 0x22:
      return '&quot;';
    case 0x09:
      return '&#9;';
    case 0x0a:
      return '&#10;';
    case 0x0d:
      return '&#13;';
    default:
      if (code < 0x20 || (code >= 0xdc00 && code <= 0xdfff) || code === 0xfffe || code === 0xffff) return REPLACEMENT;
      return char;
  }
}

const CSV_NEEDS_QUOTES = /[",\r\n]/;
const FORMULA_START = /^[=+\-@\t\r]/;
/** Either of the two above: one test decides for most cells. */
const CSV_NEEDS_WORK = /^[=+\-@\t\r]|[",\r\n]/;

/**
 * Makes a cell inert for spreadsheets (OWASP "CSV injection"): a value starting with `=`, `+`, `-`,
 * `@`, tab or CR gets a leading single quote. Negative numbers are therefore shown as `'-5`.
 */
export function neutraliseFormula(text: string): string {
  return FORMULA_START.test(text) ? "'" + text : text;
}

/** One RFC 4180 cell, quoted only when needed, formula-neutralised. */
export function csvCell(text: string): string {
  if (!CSV_NEEDS_WORK.test(text)) return text;
  const safe = neutraliseFormula(text);
  return CSV_NEEDS_QUOTES.test(safe) ? '"' + safe.replace(/"/g, '""') + '"' : safe;
}

/** One cell always quoted (PowerShell `Export-Csv` style), formula-neutralised. */
export function csvQuotedCell(text: string): string {
  return '"' + neutraliseFormula(text).replace(/"/g, '""') + '"';
}

/** A CSV record (RFC 4180: CRLF line ending). */
export function csvRow(cells: readonly string[], quoteAll = false): string {
  const cell = quoteAll ? csvQuotedCell : csvCell;
  let row = '';
  for (let i = 0; i < cells.length; i++) row += (i === 0 ? '' : ',') + cell(cells[i]!);
  return row + '\r\n';
}

/**
 * Joins several values into one cell with `;`. A `;` or `\` inside a value is escaped with a
 * backslash (`a\;b`), so the list splits back unambiguously.
 */
export function joinValues(values: readonly string[]): string {
  return values.map((v) => (/[;\\]/.test(v) ? v.replace(/[;\\]/g, '\\$&') : v)).join(';');
}

/** Escapes text for HTML content and double-quoted attributes. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * JSON safe to place inside an HTML `<script type="application/json">` block: `<`, `>`, `&` and
 * U+2028/U+2029 are written as `\uXXXX`, so no `</script>` or comment opener can appear.
 */
export function jsonForHtml(data: unknown): string {
  return JSON.stringify(data).replace(
    /[<>&\u2028\u2029]/g,
    (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'),
  );
}
