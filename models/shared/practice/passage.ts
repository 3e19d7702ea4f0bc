// A passage handed to the practice page. It travels through session storage (memory only,
// gone when the browser closes) under a random id: page text never goes into a URL or history.
import { LANGS, LIMITS } from '../protocol';
import { arrayOf, type Check, literal, num, object, optional, str } from '../validate';

export const practicePassage = object({
  text: str({ min: 1, max: LIMITS.articleChars }),
  url: str({ max: 4000 }),
  lang: optional(literal(...LANGS)),
  /** Words to blank first (practice from reading: the words due for review). */
  focus: optional(arrayOf(str({ min: 1, max: LIMITS.wordChars * 4 }), { max: 50 })),
  createdAt: num({ min: 0 }),
});
export type PracticePassage = ReturnType<typeof practicePassage>;

/** Passages kept per session; older ones are dropped. */
export const PASSAGES_KEPT = 20;

export function withPassage(
  store: Record<string, PracticePassage>,
  id: string,
  passage: PracticePassage,
  keep = PASSAGES_KEPT,
): Record<string, PracticePassage> {
  const entries = [...Object.entries(store).filter(([k]) => k !== id), [id, passage] as const].sort((a, b) => a[1].createdAt - b[1].createdAt).slice(-keep);
  return Object.fromEntries(entries);
}

export function passageIn(store: unknown, id: string): PracticePassage | null {
  const raw = typeof store === 'object' && store !== null ? (store as Record<string, unknown>)[id] : undefined;
  try {
    return (practicePassage as Check<PracticePassage>)(raw, 'passage');
  } catch {
    return null;
  }
}
