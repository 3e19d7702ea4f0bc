// The small tip over a marked (saved) word: the sense it was saved in. A closed shadow root like
// the bubble's (page script cannot read it); its text is only ever set with textContent; it
// ignores the pointer, so the page under it works as before (page-label.ts).
import { mountPageLabel, placeNear } from './page-label';

export const KNOWN_TIP_CSS = `
:host { all: initial; }
.tip { position: fixed; z-index: 2147483646; pointer-events: none; max-width: 320px; box-sizing: border-box;
  padding: 4px 8px; border-radius: 6px; font: 13px/1.4 system-ui, sans-serif; color: #fff; background: #3b0764;
  box-shadow: 0 2px 8px rgba(0,0,0,.25); white-space: normal; overflow-wrap: anywhere; }
.tip[hidden] { display: none; }
`;

export interface KnownTip {
  show(text: string, at: { left: number; top: number; bottom: number }): void;
  hide(): void;
  remove(): void;
}

export function mountKnownTip(doc: Document, options: { open?: boolean } = {}): KnownTip {
  const { box: tip, remove } = mountPageLabel(
    doc,
    { tag: 'sesame-known-tip', css: KNOWN_TIP_CSS, className: 'tip', testid: 'known-tip', attributes: { role: 'tooltip' } },
    options.open,
  );
  return {
    show(text, at) {
      tip.textContent = text;
      tip.hidden = false;
      placeNear(tip, at, 4, doc.defaultView);
    },
    hide() {
      tip.hidden = true;
    },
    remove,
  };
}
