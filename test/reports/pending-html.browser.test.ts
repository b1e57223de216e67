import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writePendingReport } from '../../src/reports/index.js';
import { planPendingRow } from '../../src/reports/pending-rows.js';
import { allObjects, Collector, fromArray, hostile } from '../fixtures/reports/cs-objects.js';

/** Debian's Chromium; IDSYNC_CHROMIUM overrides. A missing browser fails the tests, never skips them. */
const CHROMIUM = process.env.IDSYNC_CHROMIUM ?? '/usr/bin/chromium';

let browser: Browser;
let dir: string;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`headless Chromium not found at ${CHROMIUM}: install it with "apt-get install -y chromium"`);
  }
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  dir = await mkdtemp(join(tmpdir(), 'idsync-html-'));
});

afterAll(async () => {
  await browser?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

interface Loaded {
  readonly page: Page;
  readonly dialogs: string[];
  readonly requests: string[];
  readonly errors: string[];
}

/** Writes the report for `objects` to a file and opens it, recording dialogs, requests and script errors. */
async function open(objects = allObjects): Promise<Loaded> {
  const out = new Collector();
  await writePendingReport(fromArray(objects), out, { format: 'html', connector: 'cloud' });
  const file = join(dir, `report-${objects.length}-${Date.now()}.html`);
  await writeFile(file, out.text);
  const page = await browser.newPage();
  const loaded: Loaded = { page, dialogs: [], requests: [], errors: [] };
  page.on('dialog', (dialog) => {
    loaded.dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  page.on('request', (request) => {
    if (!request.url().startsWith('file:')) loaded.requests.push(request.url());
  });
  page.on('pageerror', (error) => loaded.errors.push(error.message));
  await page.goto(pathToFileURL(file).href);
  await page.waitForSelector('#body tr');
  return loaded;
}

/** What a browser element exposes to these checks (the project compiles without the DOM library). */
interface Rendered {
  readonly innerText: string;
}

const rowTexts = (page: Page): Promise<string[]> =>
  page.$$eval('#body tr', (rows) => rows.map((row) => (row as unknown as Rendered).innerText));

describe('the HTML pending report in headless Chromium', () => {
  it('renders a row per changed attribute of every pending object, the counts, and fetches nothing', async () => {
    const { page, errors, requests } = await open();
    const rows = await rowTexts(page);
    const planned = allObjects.map((o) => planPendingRow(o)).filter((row) => row !== null);
    expect(rows).toHaveLength(planned.reduce((sum, row) => sum + Math.max(1, row.changes.length), 0));
    for (const row of planned) expect(rows.some((text) => text.includes(row.dn))).toBe(true);
    const summary = await page.$eval('#summary', (el) => (el as unknown as Rendered).innerText);
    expect(summary).toMatch(/add\s+3/);
    expect(summary).toMatch(/delete\s+1/);
    expect(errors).toEqual([]);
    expect(requests).toEqual([]);
    await page.close();
  });

  it('shows hostile values as inert text: no script runs, no element is injected', async () => {
    const { page, dialogs, errors } = await open([hostile]);
    const text = (await rowTexts(page)).join('\n');
    expect(text).toContain('<script>alert(1)</script>');
    expect(text).toContain('</script><b>rule</b>');
    expect(dialogs).toEqual([]);
    expect(errors).toEqual([]);
    // Only the report's own three script blocks exist, and no <b> element came from the data.
    expect(await page.$$eval('script', (s) => s.length)).toBe(3);
    expect(await page.$$eval('#body b', (b) => b.length)).toBe(0);
    await page.close();
  });

  it('filters rows as the administrator types', async () => {
    const { page } = await open();
    const before = (await rowTexts(page)).length;
    await page.fill('#filter', 'dan@contoso.com');
    const after = await rowTexts(page);
    expect(after.length).toBeGreaterThan(0);
    expect(after.length).toBeLessThan(before);
    expect(after.every((row) => row.toLowerCase().includes('dan@contoso.com'))).toBe(true);
    await page.close();
  });
});
