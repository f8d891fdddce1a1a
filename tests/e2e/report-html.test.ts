// The HTML report in headless Chromium at a laptop width (1280 px): no table or dedup card makes the page scroll
// sideways, and the dedup review shows one card per cluster with the winning value per field ticked.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { renderHtml } from '../../scripts/lib/render/html.ts';
import { clusterBlock } from '../../scripts/lib/render/dedupReview.ts';
import type { ReportDoc } from '../../scripts/lib/render/doc.ts';

const LONG = 'x'.repeat(180);
const fields = ['FirstName', 'LastName', 'Email', 'Company', 'Website', 'Title', 'Street'];
const ids = [
  '00Q8a0000000001EAA',
  '00Q8a0000000002EAA',
  '00Q8a0000000003EAA',
  '00Q8a0000000004EAA',
  '00Q8a0000000005EAA',
];
const values = Object.fromEntries(
  ids.map((id, i) => [
    id,
    {
      FirstName: i === 1 ? 'Dave' : 'David',
      LastName: 'Wright',
      Email: `david.wright.${i}@alcal-robotics-international-holdings.example.com`,
      Company: 'Alcal Robotics International Holdings GmbH & Co. KG',
      Website: i === 2 ? `https://alcal.example.com/${LONG}` : null,
      Title: 'Director',
      Street: `${i + 1} Long Street ${LONG}`,
    },
  ]),
);
const review = {
  fields,
  values,
  clusters: [
    {
      survivorId: ids[0],
      memberIds: ids,
      score: 0.97,
      reasons: ['same email domain', 'name match'],
      winners: {
        FirstName: { value: 'David', fromId: ids[0] },
        LastName: { value: 'Wright', fromId: ids[0] },
        Email: { value: values[ids[0]].Email, fromId: ids[0] },
        Company: { value: values[ids[0]].Company, fromId: ids[0] },
        Website: { value: values[ids[2]].Website, fromId: ids[2] },
        Title: { value: 'Director', fromId: ids[0] },
        Street: { value: values[ids[0]].Street, fromId: ids[0] },
      },
    },
  ],
};
const DOC: ReportDoc = {
  title: 'Duplicates: Lead',
  sections: [
    {
      title: 'Wide table',
      blocks: [
        {
          kind: 'table',
          columns: Array.from({ length: 14 }, (_, i) => `column number ${i + 1}`),
          rows: [Array.from({ length: 14 }, (_, i) => (i === 3 ? LONG : `value ${i}`))],
          rowStatus: ['bad'],
        },
      ],
    },
    {
      title: 'Review: one card per cluster',
      blocks: [clusterBlock(review, (f) => ({ FirstName: 'First Name', LastName: 'Last Name' })[f] ?? f)],
    },
  ],
};

let browser: Browser;
beforeAll(async () => {
  browser = await chromium.launch({
    executablePath: process.env.REVOPS_CHROMIUM ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox'],
  });
});
afterAll(async () => browser?.close());

describe('HTML report in Chromium at 1280 px', () => {
  it('never scrolls sideways; the dedup card puts records side by side and ticks the winning values', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'revops-html-')), 'report.html');
    writeFileSync(file, renderHtml([DOC], 'x', { instanceUrl: 'https://acme.my.salesforce.com' }));
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(pathToFileURL(file).href);
    const { scroll, client } = await page.evaluate(() => ({
      scroll: document.documentElement.scrollWidth,
      client: document.documentElement.clientWidth,
    }));
    expect(scroll).toBeLessThanOrEqual(client);
    expect(await page.locator('.card').count()).toBe(1);
    expect(await page.locator('.card').innerText()).toContain(
      'C1 · David Wright, Alcal Robotics International Holdings GmbH & Co. KG',
    );
    // 5 records + field + merged columns, a row per field
    expect(await page.locator('.card tr').first().locator('th').count()).toBe(7);
    expect(await page.locator('.card th[scope=row]').allInnerTexts()).toEqual([
      'First Name',
      'Last Name',
      ...fields.slice(2),
    ]);
    // the winning cells: 6 fields from the survivor, the website from the third record
    const wins = page.locator('.card td.win');
    expect(await wins.count()).toBe(7);
    expect(await wins.nth(4).innerText()).toMatch(/^✓ https:\/\/alcal\.example\.com/);
    expect(
      await page.locator('.card a[href="https://acme.my.salesforce.com/00Q8a0000000001EAA"]').count(),
    ).toBe(1);
    expect(await page.locator('tr.bad .st.bad').innerText()).toMatch(/off target/i);
    const box = await page.locator('.card').boundingBox();
    expect(box!.x + box!.width).toBeLessThanOrEqual(1280);
    await page.close();
  });
});
