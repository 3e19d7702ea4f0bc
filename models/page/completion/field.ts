// The text fields inline completion works in: reading the text around the caret, and
// inserting accepted text so that the page (and its framework) sees it as typed.
import { type FieldLike, isSensitiveField } from '../sensitive';
import { completionAllowedIn, detectEditor, type InsertStrategy, insertStrategyFor } from '../../shared/editors';

export type CompletionField =
  | { kind: 'text'; el: HTMLInputElement | HTMLTextAreaElement }
  /** A contenteditable region; `el` is its outermost editable element. */
  | { kind: 'rich'; el: HTMLElement };

export interface FieldSnapshot {
  text: string;
  /** UTF-16 offset of the caret in `text`. */
  caret: number;
  /** False while a range is selected: no suggestions then. */
  collapsed: boolean;
  multiline: boolean;
}

/** Keyboards for digits and phone numbers: PINs, one-time codes, card numbers. */
const SENSITIVE_INPUTMODE = /^(numeric|decimal|tel)$/i;
const COMPLETABLE_INPUT_TYPES = ['', 'text', 'search'];

export interface HostLike extends FieldLike {
  getAttribute(name: string): string | null;
}

/**
 * Whether a field must never be read: the shared checks (password, one-time-code, payment
 * autocomplete, telling names) plus a digits-only `inputmode`. The `autocomplete` attribute is
 * checked again on its own: on a contenteditable host the property may be missing or '' while
 * the attribute says "one-time-code".
 */
export function isSensitiveHost(el: HostLike): boolean {
  if (isSensitiveField(el)) return true;
  if (SENSITIVE_INPUTMODE.test((el.getAttribute('inputmode') ?? '').trim())) return true;
  return isSensitiveField({
    tagName: el.tagName,
    autocomplete: el.getAttribute('autocomplete') ?? '',
    getAttribute: (name) => el.getAttribute(name),
  });
}

export interface EditableLike {
  getAttribute(name: string): string | null;
  parentElement: EditableLike | null;
}

/**
 * The outermost element of the contenteditable region containing `el`, or null when `el` is not
 * editable. The nearest `contenteditable` attribute decides; a "false" island stops the walk.
 */
export function editableHost<T extends EditableLike>(el: T | null): T | null {
  let host: T | null = null;
  for (let node: EditableLike | null = el; node; node = node.parentElement) {
    const value = node.getAttribute('contenteditable')?.toLowerCase();
    if (value === undefined || value === null) continue;
    if (value === 'false') break;
    if (value === '' || value === 'true' || value === 'plaintext-only') host = node as T;
  }
  return host;
}

/**
 * The completable field `el` belongs to, if any. Sensitive and read-only fields are not, nor
 * fields of editors completion stays off in (see ./editors.ts).
 */
export function completionFieldOf(el: Element | null): CompletionField | null {
  if (!el || !completionAllowedIn(detectEditor(el))) return null;
  if (el.tagName === 'TEXTAREA' || el.tagName === 'INPUT') {
    const field = el as HTMLInputElement | HTMLTextAreaElement;
    if (field.readOnly || field.disabled) return null;
    if (el.tagName === 'INPUT' && !COMPLETABLE_INPUT_TYPES.includes((el.getAttribute('type') ?? '').toLowerCase())) return null;
    return isSensitiveHost(field) ? null : { kind: 'text', el: field };
  }
  let host = editableHost(el as HTMLElement);
  if (!host && el.ownerDocument.designMode === 'on') host = el.ownerDocument.body;
  if (!host || isSensitiveHost(host)) return null;
  return { kind: 'rich', el: host };
}

