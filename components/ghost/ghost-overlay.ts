// The ghost text view: grey text drawn after the caret in a closed shadow root, so page CSS
// cannot reach it and page script cannot read it (`host.shadowRoot` is null for the page). It ignores the pointer, so clicks go to the field underneath, and its text is only
// ever set with textContent.
import type { GhostLayout, StyleReader } from '@/components/ghost/caret-geometry';
import { lineHeightPx } from '@/components/ghost/caret-geometry';
import ghostCss from './ghost.css?inline';

export interface GhostFont {
  family: string;
  size: string;
  weight: string;
  style: string;
  stretch: string;
  variant: string;
  lineHeight: number;
  letterSpacing: string;
  wordSpacing: string;
  tabSize: string;
  textTransform: string;
  color: string;
}

export interface GhostPlacement {
  layout: GhostLayout;
  font: GhostFont;
}

export interface GhostOverlay {
  /** Shows `text` ('' hides it): where it was last placed, or placed anew when `relocate`. */
  update(text: string, relocate?: boolean): void;
  /** Places it again: the caret moved or the page scrolled. */
  reposition(): void;
  remove(): void;
}

/** The field's text style, for ghost text that looks like the field's own. */
export function ghostFont(style: StyleReader): GhostFont {
  const get = (name: string): string => style.getPropertyValue(name);
  return {
    family: get('font-family'),
    size: get('font-size'),
    weight: get('font-weight'),
    style: get('font-style'),
    stretch: get('font-stretch'),
    variant: get('font-variant'),
    lineHeight: lineHeightPx(style),
    letterSpacing: get('letter-spacing'),
    wordSpacing: get('word-spacing'),
    tabSize: get('tab-size'),
    textTransform: get('text-transform'),
    color: get('color'),
  };
}

/** CSS declarations that put the ghost box at `p`. */
export function placementStyles(p: GhostPlacement): Record<string, string> {
  const { layout, font } = p;
  const styles: Record<string, string> = {
    left: `${layout.left}px`,
    top: `${layout.top}px`,
    width: `${layout.width}px`,
    'max-height': `${layout.maxHeight}px`,
    'text-indent': `${layout.textIndent}px`,
    'font-family': font.family,
    'font-size': font.size,
    'font-weight': font.weight,
    'font-style': font.style,
    'font-stretch': font.stretch,
    'font-variant': font.variant,
    'line-height': `${font.lineHeight}px`,
    'letter-spacing': font.letterSpacing,
    'word-spacing': font.wordSpacing,
    'tab-size': font.tabSize,
    'text-transform': font.textTransform,
    color: font.color,
  };
  for (const [name, value] of Object.entries(styles)) if (!value) delete styles[name];
  return styles;
}

/**
 * Mounts the overlay (under `parent`, default the root element: a field in a modal dialog
 * needs it inside the dialog to share the top layer). `locate` is asked for a placement on
 * reposition(); it returns null when the caret is not visible. The shadow root is closed (page script
 * cannot read the suggestion) unless a test session asks for it open.
 */
export function mountGhostOverlay(doc: Document, locate: () => GhostPlacement | null, parent?: Element, options: { open?: boolean } = {}): GhostOverlay {
  const win = doc.defaultView;
  const host = doc.createElement('sesame-ghost');
  host.style.setProperty('all', 'initial');
  host.style.setProperty('pointer-events', 'none');
  host.setAttribute('aria-hidden', 'true');
  const root = host.attachShadow({ mode: options.open ? 'open' : 'closed' });
  try {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(ghostCss);
    root.adoptedStyleSheets = [sheet];
  } catch {
    const style = doc.createElement('style');
    style.textContent = ghostCss;
    root.append(style);
  }
  const box = doc.createElement('div');
  box.className = 'ghost';
  box.hidden = true;
  root.append(box);
  (parent ?? doc.documentElement).append(host);

  let text = '';
  let placed = false;
  let frame: number | null = null;
  let removed = false;

  const place = (): void => {
    if (removed) return;
    const placement = text ? locate() : null;
    placed = placement !== null;
    if (!placement) {
      box.hidden = true;
      return;
    }
    for (const [name, value] of Object.entries(placementStyles(placement))) box.style.setProperty(name, value);
    box.classList.toggle('nowrap', !placement.layout.wrap);
    box.hidden = false;
  };
  const onViewportChange = (): void => {
    if (!text || frame !== null) return;
    if (!win?.requestAnimationFrame) {
      place();
      return;
    }
    frame = win.requestAnimationFrame(() => {
      frame = null;
      place();
    });
  };
  const listen = { capture: true, passive: true } as const;
  win?.addEventListener('scroll', onViewportChange, listen);
  win?.addEventListener('resize', onViewportChange, listen);

  return {
    update(next, relocate = false) {
      if (removed) return;
      text = next;
      box.textContent = next;
      if (!next) {
        box.hidden = true;
        placed = false;
      } else if (relocate || !placed) place();
      else box.hidden = false;
    },
    reposition: place,
    remove() {
      if (removed) return;
      removed = true;
      if (frame !== null) win?.cancelAnimationFrame(frame);
      win?.removeEventListener('scroll', onViewportChange, listen);
      win?.removeEventListener('resize', onViewportChange, listen);
      host.remove();
    },
  };
}
