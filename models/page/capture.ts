// Capturing what the user selected: the selected span, its paragraph and sentence, as plain
// text and offsets. Works on page text, <textarea>/<input>, contenteditable content and open
// shadow roots.
import { type Capture, LIMITS } from '../shared/protocol';
import { sentenceAround, windowAround } from '../shared/text/context';
import { isSensitiveField } from './sensitive';

export type CaptureOutcome = { kind: 'capture'; capture: Capture } | { kind: 'none'; reason: 'no-selection' | 'sensitive-field' };

const BLOCK = 'p,li,dd,dt,td,th,blockquote,pre,h1,h2,h3,h4,h5,h6,figcaption,article,section,div,body';

export function captureSelection(win: Window): CaptureOutcome {
  const doc = win.document;
  const active = deepActiveElement(doc);
  if (isTextField(active)) {
    if (isSensitiveField(active)) return { kind: 'none', reason: 'sensitive-field' };
    const start = active.selectionStart ?? 0;
    const end = active.selectionEnd ?? start;
    if (active.value.slice(start, end).trim()) return { kind: 'capture', capture: build(active.value, start, end, win) };
  }
  const selection = win.getSelection();
  const range = selectedRange(win);
  if (!selection || !range || !selection.toString().trim()) return { kind: 'none', reason: 'no-selection' };
  return captureRange(win, range);
}

/** A range of page text (the selection, or the word under the pointer) in its paragraph and sentence. */
export function captureRange(win: Window, range: Range): CaptureOutcome {
  const doc = win.document;
  if (!range.toString().trim()) return { kind: 'none', reason: 'no-selection' };
  const startEl = elementOf(range.startContainer);
  if (startEl?.closest('input,textarea') && isSensitiveField(startEl.closest('input,textarea') as HTMLInputElement)) {
    return { kind: 'none', reason: 'sensitive-field' };
  }
  const block = startEl?.closest(BLOCK);
  if (block?.contains(range.endContainer)) {
    const before = doc.createRange();
    before.setStart(block, 0);
    before.setEnd(range.startContainer, range.startOffset);
    const text = block.textContent ?? '';
    const start = before.toString().length;
    return { kind: 'capture', capture: trimmed(build(text, start, start + range.toString().length, win)) };
  }
  const text = range.toString();
  return { kind: 'capture', capture: build(text, 0, text.length, win) };
}

/**
 * The selected range. Chromium reports a selection inside a shadow root to the document as a
 * collapsed range at the host; the composed range over the open shadow roots there is the real one.
 */
export function selectedRange(win: Window): Range | null {
  const selection = win.getSelection();
  if (!selection || selection.rangeCount === 0) return null;
  const range = selection.getRangeAt(0);
  if (!range.collapsed || !selection.toString()) return range;
  return composedRange(win.document, selection, openShadowRootsAt(range.startContainer, range.startOffset)) ?? range;
}

type ComposedSelection = Selection & {
  getComposedRanges?: (options: { shadowRoots: ShadowRoot[] }) => StaticRange[];
};

function composedRange(doc: Document, selection: ComposedSelection, roots: ShadowRoot[]): Range | null {
  if (roots.length === 0) return null;
  const inner =
    selection.getComposedRanges?.({ shadowRoots: roots })[0] ??
    roots
      .map((r) => (r as ShadowRoot & { getSelection?: () => Selection | null }).getSelection?.())
      .find((s) => s?.rangeCount)
      ?.getRangeAt(0);
  if (!inner || inner.collapsed) return null;
  const range = doc.createRange();
  range.setStart(inner.startContainer, inner.startOffset);
  range.setEnd(inner.endContainer, inner.endOffset);
  return range;
}

/** Open shadow roots (nested too) under the nodes either side of a collapsed position. */
function openShadowRootsAt(container: Node, offset: number, max = 32): ShadowRoot[] {
  const roots: ShadowRoot[] = [];
  const visit = (node: Node | null | undefined): void => {
    if (!node || node.nodeType !== Node.ELEMENT_NODE) return;
    const walker = node.ownerDocument!.createTreeWalker(node, NodeFilter.SHOW_ELEMENT);
    for (let el = walker.currentNode as Element | null; el && roots.length < max; el = walker.nextNode() as Element | null) {
      if (!el.shadowRoot) continue;
      roots.push(el.shadowRoot);
      el.shadowRoot.childNodes.forEach(visit);
    }
  };
  visit(container.childNodes[offset]);
  visit(container.childNodes[offset - 1]);
  return roots;
}

function build(text: string, start: number, end: number, win: Window): Capture {
  const w = windowAround(text, start, end, LIMITS.contextChars);
  const sentence = sentenceAround(w.text, w.start, w.end);
  const sentenceStart = w.text.indexOf(sentence.text, Math.max(0, w.start - sentence.start - 1));
  return {
    text: w.text,
    start: w.start,
    end: w.end,
    sentenceStart: Math.max(0, sentenceStart),
    sentenceEnd: Math.max(0, sentenceStart) + sentence.text.length,
    truncated: w.truncated,
    url: win.location.href.slice(0, 4000),
  };
}

/** Drops whitespace a double-click or drag picked up around the word. */
function trimmed(c: Capture): Capture {
  let { start, end } = c;
  while (start < end && /\s/.test(c.text[start]!)) start++;
  while (end > start && /\s/.test(c.text[end - 1]!)) end--;
  return { ...c, start, end };
}

function isTextField(el: Element | null): el is HTMLInputElement | HTMLTextAreaElement {
  return el?.tagName === 'TEXTAREA' || el?.tagName === 'INPUT';
}

function elementOf(node: Node): Element | null {
  return node.nodeType === Node.ELEMENT_NODE ? (node as Element) : node.parentElement;
}

export function deepActiveElement(doc: Document): Element | null {
  let el = doc.activeElement;
  while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
  return el;
}
