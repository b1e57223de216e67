import type { LdifAttributeValue, LdifRecord, LdifValue } from './ldif-record.js';

/** RFC 2849 recommends lines of at most 76 characters; longer ones are folded. */
export const LDIF_LINE_WIDTH = 76;

/**
 * True when a text value may be written as `attr: value` (RFC 2849 SAFE-STRING), and is also free of
 * control characters and a trailing space, which RFC 2849 §"Notes" says should be base64-encoded.
 */
export function isSafeLdifString(value: string): boolean {
  if (value === '') return true;
  const first = value.charCodeAt(0);
  if (first === 0x20 || first === 0x3a || first === 0x3c) return false;
  if (value.charCodeAt(value.length - 1) === 0x20) return false;
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code < 0x20 || code > 0x7e) return false;
  }
  return true;
}

/** Folds a line at `LDIF_LINE_WIDTH` columns; continuation lines start with one space. */
export function foldLdifLine(line: string): string {
  if (line.length <= LDIF_LINE_WIDTH) return line;
  const parts = [line.slice(0, LDIF_LINE_WIDTH)];
  for (let i = LDIF_LINE_WIDTH; i < line.length; i += LDIF_LINE_WIDTH - 1) {
    parts.push(' ' + line.slice(i, i + LDIF_LINE_WIDTH - 1));
  }
  return parts.join('\n');
}

/** Renders one `name: value` or `name:: base64` line (folded, without the final newline). */
export function renderLdifLine(name: string, value: LdifValue): string {
  if (typeof value === 'string' && isSafeLdifString(value)) {
    return foldLdifLine(value === '' ? `${name}:` : `${name}: ${value}`);
  }
  const bytes =
    typeof value === 'string'
      ? Buffer.from(value, 'utf8')
      : Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  return foldLdifLine(`${name}:: ${bytes.toString('base64')}`);
}

function attributeLines(attributes: readonly LdifAttributeValue[]): string[] {
  return attributes.map((a) => renderLdifLine([a.name, ...a.options].join(';'), a.value));
}

/** Renders an LDIF record (content or change record), ending with a newline and no blank line. */
export function renderLdifRecord(record: LdifRecord): string {
  const lines = [renderLdifLine('dn', record.dn)];
  if (record.kind !== 'content') {
    for (const control of record.controls) {
      // The control's value-spec follows the criticality directly: "control: 1.2.3 true:: AAEC".
      const head = `control: ${control.type}${control.isCritical ? ' true' : ''}`;
      lines.push(control.value === undefined ? head : renderLdifLine(head, control.value));
    }
    lines.push(`changetype: ${record.kind === 'modrdn' ? record.changetype : record.kind}`);
  }
  switch (record.kind) {
    case 'content':
    case 'add':
      lines.push(...attributeLines(record.attributes));
      break;
    case 'delete':
      break;
    case 'modify':
      for (const mod of record.modifications) {
        const description = [mod.name, ...mod.options].join(';');
        lines.push(`${mod.operation}: ${description}`);
        lines.push(...mod.values.map((v) => renderLdifLine(description, v)), '-');
      }
      break;
    case 'modrdn':
      lines.push(renderLdifLine('newrdn', record.newRdn), `deleteoldrdn: ${record.deleteOldRdn ? '1' : '0'}`);
      if (record.newSuperior !== undefined) lines.push(renderLdifLine('newsuperior', record.newSuperior));
      break;
  }
  return lines.join('\n') + '\n';
}
