// The text under the pointer: the text node and the UTF-16 index of the character the point is
// over, through open shadow roots (the caret position of the document alone stops at their
// hosts). Null over anything that is not page text: fields, editors, Sesame's own UI, blank space.

export interface TextPoint {
  node: Text;
  /** The character under the point. */
  index: number;
}

/** Where hover lookup never reads: fields and editors (typing belongs to completion), Sesame's UI. */
export const NOT_PAGE_TEXT =
  'input,textarea,select,[contenteditable]:not([contenteditable=false]),sesame-bubble,sesame-ghost,sesame-known-tip,sesame-notice,script,style';

type CaretDocument = Document & {
  caretPositionFromPoint?: (x: number, y: number, options?: { shadowRoots?: ShadowRoot[] }) => { offsetNode: Node; offset: number } | null;
  caretRangeFromPoint?: (x: number, y: number) => Range | null;
};

/** Open shadow roots along the hit path at (x, y), outermost first. */
export function openShadowRootsAt(doc: Document, x: number, y: number, max = 16): ShadowRoot[] {
  const roots: ShadowRoot[] = [];
  let el = doc.elementFromPoint(x, y);
  while (el?.shadowRoot && roots.length < max) {
    const root = el.shadowRoot;
    roots.push(root);
    const inner = root.elementFromPoint(x, y);
    if (!inner || inner === el) break;
    el = inner;
  }
  return roots;
}

function caretAt(doc: CaretDocument, x: number, y: number): { node: Node; offset: number } | null {
  if (doc.caretPositionFromPoint) {
    const roots = openShadowRootsAt(doc, x, y);
    const pos = roots.length ? doc.caretPositionFromPoint(x, y, { shadowRoots: roots }) : doc.caretPositionFromPoint(x, y);
    return pos ? { node: pos.offsetNode, offset: pos.offset } : null;
  }
  const range = doc.caretRangeFromPoint?.(x, y);
  return range ? { node: range.startContainer, offset: range.startOffset } : null;
}

/** Whether (x, y) is inside the box of text[index] (a caret lands beside the nearest character even over blank space). */
function charContains(node: Text, index: number, x: number, y: number): boolean {
  if (index < 0 || index >= node.data.length) return false;
  const code = node.data.codePointAt(index) ?? 0;
  const range = node.ownerDocument.createRange();
  range.setStart(node, index);
  range.setEnd(node, index + (code > 0xffff ? 2 : 1));
  for (const r of range.getClientRects()) if (x >= r.left - 0.5 && x <= r.right + 0.5 && y >= r.top - 0.5 && y <= r.bottom + 0.5) return true;
  return false;
}

export function textAtPoint(doc: Document, x: number, y: number): TextPoint | null {
  const caret = caretAt(doc as CaretDocument, x, y);
  if (!caret || caret.node.nodeType !== Node.TEXT_NODE) return null;
  const node = caret.node as Text;
  if (node.parentElement?.closest(NOT_PAGE_TEXT)) return null;
  // The caret is between characters: the one under the point is after it or before it.
  for (const index of [caret.offset, caret.offset - 1]) if (charContains(node, index, x, y)) return { node, index };
  return null;
}

/** The next (or previous) text node in reading order with any non-space text, within `root`. */
export function adjacentTextNode(root: Node, from: Text, forward: boolean): Text | null {
  const doc = from.ownerDocument;
  const walker = doc.createTreeWalker(root, NodeFilter.SHOW_TEXT, {
    acceptNode: (n) => (/\S/.test((n as Text).data) && !n.parentElement?.closest(NOT_PAGE_TEXT) ? NodeFilter.FILTER_ACCEPT : NodeFilter.FILTER_REJECT),
  });
  walker.currentNode = from;
  return (forward ? walker.nextNode() : walker.previousNode()) as Text | null;
}
