// Which reading of a Chinese word to show. The segmented word's own CC-CEDICT entries come
// first: most polyphonic characters have one reading inside a word (银行 yín háng, 行走 xíng zǒu).
// Where the word itself has entries with different readings (行 háng/xíng, 长, 重, 好, 还, 了, 得,
// 地…), the reading is that of the sense the context ranks best (the sense tool's ranking).

/** One dictionary sense of the word with its entry's numbered reading (a gloss, as looked up). */
export interface ReadingSense {
  id: string;
  reading?: string;
  text: string;
}

/** A sense's place in the sense tool's ranking by context. */
export interface RankedSense {
  id: string;
  score: number;
}

export type ReadingSource =
  /** All the word's ordinary entries share one reading. */
  | 'word'
  /** Several readings; the one of the sense that fits this context best. */
  | 'context'
  /** Several readings and no sense fits better than another: the dictionary's usual one. */
  | 'dictionary'
  /** The word is not in the dictionary: its characters' usual readings. */
  | 'characters';

export interface ReadingChoice {
  /** Numbered pinyin ("hang2"). */
  reading: string;
  by: ReadingSource;
  /** The word's other readings, dictionary order, without the chosen one. */
  others: string[];
}

// A reading that belongs to another word ("used in 道行[dao4 heng2]") or to a name (capitalised
// pinyin: surnames, places) is not the reading of the word in running text, unless it is all
// the dictionary has.
const POINTER = /^(?:used in|see)\b/i;
const isName = (reading: string): boolean => /^[A-Z]/.test(reading);

/** Readings compare without case: "Hang2" the surname is said as "hang2". */
const same = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();

function distinct(readings: Iterable<string>): string[] {
  const out: string[] = [];
  for (const r of readings) if (!out.some((o) => same(o, r))) out.push(r);
  return out;
}

/** The senses whose reading is a reading of the word in running text. */
function ordinary(senses: readonly ReadingSense[]): ReadingSense[] {
  const withReading = senses.filter((s) => s.reading);
  const plain = withReading.filter((s) => !isName(s.reading!) && !POINTER.test(s.text));
  return plain.length > 0 ? plain : withReading;
}

/**
 * The reading to show for a word, given its dictionary senses in dictionary order (usual
 * reading first) and, where the sense tool ranked them, their scores (`null`: not ranked, or
 * ranked by dictionary order only). `fallback` is the characters' reading, used when the word
 * has no senses. Null when there is nothing to show.
 */
export function chooseReading(senses: readonly ReadingSense[], ranked: readonly RankedSense[] | null, fallback: string | null = null): ReadingChoice | null {
  const candidates = ordinary(senses);
  const all = distinct(senses.flatMap((s) => (s.reading ? [s.reading] : [])));
  const pick = (reading: string, by: ReadingSource): ReadingChoice => ({ reading, by, others: all.filter((r) => !same(r, reading)) });
  if (candidates.length === 0) return fallback ? { reading: fallback, by: 'characters', others: [] } : null;
  const readings = distinct(candidates.map((s) => s.reading!));
  if (readings.length === 1) return pick(readings[0]!, 'word');

  const scores = new Map((ranked ?? []).filter((r) => Number.isFinite(r.score)).map((r) => [r.id, r.score]));
  // Each reading scores as its best-fitting sense; the reading wins only if it beats every other.
  const best = readings.map((reading) => Math.max(-Infinity, ...candidates.filter((s) => same(s.reading!, reading)).map((s) => scores.get(s.id) ?? -Infinity)));
  const top = Math.max(...best);
  const winners = best.filter((b) => b === top).length;
  if (top > 0 && winners === 1) return pick(readings[best.indexOf(top)]!, 'context');
  return pick(readings[0]!, 'dictionary');
}
