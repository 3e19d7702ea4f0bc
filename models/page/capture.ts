// Capturing what the user selected: the selected span, its paragraph and sentence, as plain
// text and offsets. Works on page text, <textarea>/<input> and contenteditable content.
import { type Capture, LIMITS } from '../protocol';
import { sentenceAround, windowAround } from '../text/context';
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
    if (active.value.trim() && end > start) return { kind: 'capture', capture: build(active.value, start, end, win) };
  }
  const selection = win.getSelection();
  if (!selection || selection.rangeCount === 0 || !selection.toString().trim()) return { kind: 'none', reason: 'no-selection' };
  const range = selection.getRangeAt(0);
  const startEl = elementOf(range.startContainer);
  if (startEl?.closest('input,textarea') && isSensitiveField(startEl.closest('input,textarea') as HTMLInputElement)) {
    return { kind: 'none', reason: 'sensitive-field' };
  }
  const block = startEl?.closest(BLOCK);
  if (block && block.contains(range.endContainer)) {
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
