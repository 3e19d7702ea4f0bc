import { it, expect } from 'vitest';
import { dblclickWord, launch } from './harness';

it('probe', async () => {
  const s = await launch();
  try {
    for (const path of ['bank.html', 'strict-csp.html']) {
      const page = await s.context.newPage();
      page.on('console', (m) => console.log('PAGE', m.text()));
      await page.goto(`${s.pagesUrl}/${path}`);
      const sel = path === 'bank.html' ? '#p1' : 'p';
      await dblclickWord(page, sel, 'bank');
      await page.locator('sesame-bubble').waitFor({ state: 'attached', timeout: 10_000 });
      const loc = page.frameLocator('sesame-bubble iframe').locator('[data-testid=substitutes]');
      await loc.waitFor({ timeout: 20_000 }).catch((e) => console.log('ERR', String(e).slice(0, 300)));
      console.log(path, 'frames', page.frames().map((f) => f.url()));
      console.log(path, 'iframe style', await page.evaluate(() => { const f = document.querySelector('sesame-bubble')!.shadowRoot!.querySelector('iframe')!; const r = f.getBoundingClientRect(); return [f.className, r.left, r.top, r.width, r.height, f.src]; }));
      const f = page.frames().find((x) => x.url().includes('bubble.html'))!;
      console.log('INFRAME', await f.evaluate(async () => JSON.stringify({ tab: await chrome.tabs.getCurrent().catch((e: Error) => e.message), body: document.body.innerHTML.slice(0, 200), href: location.href })).catch((e) => String(e)));
      console.log(path, 'contentDocument', await page.evaluate(() => String(document.querySelector('sesame-bubble')!.shadowRoot!.querySelector('iframe')!.contentDocument)));
      await page.screenshot({ path: `/tmp/probe/${path}.png` });
    }
  } finally {
    await s.close();
  }
});
