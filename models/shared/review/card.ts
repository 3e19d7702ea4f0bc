// Review cards: a word in one sense, with the sentences it was met in (its contexts) and its FSRS
// memory state. Cards come from saved words and from cloze blanks the learner missed; a word met
// again joins the card of the same word in the same sense (sense-match.ts), else starts its own.
// Shapes are checked at run time (validate.ts) because they come back from storage and files.
import { arrayOf, type Check, num, object, optional, str, ValidationError } from '../validate';
import { lang, LIMITS } from '../protocol';
import type { HistoryEntry } from '../practice/history';
import { sentenceAround, windowAround } from '../text/context';
import type { WordEntry } from '../words/word-list';
import { sameWord, sameWordSense, senseKey } from './sense-match';

/** Contexts kept per card, newest first. */
export const CONTEXTS_PER_CARD = 8;
/** Cards kept; past this, new words make no new card (none is dropped unasked). */
export const REVIEW_CARD_LIMIT = 5000;

const label = str({ max: 200 });

export const reviewContext = object({
  /** Where it came from: `word:<word-list id>` or `blank:<exercise id>:<blank index>`. */
  ref: str({ min: 1, max: 100 }),
  date: num({ min: 0 }),
  url: str({ max: 4000 }),
  sentence: str({ min: 1, max: LIMITS.occurrenceChars }),
  start: num({ int: true, min: 0 }),
  end: num({ int: true, min: 1 }),
});
export type ReviewContext = ReturnType<typeof reviewContext>;

/** ts-fsrs's Card with dates as epoch milliseconds (schedule.ts converts). */
export const memoryState = object({
  due: num({ min: 0 }),
  stability: num({ min: 0 }),
  difficulty: num({ min: 0 }),
  elapsed_days: num({ min: 0 }),
  scheduled_days: num({ min: 0 }),
  learning_steps: num({ int: true, min: 0 }),
  reps: num({ int: true, min: 0 }),
  lapses: num({ int: true, min: 0 }),
  /** ts-fsrs State: 0 new, 1 learning, 2 review, 3 relearning. */
  state: num({ int: true, min: 0, max: 3 }),
  last_review: optional(num({ min: 0 })),
});
export type MemoryState = ReturnType<typeof memoryState>;

const checkCard = object({
  id: str({ min: 1, max: 100 }),
  lang,
  word: str({ min: 1, max: LIMITS.wordChars * 4 }),
  /** The labels standing for the sense (sense-match.ts `senseKey`); empty when unknown. */
  senseKey: arrayOf(label, { max: 5 }),
  gloss: optional(str({ max: 2000 })),
  created: num({ min: 0 }),
  contexts: arrayOf(reviewContext, { min: 1, max: CONTEXTS_PER_CARD }),
  memory: memoryState,
});
export type ReviewCard = ReturnType<typeof checkCard>;

/** A card as stored, if it is one: offsets inside each sentence, a due date on the memory. */
export const reviewCard: Check<ReviewCard> = (v, path) => {
  const card = checkCard(v, path);
  card.contexts.forEach((c, i) => {
    if (c.start >= c.end || c.end > c.sentence.length) throw new ValidationError(`${path}.contexts[${i}]`, 'the word lies outside its sentence');
  });
  return card;
};

/** One meeting with a word: what a card is made of or joined by. */
export interface Sighting extends ReviewContext {
  lang: ReviewCard['lang'];
  word: string;
  senseKey: string[];
  gloss?: string;
}

export function sightingOfWord(w: WordEntry): Sighting {
  return {
    ref: `word:${w.id}`,
    date: w.date,
    url: w.url,
    lang: w.lang,
    word: w.word,
    sentence: w.sentence,
    start: w.start,
    end: w.end,
    senseKey: senseKey(w).slice(0, 5),
    ...(w.gloss ? { gloss: w.gloss } : {}),
  };
}

/** The blanks of an exercise the learner missed (wrong, revealed or left empty), in their sentences. */
export function sightingsOfExercise(h: HistoryEntry): Sighting[] {
  return h.blanks.flatMap((b, i) => {
    const missed = b.revealed === true || b.verdict === 'wrong' || b.verdict === null;
    if (!missed || b.end <= b.start || b.end > h.text.length) return [];
    const s = sentenceAround(h.text, b.start, b.end);
    const w = windowAround(s.text, s.start, s.end, LIMITS.occurrenceChars);
    const word = h.text.slice(b.start, b.end);
    if (!word.trim() || w.start >= w.end) return [];
    return [{ ref: `blank:${h.id}:${i}`, date: h.date, url: h.url, lang: h.lang, word, sentence: w.text, start: w.start, end: w.end, senseKey: [] }];
  });
}

const contextOf = (s: Sighting): ReviewContext => ({ ref: s.ref, date: s.date, url: s.url, sentence: s.sentence, start: s.start, end: s.end });

export type Placement = 'known' | 'joined' | 'new' | 'full';

/**
 * The cards with this sighting placed: nothing changes when it is already on a card (same ref,
 * or the same word in the same sentence); it joins the card of the same word in the same sense
 * (as its newest context); else it starts a new card with `memory` (a new FSRS card, schedule.ts).
 */
export function withSighting(cards: readonly ReviewCard[], s: Sighting, memory: MemoryState): { cards: ReviewCard[]; placement: Placement; id?: string } {
  const known = cards.find((c) =>
    c.contexts.some((x) => x.ref === s.ref || (x.sentence === s.sentence && sameWord(c.word, s.word, c.lang) && c.lang === s.lang)),
  );
  if (known) return { cards: [...cards], placement: 'known', id: known.id };
  const home = cards.find((c) => sameWordSense(c, s));
  if (home) {
    const joined = { ...home, contexts: [contextOf(s), ...home.contexts].slice(0, CONTEXTS_PER_CARD) };
    return { cards: cards.map((c) => (c === home ? joined : c)), placement: 'joined', id: home.id };
  }
  if (cards.length >= REVIEW_CARD_LIMIT) return { cards: [...cards], placement: 'full' };
  const card: ReviewCard = {
    id: s.ref,
    lang: s.lang,
    word: s.word,
    senseKey: s.senseKey,
    ...(s.gloss ? { gloss: s.gloss } : {}),
    created: s.date,
    contexts: [contextOf(s)],
    memory,
  };
  return { cards: [...cards, card], placement: 'new', id: card.id };
}

/** The cards without the context from `ref` (a word removed from the list); a card left with none goes. */
export function withoutRef(cards: readonly ReviewCard[], ref: string): ReviewCard[] {
  return cards.flatMap((c) => {
    if (!c.contexts.some((x) => x.ref === ref)) return [c];
    const contexts = c.contexts.filter((x) => x.ref !== ref);
    return contexts.length > 0 ? [{ ...c, contexts }] : [];
  });
}
