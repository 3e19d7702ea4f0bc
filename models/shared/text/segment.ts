// Word segmentation with the platform's Intl.Segmenter (ICU dictionaries segment Chinese
// into words, not characters).
import type { Lang } from '../protocol';

export interface Segment {
  text: string;
  start: number;
  end: number;
  isWord: boolean;
}

const segmenters = new Map<string, Intl.Segmenter>();

function segmenter(lang: Lang): Intl.Segmenter {
  let s = segmenters.get(lang);
  if (!s) {
    s = new Intl.Segmenter(lang === 'zh' ? 'zh-Hans' : 'en', { granularity: 'word' });
    segmenters.set(lang, s);
  }
  return s;
}

export function segmentWords(text: string, lang: Lang): Segment[] {
  const out: Segment[] = [];
  for (const s of segmenter(lang).segment(text)) {
    out.push({ text: s.segment, start: s.index, end: s.index + s.segment.length, isWord: s.isWordLike === true });
  }
  return out;
}

/** The word segment that covers UTF-16 offset `at`, if any. */
export function wordAt(text: string, at: number, lang: Lang): Segment | null {
  return segmentWords(text, lang).find((s) => s.isWord && s.start <= at && at < s.end) ?? null;
}
