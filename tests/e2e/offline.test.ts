// Offline after a restart: a model used once is served from the extension's cache after the
// browser restarts with the model host unreachable. The journey is shared with Firefox (journeys.ts).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
// @ts-expect-error plain ESM helper without types
import { startHubServer } from '../support/hub-server.mjs';
import { launchChromium } from './driver/chromium';
import type { DSession } from './driver/types';
import type { HubServer } from './harness';
import { offlineAfterRestart } from './journeys';

describe('offline after a restart', () => {
  let d: DSession;
  let hub: HubServer;
  const profile = mkdtempSync(join(tmpdir(), 'sesame-offline-'));
  beforeAll(async () => {
    // The hub outlives the restart: the cache is keyed by the model files' URLs, its port included.
    hub = await startHubServer({ root: resolve('.fixtures/hub') });
    d = await launchChromium({ profile, hub });
  });
  afterAll(async () => {
    await d?.close();
    await hub?.close();
    rmSync(profile, { recursive: true, force: true });
  });

  it('a model used once works after the browser restarts with the model host unreachable', () => offlineAfterRestart(d));
});
