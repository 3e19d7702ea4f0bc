// Finding every use of the selected word in the page's text, with a DOM range for each (to
// scroll to and highlight it later). Bounded in time and count, so a huge page stays responsive:
// blocks are scanned in document order and the scan stops when the budget is spent.
import { type Capture, LIMITS, type Lang, type OccurrenceSpan } from '../shared/protocol';
import { findOccurrences, lemmasOf } from '../shared/text/occurrences';
import { windowAround } from '../shared/text/context';
import { langOfSelection } from '../shared/text/lang';

export interface PageOccurrences {
  spans: OccurrenceSpan[];
  /** The range of each span in the page (null for one that is not page text, e.g. in a field). */
  ranges: (Range | null)[];
  /** Index of the selected use, when found. */
  selected: number | undefined;
  /** The scan stopped early (time or count limit). */
  partial: boolean;
}

export interface ScanOptions {
  lang: Lang;
  inflections?: boolean;
  budgetMs?: number;
  limit?: number;
  now?: () => number;
}

const BLOCK = 'p,li,dd,dt,td,th,blockquote,pre,h1,h2,h3,h4,h5,h6,figcaption,caption,summary,label,article,section,main,aside,header,footer,nav,div,body';
const SKIP = new Set(['SCRIPT', 'STYLE', 'NOSCRIPT', 'TEXTAREA', 'TEMPLATE', 'SVG', 'CANVAS', 'SELECT', 'OPTION', 'IFRAME', 'SESAME-BUBBLE']);

interface Block {
  text: string;
  nodes: { node: Text; start: number }[];
}

/** Text of the page in blocks (nearest block ancestor), each with the text nodes that make it up. */
function* textBlocks(root: Node): Generator<Block> {
  const walker = root.ownerDocument!.createTreeWalker(root, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT, {
    acceptNode: (n) =>
      n.nodeType === Node.ELEMENT_NODE && SKIP.has((n as Element).tagName.toUpperCase()) ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT,
  });
  let current: { el: Element | null; block: Block } | null = null;
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    if (n.nodeType !== Node.TEXT_NODE) continue;
    const text = n as Text;
    const el = text.parentElement?.closest(BLOCK) ?? null;
    if (!current || current.el !== el) {
      if (current) yield current.block;
      current = { el, block: { text: '', nodes: [] } };
    }
    current.block.nodes.push({ node: text, start: current.block.text.length });
    current.block.text += text.data;
  }
  if (current) yield current.block;
}

/** A cheap substring every matching form must contain, to skip blocks without segmenting them. */
export function prefilterOf(word: string, lang: Lang, inflections: boolean): string {
  const w = word.trim().toLowerCase();
  if (lang === 'zh' || !inflections) return w;
  const shortest = [...lemmasOf(w)].sort((a, b) => a.length - b.length)[0] ?? w;
  const stem = /[ey]$/.test(shortest) && shortest.length > 3 ? shortest.slice(0, -1) : shortest;
  return stem.length >= 2 ? stem : w;
}

function rangeOf(block: Block, start: number, end: number): Range | null {
  const at = (offset: number, preferNext: boolean) => {
    for (let i = 0; i < block.nodes.length; i++) {
      const { node, start: s } = block.nodes[i]!;
      const e = s + node.data.length;
      if (offset < e || (offset === e && !preferNext) || i === block.nodes.length - 1) return { node, offset: Math.min(offset - s, node.data.length) };
    }
    return null;
  };
  const a = at(start, true);
  const b = at(end, false);
  if (!a || !b) return null;
  const range = a.node.ownerDocument.createRange();
  range.setStart(a.node, Math.max(0, a.offset));
  range.setEnd(b.node, Math.max(0, b.offset));
  return range;
}

export function scanOccurrences(root: Node, word: string, selection: Range | null, options: ScanOptions): PageOccurrences {
  const now = options.now ?? (() => performance.now());
  const deadline = now() + (options.budgetMs ?? 150);
  const limit = options.limit ?? LIMITS.occurrences;
  const inflections = options.inflections ?? true;
  const needle = prefilterOf(word, options.lang, inflections);
  const out: PageOccurrences = { spans: [], ranges: [], selected: undefined, partial: false };
  for (const block of textBlocks(root)) {
    if (now() > deadline || out.spans.length >= limit) {
      out.partial = true;
      break;
    }
    if (!block.text.toLowerCase().includes(needle)) continue;
    const found = findOccurrences([block.text], word, {
      lang: options.lang,
      inflections,
      limit: limit - out.spans.length,
      sentenceChars: LIMITS.occurrenceChars,
    });
    for (const o of found) {
      const range = rangeOf(block, o.start, o.end);
      if (
        selection &&
        range &&
        out.selected === undefined &&
        range.isPointInRange(selection.startContainer, selection.startOffset) &&
        !endsBefore(range, selection)
      ) {
        out.selected = out.spans.length;
      }
      out.spans.push({ text: o.sentence.text, start: o.sentence.start, end: o.sentence.end });
      out.ranges.push(range);
    }
  }
  return out;
}

/** Whether `range` ends at the selection's start (the selection begins right after it). */
function endsBefore(range: Range, selection: Range): boolean {
  return range.endContainer === selection.startContainer && range.endOffset === selection.startOffset && !range.collapsed;
}

/** Puts the selected use first when the scan did not find it (a text field, or past the budget). */
export function withSelected(found: PageOccurrences, own: OccurrenceSpan): PageOccurrences {
  if (found.selected !== undefined) return found;
  const spans = [own, ...found.spans].slice(0, LIMITS.occurrences);
  const ranges = [null, ...found.ranges].slice(0, LIMITS.occurrences);
  return { spans, ranges, selected: 0, partial: found.partial };
}

const ONE_WORD: Record<Lang, RegExp> = { en: /^[\p{L}\p{M}\p{N}'’-]{1,64}$/u, zh: /^\p{Script=Han}{1,8}$/u };

/**
 * The capture with every use of its word on the page, when the selection is one word, plus the
 * ranges to reveal them by. The selected use is always among them.
 */
export function captureWithOccurrences(
  capture: Capture,
  root: Node,
  selection: Range | null,
  options: Omit<ScanOptions, 'lang'>,
): { capture: Capture; ranges: (Range | null)[] } {
  const word = capture.text.slice(capture.start, capture.end).trim();
  const lang = langOfSelection(word, capture.text);
  if (!lang || !ONE_WORD[lang].test(word)) return { capture, ranges: [] };
  const found = withSelected(scanOccurrences(root, word, selection, { ...options, lang }), ownSpan(capture, word));
  return { capture: { ...capture, occurrences: found.spans, selected: found.selected! }, ranges: found.ranges };
}

/** The selected word in its own sentence, as an occurrence span. */
function ownSpan(c: Capture, word: string): OccurrenceSpan {
  const lead = c.text.slice(c.start, c.end).indexOf(word);
  const start = c.start + Math.max(0, lead);
  const from = Math.min(c.sentenceStart, start);
  const to = Math.max(c.sentenceEnd, start + word.length);
  const w = windowAround(c.text.slice(from, to), start - from, start - from + word.length, LIMITS.occurrenceChars);
  return { text: w.text, start: w.start, end: w.end };
}
