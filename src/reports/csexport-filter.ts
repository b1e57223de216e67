import type { CsQuery } from '../core/state-store.js';
import { ReportInputError } from './report-input-error.js';

/** Which parts of each object csexport writes (`/o:` letters). */
export interface CsExportParts {
  /** `e`: import and export error details. */
  readonly errors: boolean;
  /** `b`: the synchronized hologram ("the hologram"). */
  readonly synchronizedHologram: boolean;
  /** `h`: every hologram of the tower (includes the synchronized one). */
  readonly holograms: boolean;
  /** `d`: every delta of the tower. */
  readonly deltas: boolean;
  /** `p`: password history; idsync keeps none, so nothing is written for it. */
  readonly passwordHistory: boolean;
}

/** All parts, as csexport writes without `/o`. */
export const ALL_CSEXPORT_PARTS: CsExportParts = Object.freeze({
  errors: true,
  synchronizedHologram: true,
  holograms: true,
  deltas: true,
  passwordHistory: true,
});

/** A parsed csexport filter: a store query, or one object by CS object GUID (upper-case, no braces). */
export type CsExportFilter = { readonly query: CsQuery } | { readonly guid: string };

const FILTER_ACCEPTS =
  'accepted: x (pending exports), e (export errors), i (import errors), m (pending imports), ' +
  's (disconnectors), d=<DN or anchor>, g=<GUID>, or Microsoft\'s /f:x, /f:d="CN=..."';

const LETTER_QUERIES: Readonly<Record<string, CsQuery>> = {
  x: { hasPendingExport: true },
  e: { hasExportError: true },
  i: { hasImportError: true },
  m: { hasPendingImport: true },
  s: { isConnector: false },
};

const GUID = /^\{?([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\}?$/i;

/**
 * Parses a csexport filter (`--filter` / `/f`): `x|e|i|m|s`, `d=<DN or anchor>`, `g=<GUID>` (braces
 * optional, any case), with or without Microsoft's `/f:` or `/f` prefix, values optionally in double
 * quotes. `d=` yields `{ query: { dn } }`; the caller tries the value as a DN, then as an anchor.
 * Throws `ReportInputError` naming `--filter` and what it accepts.
 */
export function parseCsExportFilter(text: string): CsExportFilter {
  const body = text.trim().replace(/^\/f:?/i, '');
  const letter = LETTER_QUERIES[body.toLowerCase()];
  if (letter) return { query: letter };
  const match = /^([a-z])\s*=\s*(.*)$/is.exec(body);
  if (match) {
    const kind = match[1]!.toLowerCase();
    const value = unquote(match[2]!);
    if (kind === 'd' && value !== '') return { query: { dn: value } };
    if (kind === 'g') {
      const guid = GUID.exec(value);
      if (guid) return { guid: guid[1]!.toUpperCase() };
      throw new ReportInputError(
        `--filter: "${value}" is not a GUID (expected e.g. {0D1C2B3A-4958-6776-8594-A3B2C1D0E0F1})`,
        {
          argument: '--filter',
        },
      );
    }
    if (kind === 'r')
      throw new ReportInputError(`--filter: r="rdn" is not supported; ${FILTER_ACCEPTS}`, { argument: '--filter' });
  }
  throw new ReportInputError(`--filter: "${text}" is not a csexport filter; ${FILTER_ACCEPTS}`, {
    argument: '--filter',
  });
}

function unquote(value: string): string {
  const trimmed = value.trim();
  return trimmed.length >= 2 && trimmed.startsWith('"') && trimmed.endsWith('"') ? trimmed.slice(1, -1) : trimmed;
}

const PART_LETTERS: Readonly<Record<string, keyof CsExportParts>> = {
  e: 'errors',
  b: 'synchronizedHologram',
  h: 'holograms',
  d: 'deltas',
  p: 'passwordHistory',
};

/**
 * Parses csexport parts (`--parts` / `/o`): letters from `e b h d p`, comma-separated (`e,b,h`) or
 * run together (`ehd`), with or without Microsoft's `/o:` prefix. Throws `ReportInputError` naming
 * `--parts` on an unknown letter or an empty list.
 */
export function parseCsExportParts(text: string): CsExportParts {
  const letters = text
    .trim()
    .replace(/^\/o:?/i, '')
    .replace(/[\s,]+/g, '')
    .toLowerCase();
  const parts: Record<keyof CsExportParts, boolean> = {
    errors: false,
    synchronizedHologram: false,
    holograms: false,
    deltas: false,
    passwordHistory: false,
  };
  if (letters === '')
    throw new ReportInputError(`--parts: no parts given; accepted: letters e,b,h,d,p (e.g. ehd or /o:ehd)`, {
      argument: '--parts',
    });
  for (const letter of letters) {
    const key = PART_LETTERS[letter];
    if (!key) {
      throw new ReportInputError(
        `--parts: "${letter}" in "${text}" is not a part; accepted: e (errors), b (synchronized hologram), ` +
          'h (all holograms), d (all deltas), p (password history), e.g. e,b,h,d,p or ehd or /o:ehd',
        { argument: '--parts' },
      );
    }
    parts[key] = true;
  }
  return parts;
}
