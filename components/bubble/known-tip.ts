// The small tip over a marked (saved) word: the sense it was saved in. A closed shadow root like
// the bubble's (page script cannot read it); its text is only ever set with textContent; it
// ignores the pointer, so the page under it works as before.

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
  const host = doc.createElement('sesame-known-tip');
  host.style.setProperty('all', 'initial');
  host.style.setProperty('pointer-events', 'none');
  const root = host.attachShadow({ mode: options.open ? 'open' : 'closed' });
  const style = doc.createElement('style');
  style.textContent = KNOWN_TIP_CSS;
  const tip = doc.createElement('div');
  tip.className = 'tip';
  tip.setAttribute('role', 'tooltip');
  tip.dataset.testid = 'known-tip';
  tip.hidden = true;
  root.append(style, tip);
  doc.documentElement.append(host);
  const win = doc.defaultView;
  return {
    show(text, at) {
      tip.textContent = text;
      tip.hidden = false;
      const height = tip.offsetHeight;
      const below = at.bottom + 4 + height <= (win?.innerHeight ?? Number.POSITIVE_INFINITY);
      tip.style.left = `${Math.max(4, Math.min(at.left, (win?.innerWidth ?? 1000) - tip.offsetWidth - 4))}px`;
      tip.style.top = `${below ? at.bottom + 4 : Math.max(4, at.top - height - 4)}px`;
    },
    hide() {
      tip.hidden = true;
    },
    remove() {
      host.remove();
    },
  };
}