/** The field's text and caret, or null when it can no longer be read (it turned sensitive, lost the selection). */
export function readField(field: CompletionField): FieldSnapshot | null {
  if (completionFieldOf(field.el)?.el !== field.el) return null;
  if (field.kind === 'text') {
    const { el } = field;
    const start = el.selectionStart ?? el.value.length;
    const end = el.selectionEnd ?? start;
    return { text: el.value, caret: start, collapsed: start === end, multiline: el.tagName === 'TEXTAREA' };
  }
  const range = selectionRangeIn(field.el);
  if (!range) return null;
  const { text, caret } = plainTextWithCaret(field.el, range.startContainer, range.startOffset);
  return { text, caret, collapsed: range.collapsed, multiline: true };
}

/** The selection's range when it lies inside `host`. */
export function selectionRangeIn(host: HTMLElement): Range | null {
  const selection = host.ownerDocument.defaultView?.getSelection();
  if (!selection || selection.rangeCount === 0) return null;
  const range = selection.getRangeAt(0);
  return host.contains(range.startContainer) && host.contains(range.endContainer) ? range : null;
}

const BLOCK_TAGS = new Set([
  'ADDRESS',
  'ARTICLE',
  'ASIDE',
  'BLOCKQUOTE',
  'DD',
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
  'TABLE',
  'TR',
  'UL',
]);

export interface NodeLike {
  nodeType: number;
  nodeName: string;
  nodeValue: string | null;
  childNodes: ArrayLike<NodeLike>;
}

/** Rich text as plain text; see `plainTextWithCaret`. */
export function plainText(root: NodeLike): string {
  return plainTextWithCaret(root, null, 0).text;
}

/**
 * Rich text as the plain text a user reads, and where the caret (a DOM position) falls in it.
 * <br> and block boundaries become line breaks (Range.toString() would glue lines together); a
 * block's break is only written once text follows it or the caret is in it, so a trailing or
 * partly read block adds none. Non-breaking spaces become spaces.
 */
export function plainTextWithCaret(root: NodeLike, caretNode: NodeLike | null, caretOffset: number): { text: string; caret: number } {
  let out = '';
  let blockBreak = false;
  let caret = -1;
  const flush = (): void => {
    if (blockBreak && out && !out.endsWith('\n')) out += '\n';
    blockBreak = false;
  };
  const walk = (node: NodeLike): void => {
    if (node.nodeType === 3) {
      // Zero-width no-break spaces are editors' caret placeholders (Slate's empty leaves), not text.
      const raw = node.nodeValue ?? '';
      const data = raw.replace(/\u00a0/g, ' ').replace(/\ufeff/g, '');
      if (node === caretNode) {
        flush();
        caret = out.length + raw.slice(0, caretOffset).replace(/\ufeff/g, '').length;
      } else if (data) flush();
      out += data;
      return;
    }
    if (node.nodeType !== 1 && node.nodeType !== 11 && node.nodeType !== 9) return;
    const name = node.nodeName.toUpperCase();
    if (name === 'SCRIPT' || name === 'STYLE' || name === 'TEMPLATE') return;
    if (name === 'BR') {
      flush();
      out += '\n';
      return;
    }
    const block = BLOCK_TAGS.has(name);
    if (block) blockBreak = true;
    const children = node.childNodes;
    for (let i = 0; i < children.length; i++) {
      if (node === caretNode && i === caretOffset) {
        flush();
        caret = out.length;
      }
      walk(children[i]!);
    }
    if (node === caretNode && caretOffset >= children.length) {
      flush();
      caret = out.length;
    }
    if (block) blockBreak = true;
  };
  walk(root);
  return { text: out, caret: caret < 0 ? out.length : caret };
}

/** The value after inserting `text` over [start, end), cut to fit `maxLength` (-1: no limit) as typing would. */
export function spliceValue(value: string, start: number, end: number, text: string, maxLength = -1): { value: string; inserted: string } {
  let inserted = text;
  if (maxLength >= 0) {
    const room = Math.max(0, maxLength - (value.length - (end - start)));
    inserted = text.slice(0, room);
    if (/[\uD800-\uDBFF]$/.test(inserted)) inserted = inserted.slice(0, -1);
  }
  return { value: value.slice(0, start) + inserted + value.slice(end), inserted };
}

