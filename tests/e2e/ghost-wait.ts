// Waiting for ghost text in the Chromium e2e files (completion, editors): the host's completion
// counters, and the whole suggestion of a request once it has finished streaming.
import type { Page } from 'playwright-core';
import type { Diagnostics } from '../../models/shared/protocol';
import { extensionRequest, ghostText, type Session } from './harness';
import { type CompletionCounters, waitForWholeGhost } from './journeys';

export type { CompletionCounters };

export const hostCounters = async (s: Session): Promise<CompletionCounters> =>
  (await extensionRequest<Diagnostics>(s, { type: 'status' })).completion ?? { requests: 0, cancelled: 0, reusedTokens: 0, computedTokens: 0, cachedFields: 0 };

/** The whole suggestion of the request made after `since` (journeys.ts waitForWholeGhost, on a Chromium session). */
export const waitForGhost = (s: Session, page: Page, since: CompletionCounters): Promise<string> =>
  waitForWholeGhost(
    () => hostCounters(s),
    () => ghostText(page),
    since,
  );
