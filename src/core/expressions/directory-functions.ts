import { escapeDnValue } from '../dn.js';
import { toIndex, toText } from './coerce.js';
import { invalid } from './errors.js';
import type { Scalar } from './eval-value.js';
import { mapped, type FunctionSpec } from './function-spec.js';

/** DN functions (Microsoft's "Directory" group). */

interface Component {
  readonly type: string;
  /** The value as written in the DN, escapes kept (the stock rule searches it for `\0ACNF:`). */
  readonly value: string;
}

/** Splits a DN at unescaped commas into `type=value` components, keeping each value's escapes. */
function components(dn: string): Component[] {
  const out: Component[] = [];
  let start = 0;
  for (let i = 0; i <= dn.length; i++) {
    const ch = dn[i];
    if (ch === '\\') {
      i++;
    } else if (ch === ',' || i === dn.length) {
      const part = dn.slice(start, i);
      const eq = part.indexOf('=');
      if (part.trim() !== '') {
        out.push({ type: part.slice(0, Math.max(eq, 0)).trim(), value: part.slice(eq + 1).trim() });
      }
      start = i + 1;
    }
  }
  return out;
}

function dnComponent(args: readonly Scalar[]): string | null {
  const parts = components(toText(args[0] as Scalar, 'DNComponent'));
  return parts[toIndex(args[1] as Scalar, 'DNComponent') - 1]?.value ?? null;
}

/** DNComponentRev(dn, n [, "DC"]): counted from the right; with DC, `dc=` components are skipped. */
function dnComponentRev(args: readonly Scalar[]): string | null {
  let parts = components(toText(args[0] as Scalar, 'DNComponentRev')).reverse();
  if (args.length > 2) {
    const option = toText(args[2] as Scalar, 'DNComponentRev');
    if (option.toUpperCase() !== 'DC')
      throw invalid('DNComponentRev', `unknown option "${option}" (only DC is defined)`);
    parts = parts.filter((p) => p.type.toLowerCase() !== 'dc');
  }
  return parts[toIndex(args[1] as Scalar, 'DNComponentRev') - 1]?.value ?? null;
}

const RDN_TYPE_PREFIX = /^([A-Za-z][A-Za-z0-9-]*|\d+(?:\.\d+)*)=/;

/**
 * EscapeDNComponent("cn=" & [displayName]): escapes the value for a DN per RFC 4514 §2.4. A leading
 * `type=` (as in Microsoft's example) is kept as it is; only the value after it is escaped.
 */
function escapeDnComponent(args: readonly Scalar[]): string {
  const text = toText(args[0] as Scalar, 'EscapeDNComponent');
  const prefix = RDN_TYPE_PREFIX.exec(text)?.[0] ?? '';
  return prefix + escapeDnValue(text.slice(prefix.length));
}

export const DIRECTORY_FUNCTIONS: readonly FunctionSpec[] = [
  mapped('DNComponent', 2, 2, dnComponent),
  mapped('DNComponentRev', 2, 3, dnComponentRev),
  mapped('EscapeDNComponent', 1, 1, escapeDnComponent),
];
