// Screenshots of every view for the README and reviews: popup, bubble, practice page, ghost text
// and options, in light and dark colour schemes and in English and Chinese, written to
// docs/screenshots/. Each shot also checks that the view rendered its main content.
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dblclickWord, ghostText, launch, openPopup, type Session, bubbleFrame } from './harness';

const OUT = resolve('docs/screenshots');
const SCHEMES = ['light', 'dark'] as const;
const LANGS = [
  { ui: 'en', page: 'senses.html', target: '#s3', word: 'bank', passage: { file: 'passage.html', selector: '#story' } },
  { ui: 'zh_CN', page: 'senses-zh.html', target: '#z2', word: '银行', passage: { file: 'zh.html', selector: '#z2' } },
] as const;

async function shot(page: Page, name: string, full = false): Promise<void> {
  await page.screenshot({ path: join(OUT, `${name}.png`), fullPage: full });
}

describe('screenshots', () => {
  let s: Session;
  beforeAll(async () => {
    mkdirSync(OUT, { recursive: true });
    s = await launch();
  });
  afterAll(async () => {
    await s?.close();
  });

  for (const lang of LANGS) {
    for (const scheme of SCHEMES) {
      it(`${lang.ui}, ${scheme}`, async () => {
        await s.worker.evaluate(async (ui) => {
          const { settings } = await chrome.storage.local.get('settings');
          await chrome.storage.local.set({ settings: { ...settings, uiLanguage: ui } });
        }, lang.ui);
        const suffix = `${lang.ui}-${scheme}`;
        const page = await s.context.newPage();
        await page.emulateMedia({ colorScheme: scheme });
        await page.goto(`${s.pagesUrl}/${lang.page}`);
        await dblclickWord(page, lang.target, lang.word);
        await bubbleFrame(page).locator('[data-testid=gloss]').first().waitFor({ timeout: 120_000 });
        await shot(page, `bubble-${suffix}`);

        const popup = await openPopup(s, page);
        await popup.emulateMedia({ colorScheme: scheme });
        await popup.setViewportSize({ width: 380, height: 900 });
        await popup.locator('[data-testid=popup-result] [data-testid=gloss]').first().waitFor({ timeout: 120_000 });
        await shot(popup, `popup-${suffix}`, true);
        await popup.close();

        const passage = await s.context.newPage();
        await passage.goto(`${s.pagesUrl}/${lang.passage.file}`);
        await passage.evaluate((sel) => {
          const range = document.createRange();
          range.selectNodeContents(document.querySelector(sel)!);
          getSelection()!.removeAllRanges();
          getSelection()!.addRange(range);
        }, lang.passage.selector);
        const popup2 = await openPopup(s, passage);
        const opened = s.context.waitForEvent('page');
        await popup2.locator('[data-testid=popup-cloze]').click();
        const practice = await opened;
        await practice.emulateMedia({ colorScheme: scheme });
        await practice.locator('[data-testid=blank-input]').first().waitFor({ timeout: 120_000 });
        await shot(practice, `practice-${suffix}`);
        await Promise.all([practice.close(), popup2.close(), passage.close()]);

        const typing = await s.context.newPage();
        await typing.emulateMedia({ colorScheme: scheme });
        await typing.goto(`${s.pagesUrl}/completion.html`);
        await typing.click('#ta');
        await typing.keyboard.type(lang.ui === 'en' ? 'The river bank was' : '今天天气很好，', { delay: 10 });
        const ghost = () => ghostText(typing);
        await expect.poll(ghost, { timeout: 120_000 }).not.toBe('');
        // The whole suggestion, not the first streamed pieces: shot once it has stopped growing.
        let last = '';
        await expect.poll(async () => last === (last = await ghost()), { interval: 500, timeout: 60_000 }).toBe(true);
        await shot(typing, `ghost-${suffix}`);
        await typing.close();

        const options = await s.context.newPage();
        await options.emulateMedia({ colorScheme: scheme });
        await options.goto(`chrome-extension://${s.extensionId}/options.html`);
        await options.locator('[data-testid=installed]').waitFor({ timeout: 30_000 });
        expect(await options.evaluate(() => document.documentElement.lang)).toBe(lang.ui === 'en' ? 'en' : 'zh-CN');
        await shot(options, `options-${suffix}`, true);
        await Promise.all([options.close(), page.close()]);
      });
    }
  }
});
