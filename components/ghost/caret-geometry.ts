// Where the caret is on screen, and where ghost text may be drawn after it.
//
// <textarea>/<input> expose no caret geometry, so we lay out a hidden "mirror" div styled like
// the field, with the text before the caret followed by a marker span, and read the marker's
// offsets. contenteditable carets come from a collapsed Range's client rects.
// The arithmetic is kept apart from the DOM so it can be tested on plain objects.

/** A caret in viewport coordinates: its left edge and its line's top and height. */
export interface CaretRect {
  left: number;
  top: number;
  height: number;
}

export interface BoxLike {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

export interface StyleReader {
  getPropertyValue(name: string): string;
}

export type TextFieldKind = 'textarea' | 'input';

/** Everything that affects where text wraps and how wide glyphs are. */
export const MIRROR_PROPERTIES = [
  'direction',
  'box-sizing',
  'border-top-width',
  'border-right-width',
  'border-bottom-width',
  'border-left-width',
  'border-style',
  'padding-top',
  'padding-right',
  'padding-bottom',
  'padding-left',
  'font-style',
  'font-variant',
  'font-weight',
  'font-stretch',
  'font-size',
  'font-size-adjust',
  'font-family',
  'font-feature-settings',
  'font-kerning',
  'font-variant-ligatures',
  'font-variation-settings',
  'line-height',
  'text-align',
  'text-transform',
  'text-indent',
  'text-rendering',
  'letter-spacing',
  'word-spacing',
  'tab-size',
  'word-break',
  'hyphens',
] as const;

/** Parses a CSS pixel length ("12.5px"); anything else gives the fallback. */
export function px(value: string | null | undefined, fallback = 0): number {
  const n = Number.parseFloat(value ?? '');
  return Number.isFinite(n) ? n : fallback;
}

/** The used line height in pixels ('normal' is about 1.2 × the font size). */
export function lineHeightPx(style: StyleReader): number {
  const fontSize = px(style.getPropertyValue('font-size'), 16);
  const value = style.getPropertyValue('line-height').trim();
  if (!value || value === 'normal') return Math.round(fontSize * 1.2);
  if (/^[\d.]+$/.test(value)) return fontSize * Number(value);
  return px(value, Math.round(fontSize * 1.2));
}

/**
 * Inline styles for the mirror of a field. `clientWidth` is the field's padding box width
 * without a scrollbar, so the mirror wraps lines exactly where the field does.
 */
export function mirrorStyles(computed: StyleReader, kind: TextFieldKind, clientWidth: number): Record<string, string> {
  const styles: Record<string, string> = {};
  for (const name of MIRROR_PROPERTIES) styles[name] = computed.getPropertyValue(name);
  const padding = px(computed.getPropertyValue('padding-left')) + px(computed.getPropertyValue('padding-right'));
  Object.assign(styles, {
    position: 'absolute',
    visibility: 'hidden',
    top: '0',
    left: '-9999px',
    'box-sizing': 'content-box',
    width: `${Math.max(0, clientWidth - padding)}px`,
    height: 'auto',
    overflow: 'hidden',
    margin: '0',
    'white-space': kind === 'textarea' ? 'pre-wrap' : 'pre',
    'overflow-wrap': kind === 'textarea' ? 'break-word' : 'normal',
  });
  return styles;
}

/**
 * The mirror's text before the caret and the marker's text: the rest of the word at the caret,
 * so that word wraps as it does in the field, but no further, so the marker stays on one line.
 * A zero-width space stands in when no word follows.
 */
export function mirrorText(value: string, caret: number): { before: string; marker: string } {
  const at = Math.max(0, Math.min(caret, value.length));
  const word = /^\S*/.exec(value.slice(at))?.[0] ?? '';
  return { before: value.slice(0, at), marker: word || '\u200b' };
}

export interface MarkerMetrics {
  offsetLeft: number;
  offsetTop: number;
  offsetHeight: number;
}

export interface FieldMetrics {
  /** The field's border box in viewport coordinates. */
  rect: BoxLike;
  borderLeft: number;
  borderTop: number;
  scrollLeft: number;
  scrollTop: number;
}

/** A marker's offsets are relative to the mirror's padding edge; add the border, drop the scroll. */
export function caretFromMarker(marker: MarkerMetrics, field: FieldMetrics): CaretRect {
  return {
    left: field.rect.left + field.borderLeft + marker.offsetLeft - field.scrollLeft,
    top: field.rect.top + field.borderTop + marker.offsetTop - field.scrollTop,
    height: marker.offsetHeight,
  };
}

/** An <input> centres its single line vertically in its content box. */
export function inputCaretTop(content: BoxLike, lineHeight: number): number {
  return content.top + (content.bottom - content.top - lineHeight) / 2;
}

export interface ClientMetrics {
  rect: BoxLike;
  clientLeft: number;
  clientTop: number;
  clientWidth: number;
  clientHeight: number;
  paddingLeft: number;
  paddingTop: number;
  paddingRight: number;
  paddingBottom: number;
}

/** The box text is laid out in, in viewport coordinates (inside borders, padding and scrollbars). */
export function contentBox(m: ClientMetrics): BoxLike {
  const left = m.rect.left + m.clientLeft;
  const top = m.rect.top + m.clientTop;
  return {
    left: left + m.paddingLeft,
    top: top + m.paddingTop,
    right: left + m.clientWidth - m.paddingRight,
    bottom: top + m.clientHeight - m.paddingBottom,
  };
}

/** The first rect with a height: a collapsed range at a line end may also report empty ones. */
export function firstCaretRect(rects: ArrayLike<BoxLike>): CaretRect | null {
  for (let i = 0; i < rects.length; i++) {
    const r = rects[i]!;
    if (r.bottom - r.top > 0) return { left: r.left, top: r.top, height: r.bottom - r.top };
  }
  return null;
}

/** The caret right after a character whose box is `r` (or before it, with `side` 'before'). */
export function caretBesideBox(r: BoxLike, side: 'after' | 'before'): CaretRect {
  return { left: side === 'after' ? r.right : r.left, top: r.top, height: r.bottom - r.top };
}

export interface GhostLayout {
  /** The ghost box, position: fixed. */
  left: number;
  top: number;
  width: number;
  /** Indent of the first line, so it starts at the caret while later lines start at the left edge. */
  textIndent: number;
  maxHeight: number;
  wrap: boolean;
}

/**
 * Where to draw ghost text: from the caret to the content's right edge, wrapping back to the
 * content's left edge only when `wrap` (nothing after the caret to cover), and never below the
 * content box. Null when the caret is scrolled out of view or there is no room.
 */
export function ghostLayout(caret: CaretRect, content: BoxLike, lineHeight: number, wrap: boolean): GhostLayout | null {
  const top = caret.top + (caret.height - lineHeight) / 2;
  const slack = 1;
  if (caret.left < content.left - slack || caret.left > content.right + slack) return null;
  if (caret.top + caret.height < content.top + slack || caret.top > content.bottom - slack) return null;
  const firstLine = content.right - caret.left;
  if (firstLine < 1 && !wrap) return null;
  if (wrap) {
    return {
      left: content.left,
      top,
      width: content.right - content.left,
      textIndent: Math.max(0, caret.left - content.left),
      // Whole lines only: a half-clipped line of ghost text reads as garbage.
      maxHeight: Math.max(1, Math.floor((content.bottom - top) / lineHeight + 0.05)) * lineHeight,
      wrap: true,
    };
  }
  return { left: caret.left, top, width: firstLine, textIndent: 0, maxHeight: lineHeight, wrap: false };
}

// ---------------------------------------------------------------- DOM

type TextField = HTMLInputElement | HTMLTextAreaElement;

export function clientMetrics(el: Element, win: Window): ClientMetrics {
  const style = win.getComputedStyle(el);
  return {
    rect: el.getBoundingClientRect(),
    clientLeft: el.clientLeft,
    clientTop: el.clientTop,
    clientWidth: el.clientWidth,
    clientHeight: el.clientHeight,
    paddingLeft: px(style.getPropertyValue('padding-left')),
    paddingTop: px(style.getPropertyValue('padding-top')),
    paddingRight: px(style.getPropertyValue('padding-right')),
    paddingBottom: px(style.getPropertyValue('padding-bottom')),
  };
}

/** The caret of a <textarea> or <input> at UTF-16 offset `caret`, via a mirror div. */
export function textFieldCaret(el: TextField, caret: number, win: Window): CaretRect {
  const doc = el.ownerDocument;
  const computed = win.getComputedStyle(el);
  const kind: TextFieldKind = el.tagName === 'TEXTAREA' ? 'textarea' : 'input';
  const mirror = doc.createElement('div');
  for (const [name, value] of Object.entries(mirrorStyles(computed, kind, el.clientWidth))) mirror.style.setProperty(name, value);
  const { before, marker } = mirrorText(el.value, caret);
  const span = doc.createElement('span');
  span.textContent = marker;
  mirror.append(doc.createTextNode(before), span);
  (doc.body ?? doc.documentElement).append(mirror);
  try {
    const rect = caretFromMarker(span, {
      rect: el.getBoundingClientRect(),
      borderLeft: el.clientLeft,
      borderTop: el.clientTop,
      scrollLeft: el.scrollLeft,
      scrollTop: el.scrollTop,
    });
    if (kind === 'textarea') return rect;
    const height = lineHeightPx(computed);
    return { left: rect.left, top: inputCaretTop(contentBox(clientMetrics(el, win)), height), height };
  } finally {
    mirror.remove();
  }
}

/**
 * The caret of a collapsed Range (contenteditable). Empty lines and empty elements report no
 * client rects; then we measure the neighbouring character, or briefly insert a zero-width
 * marker when the caret sits between elements.
 */
export function rangeCaret(range: Range, win: Window): CaretRect | null {
  const direct = firstCaretRect(range.getClientRects());
  if (direct) return direct;
  const doc = range.startContainer.ownerDocument ?? win.document;
  const node = range.startContainer;
  const offset = range.startOffset;
  if (node.nodeType === Node.TEXT_NODE) {
    const data = (node as Text).data;
    const probe = doc.createRange();
    if (offset > 0 && data[offset - 1] !== '\n') {
      probe.setStart(node, offset - 1);
      probe.setEnd(node, offset);
      const box = lastBox(probe.getClientRects());
      if (box) return caretBesideBox(box, 'after');
    }
    if (offset < data.length) {
      probe.setStart(node, offset);
      probe.setEnd(node, offset + 1);
      const box = lastBox(probe.getClientRects());
      if (box) return caretBesideBox(box, 'before');
    }
    return null;
  }
  return withMarker(range, win);
}

function lastBox(rects: ArrayLike<BoxLike>): BoxLike | null {
  const box = rects.length ? rects[rects.length - 1] : undefined;
  return box && box.bottom > box.top ? box : null;
}

/** Inserting a node at the caret leaves the selection where it was, so nothing needs restoring. */
function withMarker(range: Range, win: Window): CaretRect | null {
  const doc = range.startContainer.ownerDocument ?? win.document;
  const marker = doc.createElement('span');
  marker.textContent = '\u200b';
  const parent = range.startContainer;
  parent.insertBefore(marker, parent.childNodes[range.startOffset] ?? null);
  try {
    const r = marker.getBoundingClientRect();
    return r.height > 0 ? { left: r.left, top: r.top, height: r.height } : null;
  } finally {
    marker.remove();
  }
}
