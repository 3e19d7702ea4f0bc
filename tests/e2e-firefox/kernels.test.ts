// The int8 kernels' relaxed-SIMD products in Firefox's engine (SpiderMonkey), as tests/e2e/kernels.test.ts
// checks them in Chromium's: one thread and the kernel threads, bit for bit against SIMD128.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer, { type Browser } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIREFOX } from '../e2e/driver/firefox';
import { RELAXED_CHECK_PASSES, serveRelaxedCheck } from '../e2e/kernels/relaxed-check';

let pages: Awaited<ReturnType<typeof serveRelaxedCheck>>;
let browser: Browser;
const profile = mkdtempSync(join(tmpdir(), 'sesame-firefox-kernels-'));

beforeAll(async () => {
  pages = await serveRelaxedCheck();
  browser = await puppeteer.launch({ browser: 'firefox', executablePath: FIREFOX, headless: true, userDataDir: profile });
});

afterAll(async () => {
  await browser?.close();
  await pages?.close();
  rmSync(profile, { recursive: true, force: true });
});

describe('relaxed SIMD in Firefox', () => {
  it('computes the SIMD128 products bit for bit on one thread and on the kernel threads; weights past 7 bits keep SIMD128', async () => {
    const page = await browser.newPage();
    await page.goto(pages.url);
    await page.waitForFunction(() => window.result !== undefined, { timeout: 60_000 });
    expect(await page.evaluate(() => window.result)).toEqual(RELAXED_CHECK_PASSES);
  });
});
