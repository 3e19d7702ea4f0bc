// Marks saved words in a page with the CSS Custom Highlight API: no element is added or changed
// in the page's content. The scan is bounded and runs in short slices, so a huge page is never
// held up: it walks text nodes in document order, a long text node in pieces of `chunkChars`,
// yields to the page every `sliceMs`, and stops at `budgetMs` of its own time, `maxNodes` text
// nodes, `maxChars` characters or `maxMarks` marks, whichever comes first (docs/security.md says
// what a page can learn from the marks, and why the feature is off by default; docs/benchmarks.md
// what the scan costs a long page).
import { NOT_PAGE_TEXT } from '../hover/text-at-point';
import { findKnown, type KnownIndex, type KnownWord } from './known-words';

export const HIGHLIGHT_NAME = 'sesame-known';
export const KNOWN_CSS = `::highlight(${HIGHLIGHT_NAME}) { text-decoration: underline dotted 2px; text-decoration-color: #a21caf; text-underline-offset: 3px; }`;

export interface Mark {
  range: Range;
  word: KnownWord;
}

export interface ScanStats {
  /** Time the scan itself took (the page ran in between its slices). */
  ms: number;
  /** Wall time from start to end. */
  wallMs: number;
  nodes: number;
  chars: number;
  marks: number;
  /** The longest slice: how long the page was kept waiting at most. */
  longestSliceMs: number;
  /** Stopped by a limit before the end of the page. */
  partial: boolean;
}

export interface ScanLimits {
  sliceMs?: number;
  budgetMs?: number;
  maxNodes?: number;
  /** Characters of text read in all: a bound that does not depend on the clock. */
  maxChars?: number;
  maxMarks?: number;
  /** A text node longer than this is read in pieces, so one node cannot hold a slice up. */
  chunkChars?: number;
  inflections?: boolean;
  now?: () => number;
  /** Lets the page run between slices. */
  yieldToPage?: () => Promise<void>;
}

/** The limits a scan runs under unless told otherwise. */
export const SCAN_LIMITS = { sliceMs: 8, budgetMs: 150, maxNodes: 50_000, maxChars: 500_000, maxMarks: 2_000, chunkChars: 4_096 } as const;

const SKIP = 'script,style,noscript,template,textarea,select,option,svg,canvas,iframe';

/** Finds the saved words in `root`'s text; `signal` stops it early. */
export async function scanKnownWords(
  root: Node,
  index: KnownIndex,
  limits: ScanLimits = {},
  signal?: AbortSignal,
): Promise<{ marks: Mark[]; stats: ScanStats }> {
  const now = limits.now ?? (() => performance.now());
  const sliceMs = limits.sliceMs ?? SCAN_LIMITS.sliceMs;
  const budgetMs = limits.budgetMs ?? SCAN_LIMITS.budgetMs;
  const maxNodes = limits.maxNodes ?? SCAN_LIMITS.maxNodes;
  const maxChars = limits.maxChars ?? SCAN_LIMITS.maxChars;
  const maxMarks = limits.maxMarks ?? SCAN_LIMITS.maxMarks;
  const chunkChars = Math.max(1, limits.chunkChars ?? SCAN_LIMITS.chunkChars);
  const yieldToPage = limits.yieldToPage ?? (() => new Promise<void>((resolve) => setTimeout(resolve, 0)));
  const doc = root.ownerDocument ?? (root as Document);
  const stats: ScanStats = { ms: 0, wallMs: 0, nodes: 0, chars: 0, marks: 0, longestSliceMs: 0, partial: false };
  const marks: Mark[] = [];
  const began = now();
  if (index.size === 0) return { marks, stats };
  const walker = doc.createTreeWalker(root, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT, {
    acceptNode: (n) =>
      n.nodeType === Node.ELEMENT_NODE
        ? (n as Element).matches(SKIP) || (n as Element).matches(NOT_PAGE_TEXT)
          ? NodeFilter.FILTER_REJECT
          : NodeFilter.FILTER_SKIP
        : NodeFilter.FILTER_ACCEPT,
  });
  let node = walker.nextNode() as Text | null;
  /** Where in `node` the next piece starts. */
  let offset = 0;
  const limited = (): boolean => marks.length >= maxMarks || stats.nodes >= maxNodes || stats.chars >= maxChars;
  while (node && !signal?.aborted) {
    const sliceStart = now();
    while (node && now() - sliceStart < sliceMs) {
      const text = node.data;
      if (offset === 0) stats.nodes++;
      const end = Math.min(pieceEnd(text, offset, chunkChars), offset + Math.max(1, maxChars - stats.chars));
      stats.chars += end - offset;
      const piece = offset === 0 && end === text.length ? text : text.slice(offset, end);
      for (const span of findKnown(piece, index, limits.inflections)) {
        const range = doc.createRange();
        range.setStart(node, offset + span.start);
        range.setEnd(node, offset + span.end);
        marks.push({ range, word: span.word });
        if (marks.length >= maxMarks) break;
      }
      if (end < text.length) offset = end;
      else {
        node = walker.nextNode() as Text | null;
        offset = 0;
      }
      if (limited()) break;
    }
    const slice = now() - sliceStart;
    stats.ms += slice;
    stats.longestSliceMs = Math.max(stats.longestSliceMs, slice);
    if (node && (limited() || stats.ms >= budgetMs)) {
      stats.partial = true;
      break;
    }
    if (node) await yieldToPage();
  }
  stats.marks = marks.length;
  stats.wallMs = now() - began;
  return { marks, stats };
}

