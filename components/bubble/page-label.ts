// A small text box on the page outside the bubble (the known-word tip, the no-voice notice): a
// closed shadow root like the bubble's (page script can neither read nor reach it), its text only
// ever set with textContent, never as HTML, and it ignores the pointer so the page under it works.

export interface PageLabel {
  /** The element in the shadow root whose text is shown. */
  box: HTMLDivElement;
  /** Takes the label off the page. */
  remove(): void;
}

/** Appends `<tag>` to the page with a hidden box of class `className` in its shadow root. */
export function mountPageLabel(
  doc: Document,
  label: { tag: string; css: string; className: string; testid: string; attributes: Record<string, string> },
  open = false,
): PageLabel {
  const host = doc.createElement(label.tag);
  host.style.setProperty('all', 'initial');
  host.style.setProperty('pointer-events', 'none');
  const root = host.attachShadow({ mode: open ? 'open' : 'closed' });
  const style = doc.createElement('style');
  style.textContent = label.css;
  const box = doc.createElement('div');
  box.className = label.className;
  for (const [name, value] of Object.entries(label.attributes)) box.setAttribute(name, value);
  box.dataset.testid = label.testid;
  box.hidden = true;
  root.append(style, box);
  doc.documentElement.append(host);
  return { box, remove: () => host.remove() };
}

/** Places a shown `box` under `at` (above it when there is no room below), `gap` pixels off, inside the window. */
export function placeNear(box: HTMLElement, at: { left: number; top: number; bottom: number }, gap: number, win: Window | null): void {
  const width = win?.innerWidth ?? 1000;
  const height = win?.innerHeight ?? Number.POSITIVE_INFINITY;
  const below = at.bottom + gap + box.offsetHeight <= height;
  box.style.left = `${Math.max(gap, Math.min(at.left, width - box.offsetWidth - gap))}px`;
  box.style.top = `${below ? at.bottom + gap : Math.max(gap, at.top - box.offsetHeight - gap)}px`;
}
