// The page's article for "Practise on this article", found as Firefox's Reader View finds it:
// Mozilla's Readability (@mozilla/readability) runs on a clone of the document (it rewrites its
// input), and the article element it settles on is read back as plain text, block by block, so the
// passage keeps its paragraphs, list items and table rows. Nothing of the page is ever turned into
// HTML: the text is read from text nodes. Pages where Readability finds nothing fall back to the
// hand-written extractor (main-text.ts). Long articles are not cut at the cloze limit: the
// practice page offers them in sections (models/shared/practice/sections.ts).
import { Readability } from '@mozilla/readability';
import { LIMITS, type MainTextReply } from '../shared/protocol';
import { extractMainText } from './main-text';

export interface Article {
  /** Paragraphs separated by blank lines; line breaks inside a paragraph are kept as '\n'. */
  text: string;
  truncated: boolean;
  /** Which extractor found it. */
  source: 'readability' | 'fallback';
}

/** Elements that end a paragraph (their text is a block of its own). */
const BLOCKS = new Set([
  'ADDRESS',
  'ARTICLE',
  'ASIDE',
  'BLOCKQUOTE',
  'CAPTION',
  'DD',
  'DETAILS',
  'DIV',
  'DL',
  'DT',
  'FIELDSET',
  'FIGCAPTION',
  'FIGURE',
  'FOOTER',
  'FORM',
  'H1',
  'H2',
  'H3',
  'H4',
  'H5',
  'H6',
  'HEADER',
  'HR',
  'LI',
  'MAIN',
  'NAV',
  'OL',
  'P',
  'PRE',
  'SECTION',
  'SUMMARY',
  'TABLE',
  'TBODY',
  'TFOOT',
  'THEAD',
  'TR',
  'UL',
]);
/** Never text, even if Readability kept them. */
const SKIPPED = new Set([
  'SCRIPT',
  'STYLE',
  'NOSCRIPT',
  'TEMPLATE',
  'SVG',
  'MATH',
  'BUTTON',
  'SELECT',
  'TEXTAREA',
  'INPUT',
  'IFRAME',
  'OBJECT',
  'EMBED',
  'CANVAS',
]);
const CELLS = new Set(['TD', 'TH']);

/**
 * Readability runs on the page's main thread, on a clone: above this many elements it would hold
 * the page for seconds (a 50 000-element page: 1.7 s in Chromium), so such pages get the fallback.
 * The largest of Readability's own test pages has 9 900 (0.6 s).
 */
export const MAX_READABILITY_ELEMENTS = 30_000;
/** Less than this is a caption or a button, not something to practise on. */
const MIN_ARTICLE_CHARS = 20;

const SPACES = /[ \t\n\r\f\v\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]+/g;

/**
 * An element's text with paragraph breaks: blocks become paragraphs ("\n\n" between them), `<br>`
 * a line break (two in a row a paragraph break), table cells are kept apart by a space, runs of white space become one space
 * (inside `<pre>` lines are kept).
 */
export function blockText(root: Node): string {
  const paragraphs: string[] = [];
  let line = '';
  let lines: string[] = [];
  const endLine = () => {
    const l = line.replace(SPACES, ' ').trim();
    if (l) lines.push(l);
    line = '';
  };
  const endParagraph = () => {
    endLine();
    if (lines.length) paragraphs.push(lines.join('\n'));
    lines = [];
  };
  const walk = (node: Node, pre: boolean): void => {
    if (node.nodeType === 3 /* text */) {
      const text = node.nodeValue ?? '';
      if (!pre) line += text;
      else
        text.split('\n').forEach((part, i) => {
          if (i > 0) endLine();
          line += part;
        });
      return;
    }
    if (node.nodeType !== 1 /* element */ && node.nodeType !== 9 && node.nodeType !== 11) return;
    const tag = node.nodeType === 1 ? (node as Element).tagName.toUpperCase() : '';
    if (SKIPPED.has(tag)) return;
    if (tag === 'BR') {
      // A second <br> in a row ends the paragraph (text in <div>s, paragraphs split by <br><br>).
      if (lines.length && !line.replace(SPACES, '')) endParagraph();
      else endLine();
      return;
    }
    const block = BLOCKS.has(tag);
    if (block) endParagraph();
    if (CELLS.has(tag)) line += ' ';
    const inPre = pre || tag === 'PRE';
    for (let child = node.firstChild; child; child = child.nextSibling) walk(child, inPre);
    if (CELLS.has(tag)) line += ' ';
    if (block) endParagraph();
  };
  walk(root, false);
  endParagraph();
  return paragraphs.join('\n\n');
}

/** Readability's article on a clone of `doc`, as text with paragraph breaks; null when it finds none. */
export function readabilityText(doc: Document): string | null {
  const clone = doc.cloneNode(true) as Document;
  // Our own bubble and ghost text are no part of the page.
  for (const el of clone.querySelectorAll('sesame-bubble,sesame-ghost')) el.remove();
  const article = new Readability<Node>(clone, { serializer: (node) => node }).parse();
  const content = article?.content;
  const text = content ? blockText(content) : '';
  return text ? text : null;
}

/**
 * The page's article: Readability's, or the hand-written extractor's where Readability finds
 * nothing or the page is too big for it. `isProbablyReaderable` is not used as a gate: on
 * Readability's own test pages, the pages it calls unreaderable still get a better text from
 * Readability than from the fallback (mathjax F1 0.54 against 0.18, mozilla-2 1.00 against 0.84),
 * and this runs only when the popup asks.
 */
export function extractArticle(doc: Document, limit: number = LIMITS.articleChars, maxElements: number = MAX_READABILITY_ELEMENTS): Article | null {
  let text: string | null = null;
  if (doc.getElementsByTagName('*').length <= maxElements) {
    try {
      text = readabilityText(doc);
    } catch {
      text = null;
    }
  }
  if (text && text.length >= MIN_ARTICLE_CHARS) return { ...cutAt(text, limit), source: 'readability' };
  const main = extractMainText(doc, limit);
  return main ? { ...main, source: 'fallback' } : null;
}

/** The content script's answer to a `mainText` message. */
export function mainTextReplyFor(doc: Document, url: string): MainTextReply {
  const article = extractArticle(doc);
  return article ? { kind: 'mainText', text: article.text, truncated: article.truncated, url: url.slice(0, 4000) } : { kind: 'none' };
}

/** Cuts at the last paragraph break (or else space) before `limit`, so no word is broken. */
export function cutAt(text: string, limit: number): { text: string; truncated: boolean } {
  if (text.length <= limit) return { text, truncated: false };
  const head = text.slice(0, limit);
  const paragraph = head.lastIndexOf('\n\n');
  const space = head.search(/\s\S*$/);
  const at = paragraph >= limit / 2 ? paragraph : space >= limit / 2 ? space : limit;
  return { text: head.slice(0, at).trimEnd(), truncated: true };
}
