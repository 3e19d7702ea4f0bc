// Wires the learning loop into the background: the request handler (Anki, review, backup), the
// review cards kept in step with the word list and the cloze history, and the toolbar badge.
import { browser } from 'wxt/browser';
import type { Serial } from '../serial';
import { serial } from '../serial';
import { reviewUpdater } from '../review/review-updater';
import { loadSettings } from '../../shared/settings-store';
import { historyItem, loadHistory } from '../../shared/practice/history-store';
import { validEntries } from '../../shared/practice/history';
import { reviewItem } from '../../shared/review/review-store';
import { validReview, type ReviewState } from '../../shared/review/review-state';
import { loadWords, wordListItem } from '../../shared/words/word-store';
import { validWords, type WordEntry } from '../../shared/words/word-list';
import { learning, type LearningHandler } from './learning';
import { REVIEW_ALARM, refreshBadge } from './review-badge';
import { removedIds, syncedReview } from './review-sync';

/** The toolbar action: `action` in MV3, `browserAction` in Firefox's MV2. */
function toolbar() {
  const b = browser as unknown as { action?: typeof browser.action; browserAction?: typeof browser.action };
  return b.action ?? b.browserAction;
}

/** Installs the watchers and returns the router's handler; `words` is the word list's serial (word-saver.ts). */
export function installLearning(words: Serial): LearningHandler {
  const updateReview = reviewUpdater({ get: () => reviewItem.getValue(), set: (v) => reviewItem.setValue(v) }, serial());
  const review = async (): Promise<ReviewState> => validReview(await reviewItem.getValue());
  // One sync at a time, each reading the lists afresh: a stale read cannot bring back a removed word.
  const syncInTurn = serial();
  const sync = (removed: readonly string[] = []) =>
    syncInTurn(async () => {
      const [list, history] = await Promise.all([loadWords(), loadHistory()]);
      return updateReview((state) => syncedReview(state, { words: list, history, removed }, Date.now()));
    });

  const badge = async (state?: ReviewState) => {
    const cards = (state ?? (await review())).cards;
    const action = toolbar();
    await refreshBadge(cards, Date.now(), {
      setText: async (text) => {
        await action?.setBadgeText({ text });
        if (text) await action?.setBadgeBackgroundColor?.({ color: '#2a5db0' });
      },
      wakeAt: async (when) => {
        if (!browser.alarms) return;
        if (when === null) await browser.alarms.clear(REVIEW_ALARM);
        else browser.alarms.create(REVIEW_ALARM, { when: Math.max(when, Date.now() + 30_000) });
      },
    });
  };
  const log = (what: string) => (error: unknown) => console.warn(`Sesame: ${what}:`, error);

  // Saved or removed words, an exercise finished: the cards follow.
  wordListItem.watch((next, before) => void sync(removedIds(validWords(before), validWords(next) as WordEntry[])).catch(log('review sync')));
  historyItem.watch((next, before) => {
    if (validEntries(next).length > 0 || validEntries(before).length > 0) void sync().catch(log('review sync'));
  });
  reviewItem.watch((next) => void badge(validReview(next)).catch(log('badge')));
  browser.alarms?.onAlarm.addListener((alarm) => {
    if (alarm.name === REVIEW_ALARM) void badge().catch(log('badge'));
  });
  // Words saved before review existed become cards once, on install or update.
  browser.runtime.onInstalled.addListener(() => void sync().catch(log('review sync')));
  browser.runtime.onStartup?.addListener(() => void badge().catch(log('badge')));
  void badge().catch(log('badge'));

  return learning({
    settings: loadSettings,
    fetch: (url, init) => fetch(url, init),
    hasAccess: (origins) => browser.permissions.contains({ origins }),
    words: loadWords,
    history: loadHistory,
    updateWords: (change) =>
      words(async () => {
        const next = change(await loadWords());
        await wordListItem.setValue(next);
        return next;
      }),
    review,
    updateReview,
  });
}
