// Chinese ghost text from the Chinese completion model's architecture: the tiny Qwen2 fixture
// (tests/fixtures/make_qwen_fixture.py) as the `complete.zh` model, q8 on the WASM backend of the
// built extension, through the loopback hub.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Diagnostics } from '@/models/shared/protocol';
import { extensionRequest, FIXTURE_MODELS, launch, type Session } from './harness';

const QWEN = { id: 'sesame-fixtures/tiny-qwen2', family: 'qwen2' } as const;
const PROMPT = '今天天气很好，我们一起去公园散步。公园里有很多人，有的在';
const ghostText = (page: Page) => page.evaluate(() => document.querySelector('sesame-ghost')?.shadowRoot?.textContent ?? '');
const hostStatus = (s: Session) => extensionRequest<Diagnostics>(s, { type: 'status' });

describe('Chinese ghost text from the Qwen2 fixture', () => {
  let s: Session;
  beforeAll(async () => {
    s = await launch({ settings: { models: { ...FIXTURE_MODELS, 'complete.zh': QWEN } } });
  });
  afterAll(async () => {
    await s?.close();
  });

  it('a Chinese prompt gets its ghost text from the qwen2 model, and Tab inserts it', async () => {
    const page = await s.context.newPage();
    await page.goto(`${s.pagesUrl}/completion.html`);
    await page.click('#ta');
    await page.keyboard.insertText(PROMPT);
    await expect.poll(() => ghostText(page), { timeout: 120_000 }).not.toBe('');
    // The whole suggestion: until the host has finished the request and the text stops changing.
    await expect
      .poll(
        async () => {
          const c = (await hostStatus(s)).completion;
          return c ? c.requests - c.cancelled : 0;
        },
        { timeout: 120_000 },
      )
      .toBeGreaterThan(0);
    let suggestion = '';
    await expect
      .poll(
        async () => {
          const now = await ghostText(page);
          const stable = now === suggestion && now !== '';
          suggestion = now;
          return stable;
        },
        { interval: 400, timeout: 60_000 },
      )
      .toBe(true);
    const status = await hostStatus(s);
    const qwen = status.loaded.find((m) => m.id === QWEN.id);
    expect(qwen).toMatchObject({ family: 'qwen2', dtype: 'q8', backend: 'wasm' });
    // The tied q8 head runs in Sesame's tied-table kernel; its prompts and steps stay in the graph (Sesame's decoder is GPT-2's only).
    expect(qwen?.head).toMatch(/tied uint8 table kernel/);
    expect(qwen?.decoder).toBeUndefined();
    expect(status.loaded.some((m) => m.family === 'gpt2')).toBe(false);
    await page.keyboard.press('Tab');
    await expect.poll(() => page.inputValue('#ta')).toBe(`${PROMPT}${suggestion}`);
    expect(await ghostText(page)).toBe('');

    // Writing on: the next request starts from the field's cached keys/values (prompt and accepted ghost).
    const before = (await hostStatus(s)).completion!;
    await page.keyboard.insertText('。我们');
    await expect
      .poll(
        async () => {
          const c = (await hostStatus(s)).completion!;
          return c.requests - c.cancelled > before.requests - before.cancelled;
        },
        { timeout: 120_000 },
      )
      .toBe(true);
    const after = (await hostStatus(s)).completion!;
    expect(after.reusedTokens - before.reusedTokens).toBeGreaterThanOrEqual(10);
    expect(after.cachedFields).toBeGreaterThan(0);
  });
});