const WORD_CHAR = /[\p{L}\p{M}\p{N}'’-]/u;
/** How far a word may run past a piece's size before the piece is cut inside it. */
const WORD_SLACK = 256;

/**
 * Where the piece of `text` from `from` ends: `size` characters on, moved forward to the end of
 * the word there (so a word is never cut in two) unless no word boundary comes within
 * WORD_SLACK characters; never inside a surrogate pair.
 */
export function pieceEnd(text: string, from: number, size: number): number {
  if (text.length - from <= size) return text.length;
  let end = from + size;
  const limit = Math.min(text.length, end + WORD_SLACK);
  const inWord = (i: number): boolean => i < text.length && WORD_CHAR.test(text[i - 1]!) && WORD_CHAR.test(text[i]!);
  let at = end;
  while (at < limit && inWord(at)) at++;
  if (!inWord(at)) end = at;
  const code = text.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff && end < text.length) end++;
  return end;
}

type HighlightCtor = new (...ranges: Range[]) => object;
interface HighlightRegistry {
  set(name: string, highlight: object): void;
  delete(name: string): boolean;
}

/** Shows the marks (replacing earlier ones); returns a function that removes them. No-op where the API is missing. */
export function showMarks(doc: Document, marks: readonly Mark[]): () => void {
  const win = doc.defaultView as (Window & { Highlight?: HighlightCtor; CSS?: { highlights?: HighlightRegistry } }) | null;
  const Highlight = win?.Highlight;
  const registry = win?.CSS?.highlights;
  if (!Highlight || !registry) return () => {};
  let sheet: CSSStyleSheet | null = null;
  try {
    sheet = new (win as unknown as { CSSStyleSheet: typeof CSSStyleSheet }).CSSStyleSheet();
    sheet.replaceSync(KNOWN_CSS);
    doc.adoptedStyleSheets = [...doc.adoptedStyleSheets, sheet];
  } catch {
    sheet = null;
  }
  registry.set(HIGHLIGHT_NAME, new Highlight(...marks.map((m) => m.range)));
  return () => {
    registry.delete(HIGHLIGHT_NAME);
    if (sheet) doc.adoptedStyleSheets = doc.adoptedStyleSheets.filter((s) => s !== sheet);
  };
}

/** The mark under a text position, if any. */
export function markAt(marks: readonly Mark[], node: Text, index: number): Mark | null {
  for (const m of marks) {
    if (m.range.startContainer !== node) continue;
    if (index >= m.range.startOffset && index < m.range.endOffset) return m;
  }
  return null;
}
