// The learner's own data in one file: the word list and the review state, exported together and
// imported together (merged into what is there, never replacing it). Sesame had no word-list file
// of its own (the Anki CSV is one-way), so this is that file. Bad files get a clear message.
import { validWords, type WordEntry, WORD_LIST_LIMIT } from '../words/word-list';
import { mergedReview, REVIEW_STATE_VERSION, type ReviewState, validReview } from './review-state';

export const BACKUP_FORMAT = 'sesame-learning';
export const BACKUP_VERSION = 1;

export type BackupProblem = 'not-json' | 'not-sesame' | 'newer';

export class BackupError extends Error {
  constructor(
    readonly problem: BackupProblem,
    message: string,
  ) {
    super(message);
    this.name = 'BackupError';
  }
}

export interface Backup {
  words: WordEntry[];
  review: ReviewState;
  /** Entries of the file that were damaged and left out (words and cards). */
  skipped: number;
}

export function backupText(words: readonly WordEntry[], review: ReviewState, now: number): string {
  return `${JSON.stringify({ format: BACKUP_FORMAT, version: BACKUP_VERSION, exported: new Date(now).toISOString(), words, review }, null, 1)}\n`;
}

/** The file's words and cards, the damaged ones left out and counted. */
export function readBackup(text: string): Backup {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new BackupError('not-json', 'This file is not a Sesame word list: it is not JSON.');
  }
  const file = (typeof data === 'object' && data !== null ? data : {}) as Record<string, unknown>;
  if (file.format !== BACKUP_FORMAT) throw new BackupError('not-sesame', 'This file is not a Sesame word list.');
  if (typeof file.version !== 'number' || file.version > BACKUP_VERSION) {
    throw new BackupError('newer', 'This word list was saved by a newer Sesame: update Sesame to import it.');
  }
  const rawWords = Array.isArray(file.words) ? file.words : [];
  const rawCards = (file.review as { cards?: unknown } | undefined)?.cards;
  const words = validWords(rawWords);
  const review = validReview(file.review ?? { v: REVIEW_STATE_VERSION, cards: [] });
  const skipped = rawWords.length - words.length + (Array.isArray(rawCards) ? rawCards.length - review.cards.length : 0);
  return { words, review, skipped };
}

/** The word list with the imported words it lacks (by id, or the same word in the same sentence), newest first. */
export function mergedWords(current: readonly WordEntry[], imported: readonly WordEntry[]): WordEntry[] {
  const same = (a: WordEntry, b: WordEntry) => a.id === b.id || (a.word.toLowerCase() === b.word.toLowerCase() && a.sentence === b.sentence);
  const added = imported.filter((w) => !current.some((c) => same(c, w)));
  return [...current, ...added].sort((a, b) => b.date - a.date).slice(0, WORD_LIST_LIMIT);
}

/** What the stores hold after importing `backup`. */
export function imported(words: readonly WordEntry[], review: ReviewState, backup: Backup): { words: WordEntry[]; review: ReviewState } {
  return { words: mergedWords(words, backup.words), review: mergedReview(review, backup.review) };
}
