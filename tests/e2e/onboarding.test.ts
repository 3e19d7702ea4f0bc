// First run: the welcome page opens on install, shows sizes before download, downloads only the
// chosen languages' models with a progress bar per file, confirms offline use, and its live demo
// runs the real model host. The journeys are shared with Firefox (tests/e2e/journeys.ts).
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { chromiumSession, pageOf } from './driver/chromium';
import { launch, type Session } from './harness';
import { welcomeDemo, welcomeDownloadsChosenLanguages } from './journeys';

describe('first run', () => {
  let s: Session;
  let welcome: Page;
  beforeAll(async () => {
    s = await launch({ keepOnboarding: true });
    welcome =
      s.context.pages().find((p) => p.url().includes('/onboarding.html')) ??
      (await s.context.waitForEvent('page', { predicate: (p) => p.url().includes('/onboarding.html'), timeout: 30_000 }));
    await welcome.waitForLoadState();
  });
  afterAll(async () => {
    await s?.close();
  });

  it('opens on install and downloads only the models of the languages the user reads', () =>
    welcomeDownloadsChosenLanguages(chromiumSession(s), pageOf(welcome)));

  it('the live demo runs each tool on the sample text', () => welcomeDemo(pageOf(welcome)));
});
