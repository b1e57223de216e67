import { describe, expect, it } from 'vitest';
import {
  allObjects,
  bobUpdate,
  carolRename,
  Collector,
  danDelete,
  erinErrors,
  expectGolden,
  fromArray,
  hostile,
  staffGroup,
} from '../../test/fixtures/reports/cs-objects.js';
import type { CsObject } from '../core/connector-space.js';
import { parseCsExportParts, type CsExportParts } from './csexport-filter.js';
import { encodeCsExportValue } from './csexport-xml.js';
import { writeCsExport } from './csexport-writer.js';

async function csexport(objects: readonly CsObject[], parts?: CsExportParts): Promise<string> {
  const out = new Collector();
  await writeCsExport(fromArray(objects), out, parts ? { connector: 'cloud', parts } : { connector: 'cloud' });
  return out.text;
}

describe('writeCsExport', () => {
  it('writes every part of every fixture object exactly as the golden file', async () => {
    await expectGolden('csexport-all.golden.xml', await csexport(allObjects));
  });

  it('writes the whole document on one line with no whitespace between elements', async () => {
    const xml = await csexport(allObjects);
    expect(xml).not.toMatch(/[\r\n]/);
    expect(xml).not.toMatch(/>\s+</);
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?><cs-objects><cs-object ')).toBe(true);
  });

  it('resolves with the object count and pending exports by kind', async () => {
    const result = await writeCsExport(fromArray(allObjects), new Collector(), { connector: 'cloud' });
    expect(result).toEqual({ objects: 7, pendingExports: { adds: 3, updates: 1, renames: 1, deletes: 1 } });
  });

  it('writes an empty cs-objects element for no objects', async () => {
    expect(await csexport([])).toBe('<?xml version="1.0" encoding="UTF-8"?><cs-objects></cs-objects>');
  });

  it('writes braced upper-case ids', async () => {
    expect(await csexport([danDelete])).toContain('id="{D0D0D0D0-0000-4000-8000-000000000004}"');
  });

  it('escapes & < > " and replaces control characters XML 1.0 cannot carry with U+FFFD', async () => {
    const xml = await csexport([hostile]);
    expect(xml).toContain('<value>&lt;script&gt;alert(1)&lt;/script&gt;</value>');
    expect(xml).toContain('<value>R&amp;D &quot;Labs&quot; &lt;west&gt;</value>');
    expect(xml).toContain('<value>bell\ufffd tab&#9;line&#10;end</value>');
  });

  it("writes integers as 0x hex of their 64-bit two's complement", () => {
    expect(encodeCsExportValue(-2147483646)).toBe('0xffffffff80000002');
    expect(encodeCsExportValue(512)).toBe('0x200');
    expect(encodeCsExportValue(9223372036854775807n)).toBe('0x7fffffffffffffff');
    expect(encodeCsExportValue(-1n)).toBe('0xffffffffffffffff');
  });

  it('writes binaries as base64 with encoding="base64" and references as dn-attr', async () => {
    const xml = await csexport([staffGroup]);
    expect(xml).toContain(
      '<attr name="objectSid" type="binary" multivalued="false"><value encoding="base64">AQUAAAAAAAUVAAAA/w==</value></attr>',
    );
    expect(xml).toContain(
      '<dn-attr name="member" multivalued="true"><dn-value><dn>CN=Carol,OU=Managers,DC=corp,DC=example</dn></dn-value></dn-attr>',
    );
  });

  it('writes per-value operations inside update deltas and types deleted attributes from the hologram', async () => {
    const xml = await csexport([bobUpdate]);
    expect(xml).toContain(
      '<attr name="proxyAddresses" type="string" multivalued="true" operation="update"><value operation="add">smtp:bq@contoso.com</value><value operation="delete">smtp:bs@contoso.com</value></attr>',
    );
    expect(xml).toContain('<attr name="telephoneNumber" type="string" multivalued="false" operation="delete"></attr>');
  });

  it('writes newdn on a rename', async () => {
    expect(await csexport([carolRename])).toContain(
      '<delta operation="update" dn="CN=Carol,OU=Staff,DC=corp,DC=example" newdn="CN=Carol,OU=Managers,DC=corp,DC=example">',
    );
  });

  it('writes no unapplied-export hologram for a delete', async () => {
    const xml = await csexport([danDelete]);
    expect(xml).toContain('<delta operation="delete" dn="CN={44616E}"><anchor>RGFu</anchor></delta>');
    expect(xml).not.toContain('unapplied-export-hologram');
  });

  it('writes only the synchronized hologram for /o:b', async () => {
    const xml = await csexport([bobUpdate, erinErrors], parseCsExportParts('b'));
    expect(xml).toContain('<synchronized-hologram>');
    expect(xml).not.toMatch(/<unapplied-export>|<escrowed-export|<pending-import|errordetail/);
    expect(xml).not.toContain('unapplied-export-hologram');
  });

  it('writes error details only for /o:e and nothing for password history', async () => {
    const errorsOnly = await csexport([erinErrors], parseCsExportParts('e'));
    expect(errorsOnly).toContain(
      '<export-errordetail><export-status><date-occurred>2025-01-02T00:00:00.000Z</date-occurred>',
    );
    expect(errorsOnly).not.toContain('hologram');
    const passwordOnly = await csexport([erinErrors], parseCsExportParts('p'));
    expect(passwordOnly).not.toMatch(/errordetail|hologram|delta|password/);
  });
});
