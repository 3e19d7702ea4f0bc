// A long passage (a whole article) in sections the cloze tool handles well, instead of cutting it:
// the tool reads at most CLOZE_CHARS (2000) characters of a passage (models/tools/cloze.ts) and the
// practice page asks for up to 20 blanks, about one blank per 100 characters at most. Sections end
// at paragraph breaks; a paragraph longer than a section is split between sentences (or else words).
// Sections are of even length where the paragraphs allow (no 40-character last section).

/** Characters of one section: what the cloze tool reads of a passage (CLOZE_CHARS, tested equal). */
export const SECTION_CHARS = 2000;

const SENTENCE_END = /(?<=[.!?…。！？](?:["'”’»)\]」』]*))\s+|(?<=[。！？])/u;

/** Splits `text` into pieces of at most `max` characters at the first kind of boundary that works. */
function splitLong(text: string, max: number): string[] {
  if (text.length <= max) return [text];
  for (const boundary of [/\n/, SENTENCE_END, /\s+/]) {
    const parts = text.split(boundary).map((p) => p.trim()).filter(Boolean);
    if (parts.length > 1) return pack(parts.flatMap((p) => splitLong(p, max)), max, boundary.source === '\\n' ? '\n' : ' ');
  }
  // One unbroken run (e.g. Chinese without punctuation): by code points, never splitting a pair.
  const chars = [...text];
  const out: string[] = [];
  for (let i = 0; i < chars.length; ) {
    let piece = '';
    while (i < chars.length && piece.length + chars[i]!.length <= max) piece += chars[i++];
    out.push(piece);
  }
  return out;
}

/** Joins consecutive pieces (each at most `max`) into groups of at most `max`, of even size. */
function pack(pieces: readonly string[], max: number, joiner: string): string[] {
  const total = pieces.reduce((n, p) => n + p.length, 0) + joiner.length * Math.max(0, pieces.length - 1);
  const target = total / Math.ceil(total / max);
  const out: string[] = [];
  let current = '';
  for (const piece of pieces) {
    const joined = current ? current + joiner + piece : piece;
    if (current && (joined.length > max || current.length >= target)) {
      out.push(current);
      current = piece;
    } else current = joined;
  }
  if (current) out.push(current);
  return out;
}

/** The passage's sections, in order; a passage of at most `max` characters is one section. */
export function sectionsOf(text: string, max: number = SECTION_CHARS): string[] {
  const trimmed = text.trim();
  if (!trimmed) return [];
  if (trimmed.length <= max) return [trimmed];
  const paragraphs = trimmed
    .split(/\n[ \t]*\n\s*/)
    .map((p) => p.trim())
    .filter(Boolean);
  return pack(paragraphs.flatMap((p) => splitLong(p, max)), max, '\n\n');
}