/**
 * Inserts `text` at the caret as if typed. Returns the text actually inserted ('' when nothing
 * could be, e.g. a full maxlength).
 */
export function insertText(field: CompletionField, text: string): string {
  if (!text) return '';
  return field.kind === 'text' ? insertIntoTextField(field.el, text) : insertIntoEditable(field.el, text);
}

function insertIntoTextField(el: HTMLInputElement | HTMLTextAreaElement, text: string): string {
  const view = el.ownerDocument.defaultView ?? globalThis;
  const start = el.selectionStart ?? el.value.length;
  const end = el.selectionEnd ?? start;
  const { value, inserted } = spliceValue(el.value, start, end, text, el.maxLength);
  if (!inserted) return '';
  // React tracks `value` through a setter on the element itself and ignores an input event when
  // the tracked value already matches; the prototype's setter bypasses that tracker.
  const proto = el.tagName === 'TEXTAREA' ? view.HTMLTextAreaElement.prototype : view.HTMLInputElement.prototype;
  const setter = Object.getOwnPropertyDescriptor(proto, 'value')?.set;
  if (setter) setter.call(el, value);
  else el.value = value;
  const caret = start + inserted.length;
  el.setSelectionRange(caret, caret);
  el.dispatchEvent(inputEvent(view, 'input', inserted, false));
  return inserted;
}

function insertIntoEditable(host: HTMLElement, text: string): string {
  const doc = host.ownerDocument;
  if (!selectionRangeIn(host)) return '';
  const view = doc.defaultView ?? globalThis;
  const strategy: InsertStrategy = insertStrategyFor(detectEditor(host));
  // An editor that handles beforeinput itself (Slate) cancels it; then it has inserted the text.
  // Only offered where execCommand's DOM change would not be seen (see ./editors.ts).
  if (strategy === 'before-input' || strategy === 'before-input-async') {
    const taken = !host.dispatchEvent(inputEvent(view, 'beforeinput', text, true));
    // CKEditor 5 takes the text without cancelling the event and redraws after this returns.
    return taken || strategy === 'before-input-async' ? text : '';
  }
  // execCommand keeps the undo stack and makes the DOM change and input event of typing, which
  // ProseMirror, Lexical, Quill and CodeMirror 6 read into their documents.
  let done = false;
  try {
    done = typeof doc.execCommand === 'function' && doc.execCommand('insertText', false, text);
  } catch {
    done = false;
  }
  if (done) return text;
  // An editor with its own document model is never edited behind its back.
  if (strategy === 'exec-command') return '';
  const range = selectionRangeIn(host);
  if (!range) return '';
  // An unknown editor that handles beforeinput itself cancels it; then it has inserted the text.
  if (!host.dispatchEvent(inputEvent(view, 'beforeinput', text, true))) return text;
  range.deleteContents();
  const node = range.startContainer;
  const offset = range.startOffset;
  let caretNode: Node;
  let caretOffset: number;
  if (node.nodeType === 3) {
    (node as Text).insertData(offset, text);
    caretNode = node;
    caretOffset = offset + text.length;
  } else {
    const textNode = doc.createTextNode(text);
    range.insertNode(textNode);
    caretNode = textNode;
    caretOffset = text.length;
  }
  const selection = view.getSelection();
  const caret = doc.createRange();
  caret.setStart(caretNode, caretOffset);
  caret.collapse(true);
  selection?.removeAllRanges();
  selection?.addRange(caret);
  host.dispatchEvent(inputEvent(view, 'input', text, false));
  return text;
}

function inputEvent(view: typeof globalThis | Window, type: 'input' | 'beforeinput', data: string, cancelable: boolean): Event {
  const init = { bubbles: true, composed: true, cancelable, inputType: 'insertText', data };
  const Ctor = (view as typeof globalThis).InputEvent;
  return typeof Ctor === 'function' ? new Ctor(type, init) : new Event(type, init);
}
