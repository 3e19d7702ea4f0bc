// A long passage (a whole article) in sections the cloze tool handles well, instead of cutting it:
// the tool reads at most CLOZE_CHARS (2000) characters of a passage (models/host/tools/cloze/cloze.ts) and the
// practice page asks for up to 20 blanks, about one blank per 100 characters at most. Sections end
// at paragraph breaks; a paragraph longer than a section is split between lines (or else
// sentences, words, characters). As few sections as that allows, of as even a length as it allows
// (no 40-character last section).

/** Characters of one section: what the cloze tool reads of a passage (CLOZE_CHARS, tested equal). */
export const SECTION_CHARS = 2000;

/** Where a long paragraph may be split, best first; each match stays with the piece before it. */
const BREAKS = [/\n+/g, /[.!?…]["'”’»)\]」』]*\s+|[。！？；]["'”’»)\]」』]*\s*/gu, /\s+/g];

interface Unit {
  text: string;
  /** What goes between this unit and the one before it in the same section. */
  joiner: string;
}

/** Pieces of `text`, each at most `max`, that concatenate back to `text`. */
function pieces(text: string, max: number, level = 0): string[] {
  if (text.length <= max) return [text];
  const re = BREAKS[level];
  if (!re) {
    // One unbroken run (e.g. Chinese without punctuation): by code points, never splitting a pair.
    const out: string[] = [];
    let piece = '';
    for (const ch of text) {
      if (piece.length + ch.length > max) [out[out.length], piece] = [piece, ''];
      piece += ch;
    }
    if (piece) out.push(piece);
    return out;
  }
  const parts: string[] = [];
  let from = 0;
  for (const m of text.matchAll(re)) {
    const to = m.index + m[0].length;
    if (to <= from || to >= text.length) continue;
    parts.push(text.slice(from, to));
    from = to;
  }
  parts.push(text.slice(from));
  return parts.flatMap((p) => pieces(p, max, level + 1));
}

/** Greedy grouping of consecutive units into groups of at most `cap` characters. */
function group(units: readonly Unit[], cap: number): Unit[][] {
  const groups: Unit[][] = [];
  let current: Unit[] = [];
  let length = 0;
  for (const u of units) {
    const added = current.length ? u.joiner.length + u.text.length : u.text.length;
    if (current.length && length + added > cap) {
      groups.push(current);
      current = [];
      length = 0;
    }
    length += current.length ? u.joiner.length + u.text.length : u.text.length;
    current.push(u);
  }
  if (current.length) groups.push(current);
  return groups;
}

/** The passage's sections, in order; a passage of at most `max` characters is one section. */
export function sectionsOf(text: string, max: number = SECTION_CHARS): string[] {
  const trimmed = text.trim();
  if (!trimmed) return [];
  if (trimmed.length <= max) return [trimmed];
  const units: Unit[] = trimmed
    .split(/\n[ \t]*\n\s*/)
    .map((p) => p.trim())
    .filter(Boolean)
    .flatMap((p) => pieces(p, max).map((piece, i) => ({ text: piece, joiner: i === 0 ? '\n\n' : '' })));
  // Greedy filling to `max` gives the fewest sections; the smallest cap that keeps that number
  // evens them out.
  const fewest = group(units, max).length;
  let lo = Math.max(...units.map((u) => u.text.length));
  let hi = max;
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    if (group(units, mid).length <= fewest) hi = mid;
    else lo = mid + 1;
  }
  return group(units, lo)
    .map((g) =>
      g
        .map((u, i) => (i === 0 ? u.text : u.joiner + u.text))
        .join('')
        .trim(),
    )
    .filter(Boolean);
}
