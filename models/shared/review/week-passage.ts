// "Practise what I read this week": a passage for the practice page from the sentences the
// learner kept in the last seven days (review cards' contexts), in the language they read most;
// sentences of cards due for review come first, and their words go with the passage as the words
// the exercise blanks first (chooseBlanks' `prefer`).
import { LIMITS, type Lang } from '../protocol';
import type { ReviewCard } from './card';

export const WEEK_MS = 7 * 24 * 3600 * 1000;

export function weekPassage(
  cards: readonly ReviewCard[],
  now: number,
  maxChars: number = LIMITS.articleChars,
): { text: string; lang: Lang; focus: string[] } | null {
  const recent = cards.flatMap((card) => card.contexts.filter((c) => c.date >= now - WEEK_MS).map((c) => ({ card, c })));
  if (recent.length === 0) return null;
  const count = (lang: Lang) => recent.filter((r) => r.card.lang === lang).length;
  const lang: Lang = count('zh') > count('en') ? 'zh' : 'en';
  const due = (card: ReviewCard) => card.memory.due <= now;
  const ordered = recent
    .filter((r) => r.card.lang === lang)
    .sort((a, b) => Number(due(b.card)) - Number(due(a.card)) || (due(a.card) ? a.card.memory.due - b.card.memory.due : b.c.date - a.c.date));
  const sentences: string[] = [];
  const focus = new Set<string>();
  let length = 0;
  for (const { card, c } of ordered) {
    const s = c.sentence.trim();
    if (!s || sentences.includes(s)) continue;
    if (length + s.length + 1 > maxChars) break;
    sentences.push(s);
    length += s.length + 1;
    // The words due are the ones the exercise should blank first.
    if (due(card) && focus.size < 50) focus.add(card.word);
  }
  return sentences.length > 0 ? { text: sentences.join(lang === 'zh' ? '' : ' '), lang, focus: [...focus] } : null;
}
