/** True when a CSV field must be quoted: it holds the delimiter, a quote or a line break. */
function needsQuotes(field: string, delimiter: string): boolean {
  return field.includes(delimiter) || field.includes('"') || field.includes('\n') || field.includes('\r');
}

/**
 * Renders one RFC 4180 row, ending with `newline`. Fields are written as they are: directory files
 * are data, so values starting with `=`, `+`, `-` or `@` are not neutralized (that is for reports).
 */
export function renderCsvRow(fields: readonly string[], delimiter = ',', newline = '\r\n'): string {
  // A row of one empty field would be a blank line, which readers skip: quote it.
  if (fields.length === 1 && fields[0] === '') return '""' + newline;
  const cells = fields.map((f) => (needsQuotes(f, delimiter) ? `"${f.replaceAll('"', '""')}"` : f));
  return cells.join(delimiter) + newline;
}
