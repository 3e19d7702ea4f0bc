// Finished exercises: their shape, validation and capping (stored by history-store.ts),
// newest first. The passage is kept so the exercise can be exported to Anki.
import { arrayOf, bool, type Check, literal, nullable, num, object, optional, str } from '../validate';
import { CLOZE_VERDICTS, LANGS, LIMITS } from '../protocol';

export const HISTORY_LIMIT = 100;

const historyEntry = object({
  id: str({ min: 1, max: 64 }),
  date: num({ min: 0 }),
  url: str({ max: 4000 }),
  lang: literal(...LANGS),
  text: str({ max: LIMITS.contextChars }),
  blanks: arrayOf(
    object({
      start: num({ int: true, min: 0 }),
      end: num({ int: true, min: 0 }),
      answer: str({ max: 200 }),
      given: str({ max: LIMITS.wordChars }),
      verdict: nullable(literal(...CLOZE_VERDICTS)),
      revealed: optional(bool),
    }),
    { max: LIMITS.clozeBlanks },
  ),
  points: num({ min: 0 }),
  max: num({ min: 0 }),
});
export type HistoryEntry = ReturnType<typeof historyEntry>;

/** Keeps the valid entries of whatever was stored (older versions, damage). */
export function validEntries(stored: unknown): HistoryEntry[] {
  if (!Array.isArray(stored)) return [];
  const check: Check<HistoryEntry> = historyEntry;
  return stored.flatMap((e) => {
    try {
      return [check(e, 'history')];
    } catch {
      return [];
    }
  });
}

/** The list with `entry` first (replacing an entry with its id), capped. */
export function withEntry(list: readonly HistoryEntry[], entry: HistoryEntry, limit = HISTORY_LIMIT): HistoryEntry[] {
  return [entry, ...list.filter((e) => e.id !== entry.id)].slice(0, limit);
}
