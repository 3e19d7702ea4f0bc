// A small notice on the page when no bubble is open to say it in (the speak shortcut found no
// on-device voice, or speaking failed). A closed shadow root like the bubble's (page script can
// neither read nor reach it); its text is only ever set with textContent, never as HTML; it
// ignores the pointer, so the page under it works as before; it goes after a few seconds or on Esc (page-label.ts).
import { mountPageLabel, placeNear } from './page-label';

export const PAGE_NOTICE_CSS = `
:host { all: initial; }
.notice { position: fixed; z-index: 2147483647; pointer-events: none; max-width: min(360px, 90vw); box-sizing: border-box;
  padding: 8px 12px; border-radius: 8px; font: 13px/1.45 system-ui, sans-serif; color: #fff; background: #1f2937;
  box-shadow: 0 4px 14px rgba(0,0,0,.3); white-space: normal; overflow-wrap: anywhere; }
.notice[hidden] { display: none; }
`;

export const PAGE_NOTICE_MS = 8000;

export interface PageNotice {
  /** Shows `text` near `at` (the selection's box), or in the top right corner without one. */
  show(text: string, at?: { left: number; top: number; bottom: number } | null): void;
  hide(): void;
  remove(): void;
}

export function mountPageNotice(doc: Document, options: { open?: boolean; ms?: number } = {}): PageNotice {
  const label = mountPageLabel(
    doc,
    { tag: 'sesame-notice', css: PAGE_NOTICE_CSS, className: 'notice', testid: 'page-notice', attributes: { role: 'status', 'aria-live': 'polite' } },
    options.open,
  );
  const box = label.box;
  const win = doc.defaultView;
  let timer: ReturnType<typeof setTimeout> | null = null;
  const onKey = (event: KeyboardEvent): void => {
    if (event.key === 'Escape') hide();
  };
  const hide = (): void => {
    if (timer !== null) clearTimeout(timer);
    timer = null;
    box.hidden = true;
    doc.removeEventListener('keydown', onKey, true);
  };
  return {
    show(text, at) {
      box.textContent = text;
      box.hidden = false;
      if (at) placeNear(box, at, 8, win);
      else {
        box.style.left = `${Math.max(8, (win?.innerWidth ?? 1000) - box.offsetWidth - 16)}px`;
        box.style.top = '16px';
      }
      if (timer !== null) clearTimeout(timer);
      timer = setTimeout(hide, options.ms ?? PAGE_NOTICE_MS);
      doc.addEventListener('keydown', onKey, true);
    },
    hide,
    remove() {
      hide();
      label.remove();
    },
  };
}
