// Cutting a bounded window of context around a target span, so huge selections or paragraphs
// never reach the model whole.

export interface Window {
  text: string;
  /** Offsets of the target inside `text`. */
  start: number;
  end: number;
  truncated: boolean;
}

const SENTENCE_END = /[.!?。！？；;\n]/u;

/** Cuts `text` to at most `maxChars` around [start, end), preferring sentence boundaries. */
export function windowAround(text: string, start: number, end: number, maxChars: number): Window {
  if (text.length <= maxChars) return { text, start, end, truncated: false };
  if (end - start >= maxChars) return { text: text.slice(start, start + maxChars), start: 0, end: maxChars, truncated: true };
  const room = Math.max(0, maxChars - (end - start));
  let from = Math.max(0, start - Math.floor(room / 2));
  let to = Math.min(text.length, from + (end - start) + room);
  from = Math.max(0, to - maxChars);
  // Move inward to the nearest sentence boundary when one is close.
  const head = text.slice(from, start);
  const cut = head.search(SENTENCE_END);
  if (from > 0 && cut >= 0 && cut < head.length / 2) from += cut + 1;
  const tail = text.slice(end, to);
  let lastEnd = -1;
  for (let i = tail.length - 1; i >= tail.length / 2; i--) {
    if (SENTENCE_END.test(tail[i]!)) {
      lastEnd = i;
      break;
    }
  }
  if (to < text.length && lastEnd >= 0) to = end + lastEnd + 1;
  return { text: text.slice(from, to), start: start - from, end: end - from, truncated: true };
}

/** The sentence of `text` containing [start, end). */
export function sentenceAround(text: string, start: number, end: number): Window {
  let from = start;
  while (from > 0 && !SENTENCE_END.test(text[from - 1]!)) from--;
  let to = end;
  while (to < text.length && !SENTENCE_END.test(text[to]!)) to++;
  if (to < text.length) to++;
  const raw = text.slice(from, to);
  const lead = raw.length - raw.trimStart().length;
  const trimmed = raw.trim();
  return { text: trimmed, start: start - from - lead, end: end - from - lead, truncated: from > 0 || to < text.length };
}
