// Choosing which words of a passage become blanks: content words only, whole words, spread
// over the passage, never two adjacent, deterministic for a seed.
import type { Lang } from '../../../shared/protocol';
import { segmentWords, type Segment } from '../../../shared/text/segment';

const EN_STOPWORDS = new Set(
  `a an the and or but if then than so of to in on at by for with from as is are was were be been being
  it its this that these those he she they we you i me him her them us my your his their our not no do does did
  have has had will would can could should may might must shall there here what which who whom whose when where why how
  all any some each every more most other such only own same very just also into over under again further once about
  near upon onto among between through during before after above below up down out off while until`
    .split(/\s+/)
    .filter(Boolean),
);

export function isContentWord(segment: Segment, lang: Lang): boolean {
  if (!segment.isWord) return false;
  if (lang === 'zh') return /^\p{Script=Han}{2,}$/u.test(segment.text);
  return /^\p{L}{3,}$/u.test(segment.text) && !EN_STOPWORDS.has(segment.text.toLowerCase());
}

/** Mulberry32: a small seeded PRNG, so the same seed gives the same exercise. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Content words of a passage (blank candidates), in order, with their index among all words. */
export function contentCandidates(text: string, lang: Lang): { s: Segment; wordIndex: number }[] {
  const words = segmentWords(text, lang).filter((s) => s.isWord);
  return words.map((s, wordIndex) => ({ s, wordIndex })).filter(({ s }) => isContentWord(s, lang));
}

/**
 * Blanks: content words, in passage order. `score` (optional) ranks candidates, e.g. by how well
 * the model's probability fits the difficulty (ties are broken by the seed); without it the
 * choice is seeded. `eligible` (optional) rules words out, e.g. ones the model cannot spell.
 */
export function chooseBlanks(
  text: string,
  lang: Lang,
  count: number,
  seed: number,
  score?: (segment: Segment, index: number) => number,
  eligible?: (segment: Segment) => boolean,
  /** Words to blank first: in each stratum, one of them wins over any other candidate. */
  prefer?: (segment: Segment) => boolean,
): Segment[] {
  const all = contentCandidates(text, lang);
  const candidates = eligible ? all.filter(({ s }) => eligible(s)) : all;
  if (candidates.length === 0 || count <= 0) return [];
  // Spread: split the candidates into `count` equal strata and take the best of each.
  const random = seededRandom(seed);
  const strata = Math.min(count, candidates.length);
  const chosen: { s: Segment; wordIndex: number }[] = [];
  for (let k = 0; k < strata; k++) {
    const lo = Math.floor((k * candidates.length) / strata);
    const hi = Math.floor(((k + 1) * candidates.length) / strata);
    const pool = candidates
      .slice(lo, hi)
      .map((c, i) => ({ c, index: lo + i }))
      .filter(({ c }) => !chosen.some((p) => Math.abs(p.wordIndex - c.wordIndex) <= 1));
    if (pool.length === 0) continue;
    const ranked = pool
      .map(({ c, index }) => ({ c, first: prefer?.(c.s) ? 1 : 0, key: score ? score(c.s, index) : random(), tie: score ? random() : 0 }))
      .sort((a, b) => b.first - a.first || b.key - a.key || b.tie - a.tie);
    chosen.push(ranked[0]!.c);
  }
  return chosen.map((c) => c.s).sort((a, b) => a.start - b.start);
}
