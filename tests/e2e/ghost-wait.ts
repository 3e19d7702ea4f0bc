// Waiting for ghost text in the Chromium e2e files (completion, editors): the host's completion
// counters, and the whole suggestion of a request once it has finished streaming.
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import type { Diagnostics } from '../../models/shared/protocol';
import { extensionRequest, ghostText, type Session } from './harness';

export type CompletionCounters = NonNullable<Diagnostics['completion']>;

export const hostCounters = async (s: Session): Promise<CompletionCounters> =>
  (await extensionRequest<Diagnostics>(s, { type: 'status' })).completion ?? { requests: 0, cancelled: 0, reusedTokens: 0, computedTokens: 0, cachedFields: 0 };

/**
 * Waits for the whole ghost text of the request made after `since` (the host's counters then):
 * until the host has finished a request that was not cancelled, then until the text shows and
 * stops changing (the last streamed pieces are still on their way to the page).
 */
export async function waitForGhost(s: Session, page: Page, since: CompletionCounters): Promise<string> {
  const finished = (c: CompletionCounters) => c.requests - c.cancelled;
  await expect.poll(async () => finished(await hostCounters(s)), { timeout: 120_000 }).toBeGreaterThan(finished(since));
  await expect.poll(() => ghostText(page), { timeout: 60_000 }).not.toBe('');
  let last = '';
  await expect
    .poll(
      async () => {
        const now = await ghostText(page);
        const stable = now === last;
        last = now;
        return stable;
      },
      { interval: 400, timeout: 60_000 },
    )
    .toBe(true);
  return last;
}
