// Scrolling to one use of a word and highlighting it without touching the page's DOM: the CSS
// Custom Highlight API paints the range (its style is a constructed sheet, which a page's CSP
// does not govern); where that API is missing, the range becomes the selection instead.
export const HIGHLIGHT_NAME = 'sesame-occurrence';

interface HighlightApi {
  highlights: Map<string, unknown>;
}
type HighlightCtor = new (...ranges: Range[]) => unknown;

const styled = new WeakSet<Document>();

function highlightApi(win: Window): { registry: Map<string, unknown>; Highlight: HighlightCtor } | null {
  const css = (win as unknown as { CSS?: Partial<HighlightApi> }).CSS;
  const Highlight = (win as unknown as { Highlight?: HighlightCtor }).Highlight;
  return css?.highlights && Highlight ? { registry: css.highlights, Highlight } : null;
}

function addHighlightStyle(doc: Document): void {
  if (styled.has(doc)) return;
  styled.add(doc);
  try {
    const sheet = new (doc.defaultView ?? window).CSSStyleSheet();
    sheet.replaceSync(`::highlight(${HIGHLIGHT_NAME}) { background-color: #ffd54a; color: #111; }`);
    doc.adoptedStyleSheets = [...doc.adoptedStyleSheets, sheet];
  } catch {
    // No constructable sheets: the highlight is registered but unstyled; scrolling still works.
  }
}

export function revealRange(range: Range): void {
  const doc = range.startContainer.ownerDocument ?? document;
  const win = doc.defaultView ?? window;
  const el = range.startContainer.nodeType === Node.ELEMENT_NODE ? (range.startContainer as Element) : range.startContainer.parentElement;
  el?.scrollIntoView({ block: 'center', inline: 'nearest', behavior: 'instant' as ScrollBehavior });
  const api = highlightApi(win);
  if (api) {
    addHighlightStyle(doc);
    api.registry.set(HIGHLIGHT_NAME, new api.Highlight(range));
    doc.addEventListener('pointerdown', () => api.registry.delete(HIGHLIGHT_NAME), { once: true, capture: true });
  } else {
    const selection = win.getSelection();
    selection?.removeAllRanges();
    selection?.addRange(range);
  }
}
