// The word at a position of a text node's text, and the words before and after it: English (and
// any script with spaces) by Intl.Segmenter; Chinese by the longest dictionary word starting at
// the character pointed at (Zhongwen's rule), falling back to the segmenter where the dictionary
// has none. Pure: the dictionary's answer comes in as `matches` (dict/longest-match.ts).
import { HAN } from '../../shared/dict/longest-match';

export interface Span {
  start: number;
  end: number;
}

const segmenter = new Intl.Segmenter(undefined, { granularity: 'word' });

/** The character (a whole code point) at a UTF-16 index. */
function charAt(text: string, index: number): string {
  return String.fromCodePoint(text.codePointAt(index) ?? 0);
}

export function isHanAt(text: string, index: number): boolean {
  return index >= 0 && index < text.length && HAN.test(charAt(text, index));
}

/** The word-like segment containing `index`, or null (space, punctuation). */
function segmentAt(text: string, index: number): Span | null {
  const seg = segmenter.segment(text).containing(index);
  return seg?.isWordLike ? { start: seg.index, end: seg.index + seg.segment.length } : null;
}

/**
 * The word at `index`. `matches` (optional) gives the longest dictionary word's length at each
 * index of `text` from `matchFrom` on: for a Han character it wins over the segmenter.
 */
export function wordSpanAt(text: string, index: number, matches?: { from: number; lengths: readonly number[] }): Span | null {
  if (index < 0 || index >= text.length) return null;
  if (isHanAt(text, index)) {
    const length = matches?.lengths[index - matches.from] ?? 0;
    if (length > 0) return { start: index, end: Math.min(text.length, index + length) };
    // No dictionary word: the segmenter's word, but from the character pointed at.
    const seg = segmentAt(text, index);
    return seg ? { start: index, end: seg.end } : { start: index, end: index + charAt(text, index).length };
  }
  return segmentAt(text, index);
}

/** Where the first word at or after `from` starts, or -1. */
export function nextWordStart(text: string, from: number): number {
  for (const seg of segmenter.segment(text)) {
    if (seg.index + seg.segment.length <= from || !seg.isWordLike) continue;
    return Math.max(from, seg.index);
  }
  return -1;
}

/** Where the last word starting before `before` starts, or -1 (a word the pointer entered mid-way: its start). */
export function previousWordStart(text: string, before: number): number {
  let found = -1;
  for (const seg of segmenter.segment(text)) {
    if (seg.index >= before) break;
    if (seg.isWordLike) found = seg.index;
  }
  return found;
}
