// The page's main text, readability-style: the block whose paragraphs hold the most text
// (an <article> or <main>, or the parent of the most paragraph text), leaving out navigation,
// headers, footers, sidebars and link lists. Pure DOM, so it runs in the content script and in tests.
// Now the fallback of article.ts (Mozilla's Readability), for pages where Readability finds nothing.
import { LIMITS } from '../shared/protocol';

export interface MainText {
  /** The block's paragraphs as plain text, separated by blank lines. */
  text: string;
  truncated: boolean;
}

const SKIP =
  'nav,header,footer,aside,script,style,noscript,template,form,button,select,textarea,[hidden],[aria-hidden="true"],' +
  '[role=navigation],[role=banner],[role=contentinfo],[role=complementary],[role=search],sesame-bubble';
const PARAGRAPHS = 'p,blockquote,pre';
/** The document's own word for its main content. */
const LANDMARKS = 'article,main,[role=main]';
/** Shorter paragraphs are usually captions, bylines or buttons. */
const MIN_PARAGRAPH_CHARS = 20;
/** Above this share of text in links, a paragraph or block is a link list. */
const MAX_LINK_DENSITY = 0.5;

const clean = (s: string | null | undefined): string => (s ?? '').replace(/\s+/g, ' ').trim();

function linkDensity(el: Element, textLength: number): number {
  if (textLength === 0) return 0;
  let links = 0;
  for (const a of el.querySelectorAll('a')) links += clean(a.textContent).length;
  return Math.min(1, links / textLength);
}

export function extractMainText(doc: Document, limit: number = LIMITS.contextChars): MainText | null {
  const root = doc.body ?? doc.documentElement;
  const texts = new Map<Element, string>();
  for (const p of root.querySelectorAll(PARAGRAPHS)) {
    if (p.closest(SKIP) || p.parentElement?.closest(PARAGRAPHS)) continue;
    const text = clean(p.textContent);
    if (text.length >= MIN_PARAGRAPH_CHARS && linkDensity(p, text.length) <= MAX_LINK_DENSITY) texts.set(p, text);
  }
  if (texts.size === 0) return null;

  // A paragraph counts fully for its parent and half for its grandparent (sections of one article).
  const scores = new Map<Element, number>();
  const add = (el: Element | null, n: number) => el && el !== doc.documentElement && scores.set(el, (scores.get(el) ?? 0) + n);
  for (const [p, text] of texts) {
    add(p.parentElement, text.length);
    add(p.parentElement?.parentElement ?? null, text.length / 2);
  }
  for (const landmark of root.querySelectorAll(LANDMARKS)) {
    if (landmark.closest(SKIP)) continue;
    let total = 0;
    for (const [p, text] of texts) if (landmark.contains(p)) total += text.length;
    scores.set(landmark, Math.max(scores.get(landmark) ?? 0, total));
  }

  let best: Element | null = null;
  let bestScore = 0;
  for (const [el, score] of scores) {
    const adjusted = score * (1 - linkDensity(el, clean(el.textContent).length));
    if (adjusted > bestScore) [best, bestScore] = [el, adjusted];
  }
  if (!best) return null;
  const chosen = best;
  const paragraphs = [...texts].filter(([p]) => chosen.contains(p)).map(([, text]) => text);
  return cut(paragraphs.join('\n\n'), limit);
}

/** Cuts at the last paragraph break (or else space) before `limit`, so no word is broken. */
function cut(text: string, limit: number): MainText {
  if (text.length <= limit) return { text, truncated: false };
  const head = text.slice(0, limit);
  const paragraph = head.lastIndexOf('\n\n');
  const space = head.lastIndexOf(' ');
  const at = paragraph >= limit / 2 ? paragraph : space >= limit / 2 ? space : limit;
  return { text: head.slice(0, at).trimEnd(), truncated: true };
}
