// The learning loop's requests, answered in the background: Anki through AnkiConnect (from the
// stored word, never from what a message claims), the review queue and its ratings, and the
// backup file. Browser APIs and stores are injected, so the rules are tested in Node against
// the loopback AnkiConnect server.
import type { DueCard, LearningRequestType, RequestOf, ResultOf, ToolResult } from '../../shared/protocol';
import { BACKUP_MAX_CHARS } from '../../shared/protocol';
import type { HistoryEntry } from '../../shared/practice/history';
import { ankiNote } from '../../shared/learn/anki-note';
import { ANKI_ORIGINS } from '../../shared/learn/anki-settings';
import type { Settings } from '../../shared/settings';
import { backupText, imported, readBackup } from '../../shared/review/backup';
import type { ReviewCard } from '../../shared/review/card';
import type { ReviewState } from '../../shared/review/review-state';
import { withReview as reviewedState } from '../../shared/review/review-state';
import { dueCards, dueCount, nextDueByRating } from '../../shared/review/schedule';
import type { WordEntry } from '../../shared/words/word-list';
import { ankiConnect, canAddError, type FetchLike } from '../anki/anki-connect';
import { LearningError } from './learning-error';

export interface LearningDeps {
  settings: () => Promise<Settings>;
  fetch: FetchLike;
  /** Whether the browser lets Sesame reach these origins (permissions.contains). */
  hasAccess: (origins: string[]) => Promise<boolean>;
  words: () => Promise<WordEntry[]>;
  history: () => Promise<HistoryEntry[]>;
  /** Changes the word list in turn with the saves (background/word-saver.ts's serial). */
  updateWords: (change: (words: WordEntry[]) => WordEntry[]) => Promise<WordEntry[]>;
  /** Reads and changes the review state, one change at a time (background/review/review-updater.ts). */
  review: () => Promise<ReviewState>;
  updateReview: (change: (state: ReviewState) => ReviewState) => Promise<ReviewState>;
  now?: () => number;
  /** AnkiConnect's per-request limit (tests shorten it). */
  ankiTimeoutMs?: number;
}

type LearningRequest = RequestOf<LearningRequestType>;
type Answer<T extends LearningRequestType> = Promise<ResultOf<T>>;

/** The review page shows one context per card, a different one each time the card comes back. */
function dueCardOf(card: ReviewCard, now: number): DueCard {
  const context = card.contexts[card.memory.reps % card.contexts.length]!;
  return {
    id: card.id,
    lang: card.lang,
    word: card.word,
    senseKey: card.senseKey,
    ...(card.gloss ? { gloss: card.gloss } : {}),
    sentence: context.sentence,
    start: context.start,
    end: context.end,
    url: context.url,
    contexts: card.contexts.length,
    reps: card.memory.reps,
    next: nextDueByRating(card, now),
  };
}

