// Every request gets an answer, in the browser: a stored setting the host would refuse makes a
// lookup fail with an error naming it (it waited for ever before), and Options refuses such values
// on save, says why next to the field, keeps what was typed and stores nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dblclickWord, extensionRequest, FIXTURE_MODELS, inBubble, launch, type Session } from './harness';

const stored = (s: Session) => s.worker.evaluate(async () => (await chrome.storage.local.get('settings')).settings as Record<string, unknown>);

describe('bad settings are answered, not waited on', () => {
  let s: Session;
  beforeAll(async () => {
    s = await launch({ settings: { models: { ...FIXTURE_MODELS, 'sense.en': { id: 'https://huggingface.co/sesame-fixtures/tiny-bert-uncased' } } } });
  });
  afterAll(async () => {
    await s?.close();
  });

  it('a model id pasted as a URL: the lookup is answered with an error naming the setting', async () => {
    const started = Date.now();
    const text = 'The bank approved the loan.';
    const error = await extensionRequest(s, { type: 'sense', text, start: 4, end: 8, lang: 'en' }, 20_000).catch((e: Error) => e.message);
    expect(error).toMatch(/"code":"bad-request".*setting is not valid.*model\.id.*options/);
    expect(Date.now() - started).toBeLessThan(10_000);
    // And in the page: the bubble shows it instead of spinning.
    const page = await s.context.newPage();
    await page.goto(`${s.pagesUrl}/bank.html`);
    await dblclickWord(page, '#p1', 'bank');
    await inBubble(page, 'error').waitFor({ timeout: 20_000 });
    expect(await inBubble(page, 'error').textContent()).toMatch(/setting is not valid/);
  });

  it('Options refuses bad values on save, next to the field, keeping what was typed', async () => {
    const before = await stored(s);
    const options = await s.context.newPage();
    await options.goto(`chrome-extension://${s.extensionId}/options.html`);
    await options.locator('h1').waitFor();

    const host = options.locator('[data-testid=model-host]');
    await host.fill('http://mirror.example/models');
    await host.press('Enter');
    await options.locator('[data-testid=error-model-host]').waitFor();
    expect(await options.locator('[data-testid=error-model-host]').textContent()).toMatch(/not saved.*https/);
    expect(await host.inputValue()).toBe('http://mirror.example/models');

    const model = options.locator('[data-testid="model-complete.en"]');
    await model.fill('Xenova/gpt 2');
    await model.press('Enter');
    await options.locator('[data-testid="error-model-complete.en"]').waitFor();
    expect(await options.locator('[data-testid="error-model-complete.en"]').textContent()).toMatch(/no spaces/);
    expect(await model.inputValue()).toBe('Xenova/gpt 2');

    const idle = options.locator('[data-testid=idle-minutes]');
    await idle.fill('0');
    await idle.press('Enter');
    await options.locator('[data-testid=error-idle-minutes]').waitFor();
    expect(await idle.inputValue()).toBe('0');

    expect(await stored(s)).toEqual(before);

    // A good value saves and clears the field's message.
    await host.fill('http://127.0.0.1:1');
    await host.press('Enter');
    await expect.poll(async () => (await stored(s)).modelHost).toBe('http://127.0.0.1:1/');
    expect(await options.locator('[data-testid=error-model-host]').count()).toBe(0);
  });
});
