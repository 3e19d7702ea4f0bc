import { it } from 'vitest';
import { launchFirefox } from '../e2e/driver/firefox';
import { dblclickWord } from '../e2e/journeys';
import type { FirefoxPage } from '../e2e/driver/firefox';

it('probe', async () => {
  const d = await launchFirefox();
  try {
    for (const path of ['bank.html', 'strict-csp.html']) {
      const page = (await d.newPage()) as FirefoxPage;
      await page.goto(`${d.pagesUrl}/${path}`);
      await dblclickWord(page, path === 'bank.html' ? '#p1' : 'p', 'bank');
      await new Promise((r) => setTimeout(r, 8000));
      console.log(path, 'host', await page.evaluate(() => { const f = document.querySelector('sesame-bubble')?.shadowRoot?.querySelector('iframe'); if (!f) return 'none'; const r = f.getBoundingClientRect(); return JSON.stringify([f.className, r.width, r.height, f.src, String(f.contentDocument)]); }));
      console.log(path, 'frames', page.raw.frames().map((f) => f.url()));
      const fr = page.raw.frames()[1];
      if (fr) console.log('INFRAME', await fr.evaluate(async () => JSON.stringify({ href: location.href, body: document.body?.innerHTML.slice(0, 300), tabs: Object.keys((globalThis as any).browser ?? {}), rt: Object.keys((globalThis as any).browser?.runtime ?? {}), chromeTabs: typeof (globalThis as any).chrome?.tabs, cur: await (globalThis as any).browser?.tabs?.getCurrent?.().then((t: any) => t?.id, (e: Error) => 'ERR ' + e.message) })).catch((e) => String(e)));
      await page.raw.screenshot({ path: `/tmp/probe/ff-${path}.png` });
    }
  } finally {
    await d.close();
  }
});