export function learning(deps: LearningDeps) {
  const now = () => deps.now?.() ?? Date.now();

  /** The client for the user's AnkiConnect, once Anki is on and the browser lets Sesame reach it. */
  async function anki() {
    const s = (await deps.settings()).anki;
    if (!s.enabled) throw new LearningError('anki', 'off', 'Anki is off: turn it on in Sesame’s settings.');
    if (!(await deps.hasAccess(ANKI_ORIGINS))) {
      throw new LearningError('anki', 'no-access', 'Sesame may not reach Anki yet: turn Anki on again in Settings and allow access.');
    }
    const client = ankiConnect({ fetch: deps.fetch, url: s.url, key: s.key || null, ...(deps.ankiTimeoutMs ? { timeoutMs: deps.ankiTimeoutMs } : {}) });
    return { client, settings: s };
  }

  /** The notes for saved words, by id; a word no longer in the list is an error. */
  async function notesFor(ids: readonly string[]) {
    const { client, settings } = await anki();
    if (!settings.deck || !settings.model || !Object.values(settings.fieldMap).some(Boolean)) {
      throw new LearningError('anki', 'not-set-up', 'Choose a deck and a note type in Sesame’s settings first.');
    }
    const words = await deps.words();
    const notes = ids.map((id) => {
      const w = words.find((x) => x.id === id);
      return w
        ? ankiNote(w, { deck: settings.deck, model: settings.model, fieldMap: settings.fieldMap, pinyin: w.reading ?? null, tags: settings.tags })
        : null;
    });
    return { client, notes };
  }

  const handlers: { [T in LearningRequestType]: (r: RequestOf<T>) => Answer<T> } = {
    'anki.connect': async () => ({ type: 'anki.connect', version: (await (await anki()).client.connect()).version }),
    'anki.decks': async () => ({ type: 'anki.decks', names: (await (await anki()).client.deckNames()).slice(0, 1000) }),
    'anki.models': async () => ({ type: 'anki.models', names: (await (await anki()).client.modelNames()).slice(0, 1000) }),
    'anki.fields': async (r) => ({ type: 'anki.fields', model: r.model, names: (await (await anki()).client.modelFieldNames(r.model)).slice(0, 1000) }),
    'anki.canAdd': async (r) => {
      const { client, notes } = await notesFor(r.wordIds);
      const present = notes.filter((n) => n !== null);
      const answers = present.length > 0 ? await client.canAdd(present) : [];
      let at = 0;
      return {
        type: 'anki.canAdd',
        answers: r.wordIds.map((wordId, i) => {
          if (notes[i] === null) return { wordId, canAdd: false, kind: 'no-word' as const };
          const problem = canAddError(answers[at++] ?? { canAdd: false });
          return problem ? { wordId, canAdd: false, kind: problem.kind } : { wordId, canAdd: true };
        }),
      };
    },
    'anki.add': async (r) => {
      const { client, notes } = await notesFor([r.wordId]);
      const note = notes[0];
      if (!note) throw new LearningError('anki', 'no-word', 'This word is no longer in your word list.');
      return { type: 'anki.add', noteId: await client.addNote(note) };
    },
    'review.due': async (r) => {
      const at = now();
      const { cards } = await deps.review();
      return { type: 'review.due', cards: dueCards(cards, at, r.limit ?? 50).map((c) => dueCardOf(c, at)), due: dueCount(cards, at), total: cards.length };
    },
    'review.rate': async (r) => {
      const at = now();
      let found = false;
      const state = await deps.updateReview((s) => {
        found = s.cards.some((c) => c.id === r.id);
        return found ? reviewedState(s, r.id, r.rating, at) : s;
      });
      if (!found) throw new LearningError('learning', 'no-card', 'This card is no longer there (removed meanwhile).');
      return { type: 'review.rate', due: dueCount(state.cards, at), next: state.cards.find((c) => c.id === r.id)!.memory.due };
    },
    'learning.export': async () => {
      const [words, review] = await Promise.all([deps.words(), deps.review()]);
      return { type: 'learning.export', text: backupText(words, review, now()), words: words.length, cards: review.cards.length };
    },
    'learning.import': async (r) => {
      if (r.text.length >= BACKUP_MAX_CHARS) throw new LearningError('bad-file', 'too-large', 'This file is too large to be a Sesame backup.');
      const backup = readBackup(r.text);
      const before = { words: (await deps.words()).length, cards: (await deps.review()).cards.length };
      const words = await deps.updateWords((current) => imported(current, { v: 1, cards: [] }, backup).words);
      const review = await deps.updateReview((current) => imported([], current, backup).review);
      return {
        type: 'learning.import',
        words: Math.max(0, words.length - before.words),
        cards: Math.max(0, review.cards.length - before.cards),
        skipped: backup.skipped,
      };
    },
  };

  return (request: LearningRequest): Promise<ToolResult> => (handlers[request.type] as (r: LearningRequest) => Promise<ToolResult>)(request);
}

export type LearningHandler = ReturnType<typeof learning>;
