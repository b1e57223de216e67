import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readableOf, readFixture } from '../../test/fixtures/reports/cs-objects.js';
import type { CsExportObject } from './csexport-object.js';
import { readCsExport } from './csexport-reader.js';
import { ReportInputError } from './report-input-error.js';

async function readAll(text: string, chunkSize?: number): Promise<CsExportObject[]> {
  const out: CsExportObject[] = [];
  for await (const object of readCsExport(readableOf(text, chunkSize))) out.push(object);
  return out;
}

async function readError(text: string): Promise<ReportInputError> {
  try {
    await readAll(text);
  } catch (error) {
    expect(error).toBeInstanceOf(ReportInputError);
    return error as ReportInputError;
  }
  throw new Error('expected a ReportInputError');
}

describe('readCsExport', () => {
  it('reads the §1.8 example: add delta, hologram, connector and mv-link', async () => {
    const [jane, ...rest] = await readAll(await readFixture('ms-section-1.8-example.xml'));
    expect(rest).toHaveLength(0);
    expect(jane).toMatchObject({
      id: '{0D1C2B3A-4958-6776-8594-A3B2C1D0E0F1}',
      csDn: 'CN={4C6D49376C5432486D55714F5A3977773644486D41413D3D}',
      objectType: 'user',
      isConnector: true,
      connectorState: 'normal',
      mvLink: '{7A6B5C4D-1111-4222-8333-944455556666}',
      synchronizedHologram: null,
    });
    expect(jane!.unappliedExport).toMatchObject({
      operation: 'add',
      newDn: null,
      primaryObjectClass: 'user',
      objectClasses: ['user'],
    });
    expect(jane!.unappliedExport!.attributes.map((a) => [a.name, a.values.map((v) => v.value)])).toEqual([
      ['accountEnabled', [true]],
      ['displayName', ['Jane Doe']],
      ['proxyAddresses', ['SMTP:jane@contoso.com', 'smtp:jd@contoso.com']],
      ['sourceAnchor', ['LmI7lT2HmUqOZ9ww6DHmAA==']],
      ['userPrincipalName', ['jane@contoso.com']],
    ]);
    expect(jane!.unappliedExportHologram?.attributes).toHaveLength(3);
  });

  it('reads pretty-printed and single-line variants of the same file identically', async () => {
    const pretty = await readAll(await readFixture('ms-tower-pretty.xml'));
    const single = await readAll(await readFixture('ms-tower-single-line.xml'));
    expect(pretty).toHaveLength(4);
    expect(single).toEqual(pretty);
  });

  it('reads value-level adds and deletes of an update and lower-cases attribute types', async () => {
    const [bob] = await readAll(await readFixture('ms-tower-pretty.xml'));
    const proxy = bob!.unappliedExport!.attributes[1]!;
    expect(proxy).toEqual({
      name: 'proxyAddresses',
      type: 'string',
      isMultivalued: true,
      operation: 'update',
      values: [
        { value: 'smtp:jq@contoso.com', operation: 'add' },
        { value: 'smtp:jd@contoso.com', operation: 'delete' },
      ],
    });
    expect(bob!.unappliedExport!.attributes[0]!.type).toBe('string');
    expect(bob!.unappliedExport!.attributes[2]).toMatchObject({
      name: 'telephoneNumber',
      operation: 'delete',
      values: [],
    });
  });

  it('reads a delete that carries only a synchronized hologram', async () => {
    const dan = (await readAll(await readFixture('ms-tower-pretty.xml')))[1]!;
    expect(dan.unappliedExport).toMatchObject({ operation: 'delete', dn: 'CN={44616E}', attributes: [] });
    expect(dan.unappliedExportHologram).toBeNull();
    expect(dan.synchronizedHologram?.attributes.map((a) => a.name)).toContain('userPrincipalName');
    expect(dan.isConnector).toBe(false);
  });

  it('reads dn-attr references, hex integers and base64 binaries back into values', async () => {
    const staff = (await readAll(await readFixture('ms-tower-pretty.xml')))[2]!;
    const [member, groupType, cached, sid] = staff.unappliedExport!.attributes;
    expect(member).toEqual({
      name: 'member',
      type: 'reference',
      isMultivalued: true,
      operation: 'update',
      values: [
        { value: { ref: 'CN=Carol,OU=Managers,DC=corp,DC=example' }, operation: 'add' },
        { value: { ref: 'CN=Dave,OU=Staff,DC=corp,DC=example' }, operation: 'delete' },
      ],
    });
    expect(groupType!.values[0]!.value).toBe(-2147483646);
    expect(cached!.values[0]!.value).toBe(9223372036854775807n);
    expect(sid!.values[0]!.value).toEqual(new Uint8Array([1, 5, 0, 0, 0, 0, 0, 5, 21, 0, 0, 0, 255]));
  });

  it('reads a rename newdn and an export error detail', async () => {
    const carol = (await readAll(await readFixture('ms-tower-pretty.xml')))[3]!;
    expect(carol.unappliedExport).toMatchObject({
      operation: 'update',
      newDn: 'CN=Carol,OU=Managers,DC=corp,DC=example',
    });
    expect(carol.exportError).toEqual({
      type: 'cd-error',
      code: '0x80072030',
      name: 'NoSuchObject',
      literal: 'There is no such object on the server.',
      detail: null,
      dateOccurred: '2025-01-02 00:00:00.000',
      firstOccurred: '2025-01-01 00:00:00.000',
      retryCount: 3,
    });
  });

  it('decodes multi-byte characters split across input chunks and entity references', async () => {
    const xml = '<cs-objects><cs-object cs-dn="CN=Zoë &amp; Åsa" id="{1}" object-type="user"></cs-object></cs-objects>';
    const [object] = await readAll(xml, 3);
    expect(object!.csDn).toBe('CN=Zoë & Åsa');
  });

  it('yields objects one at a time while the input is still streaming', async () => {
    const input = new Readable({ read() {} });
    input.push('<cs-objects><cs-object cs-dn="CN=A" id="{1}" object-type="user"></cs-object>');
    const iterator = readCsExport(input)[Symbol.asyncIterator]();
    const first = await iterator.next();
    expect(first.value?.csDn).toBe('CN=A');
    input.push('</cs-objects>');
    input.push(null);
    expect((await iterator.next()).done).toBe(true);
  });

  it('rejects an XXE attempt without reading the external entity', async () => {
    const error = await readError(
      '<?xml version="1.0"?>\n<!DOCTYPE cs-objects [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n<cs-objects><cs-object cs-dn="&xxe;" id="{1}" object-type="user"/></cs-objects>',
    );
    expect(error.message).toMatch(/DOCTYPE declarations are not accepted/);
    expect(error.message).not.toContain('root:');
    expect(error.line).toBe(2);
  });

  it('rejects a billion-laughs attempt without expanding entities', async () => {
    const entities = ['<!ENTITY lol "lol">'];
    for (let i = 1; i <= 9; i++) entities.push(`<!ENTITY lol${i} "${`&lol${i === 1 ? '' : i - 1};`.repeat(10)}">`);
    const error = await readError(
      `<!DOCTYPE lolz [${entities.join('')}]><cs-objects><cs-object cs-dn="&lol9;" id="{1}"/></cs-objects>`,
    );
    expect(error.message).toMatch(/DOCTYPE declarations are not accepted/);
  });

  it('rejects an undefined entity reference', async () => {
    const error = await readError('<cs-objects><cs-object cs-dn="&lol9;" id="{1}"/></cs-objects>');
    expect(error.message).toMatch(/line 1, column \d+: .*entity/i);
  });

  it('reports malformed XML with its line and column', async () => {
    const error = await readError(
      '<cs-objects>\n<cs-object cs-dn="CN=A" id="{1}">\n  <connector>1</connectr>\n</cs-object></cs-objects>',
    );
    expect(error.line).toBe(3);
    expect(error.column).toBeGreaterThan(0);
    expect(error.message).toMatch(/^csexport XML, line 3, column \d+: /);
  });

  it('reports a truncated file', async () => {
    const error = await readError('<cs-objects><cs-object cs-dn="CN=A" id="{1}">');
    expect(error.message).toMatch(/unclosed|end/i);
  });

  it('rejects a document whose root is not cs-objects', async () => {
    const error = await readError('<?xml version="1.0"?><html><body/></html>');
    expect(error.message).toMatch(/root element is <html>, expected <cs-objects>/);
  });
});
