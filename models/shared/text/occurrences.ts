// Every use of a word on a page: whole words only, found through the platform word segmenter
// (so Chinese 银行 matches the word 银行, never the 行 of 行走), with English inflections.
import { LIMITS, type Lang } from '../protocol';
import { sentenceAround, type Window, windowAround } from './context';
import { type Segment, segmentWords } from './segment';

export interface Occurrence {
  /** Index of the text block it was found in. */
  block: number;
  /** UTF-16 offsets in that block. */
  start: number;
  end: number;
  /** The form as written, e.g. "Banks". */
  text: string;
  /** The sentence around it, with the word's offsets inside the sentence. */
  sentence: Window;
}

export interface OccurrenceOptions {
  lang: Lang;
  /** English: also match bank/banks/banking/banked (default true). */
  inflections?: boolean;
  /** At most this many occurrences, in page order. */
  limit?: number;
  /** Sentences longer than this are cut around the word. */
  sentenceChars?: number;
}

const POSSESSIVE = /['’]s$/i;

export function findOccurrences(blocks: readonly string[], word: string, options: OccurrenceOptions): Occurrence[] {
  const target = word.trim();
  if (!target) return [];
  const limit = options.limit ?? LIMITS.occurrences;
  const matches = options.lang === 'zh' ? chineseMatcher(target) : englishMatcher(target, options.inflections ?? true);
  const out: Occurrence[] = [];
  blocks.forEach((text, block) => {
    for (const span of matches(text)) {
      if (out.length >= limit) return;
      const sentence = sentenceAround(text, span.start, span.end);
      const cap = options.sentenceChars ?? 400;
      const window = sentence.text.length > cap ? { ...windowAround(sentence.text, sentence.start, sentence.end, cap), truncated: true } : sentence;
      out.push({ block, start: span.start, end: span.end, text: text.slice(span.start, span.end), sentence: window });
    }
  });
  return out;
}

type Matcher = (text: string) => { start: number; end: number }[];

/** English words are single segments; compared case-insensitively, possessive 's set aside. */
function englishMatcher(word: string, inflections: boolean): Matcher {
  const lemmas = inflections ? lemmasOf(word.toLowerCase()) : new Set([word.toLowerCase()]);
  return (text) =>
    segmentWords(text, 'en').flatMap((s) => {
      if (!s.isWord) return [];
      const bare = s.text.replace(POSSESSIVE, '');
      const form = bare.toLowerCase();
      const hit = inflections ? [...lemmasOf(form)].some((l) => lemmas.has(l)) : lemmas.has(form);
      return hit ? [{ start: s.start, end: s.start + bare.length }] : [];
    });
}

/**
 * A Chinese word may be one segment or several (the segmenter's dictionary decides), so a match
 * is any run of whole segments that spells the word: it must start and end on segment edges.
 */
function chineseMatcher(word: string): Matcher {
  return (text) => {
    const segments: Segment[] = segmentWords(text, 'zh');
    const starts = new Set(segments.map((s) => s.start));
    const ends = new Set(segments.map((s) => s.end));
    const spans: { start: number; end: number }[] = [];
    for (let at = text.indexOf(word); at >= 0; at = text.indexOf(word, at + 1)) {
      if (starts.has(at) && ends.has(at + word.length)) spans.push({ start: at, end: at + word.length });
    }
    return spans;
  };
}

/**
 * The form itself plus the stems its regular English inflections could come from: -s/-es/-ies,
 * -ed/-d/-ied, -ing (with a doubled final consonant or dropped e). Two forms are the same word
 * when these sets meet. Derivations (banker, bankrupt) and irregular forms are not matched.
 */
export function lemmasOf(form: string): Set<string> {
  const w = form.toLowerCase();
  const out = new Set([w]);
  const add = (stem: string) => {
    if (stem.length >= 2) out.add(stem);
  };
  const undouble = (stem: string) => {
    add(stem);
    if (stem.length >= 3 && stem.at(-1) === stem.at(-2) && !'aeiou'.includes(stem.at(-1)!)) add(stem.slice(0, -1));
  };
  if (w.endsWith('ies') && w.length > 4) add(`${w.slice(0, -3)}y`);
  else if (w.endsWith('es') && w.length > 3) {
    add(w.slice(0, -2));
    add(w.slice(0, -1));
  } else if (w.endsWith('s') && !w.endsWith('ss') && w.length > 3) add(w.slice(0, -1));
  if (w.endsWith('ied') && w.length > 4) add(`${w.slice(0, -3)}y`);
  else if (w.endsWith('ed') && w.length > 4) {
    undouble(w.slice(0, -2));
    add(w.slice(0, -1));
  }
  if (w.endsWith('ing') && w.length > 5) {
    undouble(w.slice(0, -3));
    add(`${w.slice(0, -3)}e`);
  }
  return out;
}
