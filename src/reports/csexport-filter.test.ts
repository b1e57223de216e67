import { describe, expect, it } from 'vitest';
import { parseCsExportFilter, parseCsExportParts } from './csexport-filter.js';
import { ReportInputError } from './report-input-error.js';

describe('parseCsExportFilter', () => {
  it('maps each letter filter onto a store query', () => {
    expect(parseCsExportFilter('x')).toEqual({ query: { hasPendingExport: true } });
    expect(parseCsExportFilter('e')).toEqual({ query: { hasExportError: true } });
    expect(parseCsExportFilter('i')).toEqual({ query: { hasImportError: true } });
    expect(parseCsExportFilter('m')).toEqual({ query: { hasPendingImport: true } });
    expect(parseCsExportFilter('s')).toEqual({ query: { isConnector: false } });
  });

  it("accepts Microsoft's /f:x and /fx spellings", () => {
    expect(parseCsExportFilter('/f:x')).toEqual({ query: { hasPendingExport: true } });
    expect(parseCsExportFilter('/fX')).toEqual({ query: { hasPendingExport: true } });
  });

  it('takes a DN or anchor from d=, quoted or not', () => {
    expect(parseCsExportFilter('/f:d="CN=Jane Doe,OU=Users,DC=corp"')).toEqual({
      query: { dn: 'CN=Jane Doe,OU=Users,DC=corp' },
    });
    expect(parseCsExportFilter('d=LmI7lT2HmUqOZ9ww6DHmAA==')).toEqual({ query: { dn: 'LmI7lT2HmUqOZ9ww6DHmAA==' } });
  });

  it('normalises g= GUIDs with or without braces in any case', () => {
    const expected = { guid: '0D1C2B3A-4958-6776-8594-A3B2C1D0E0F1' };
    expect(parseCsExportFilter('g={0d1c2b3a-4958-6776-8594-a3b2c1d0e0f1}')).toEqual(expected);
    expect(parseCsExportFilter('/f:g="0D1C2B3A-4958-6776-8594-A3B2C1D0E0F1"')).toEqual(expected);
  });

  it('rejects an unknown filter with a ReportInputError naming --filter and what is accepted', () => {
    const error = (() => {
      try {
        parseCsExportFilter('q');
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ReportInputError);
    expect((error as ReportInputError).argument).toBe('--filter');
    expect((error as Error).message).toMatch(/--filter.*accepted: x \(pending exports\)/);
  });

  it('rejects a malformed GUID and the unsupported r= filter', () => {
    expect(() => parseCsExportFilter('g=not-a-guid')).toThrow(/not a GUID/);
    expect(() => parseCsExportFilter('/f:r="CN=x"')).toThrow(/r="rdn" is not supported/);
  });
});

describe('parseCsExportParts', () => {
  const none = { errors: false, synchronizedHologram: false, holograms: false, deltas: false, passwordHistory: false };

  it('accepts comma-separated, run-together and /o: spellings alike', () => {
    const ehd = { ...none, errors: true, holograms: true, deltas: true };
    expect(parseCsExportParts('e,h,d')).toEqual(ehd);
    expect(parseCsExportParts('ehd')).toEqual(ehd);
    expect(parseCsExportParts('/o:ehd')).toEqual(ehd);
  });

  it('accepts every part letter', () => {
    expect(parseCsExportParts('e,b,h,d,p')).toEqual({
      errors: true,
      synchronizedHologram: true,
      holograms: true,
      deltas: true,
      passwordHistory: true,
    });
  });

  it('rejects an unknown letter or an empty list with a ReportInputError naming --parts', () => {
    expect(() => parseCsExportParts('ehz')).toThrow(ReportInputError);
    expect(() => parseCsExportParts('ehz')).toThrow(/--parts: "z".*accepted: e \(errors\)/);
    expect(() => parseCsExportParts('/o:')).toThrow(/--parts: no parts given/);
  });
});
