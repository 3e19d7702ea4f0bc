// Mounts the bubble in a closed shadow root on the page, so page CSS cannot reach it, page script
// cannot read it, and it cannot break the page. Styles go in through a constructed stylesheet (not subject to page CSP).
import { render } from 'preact';
import { Bubble, type BubbleProps } from './Bubble';
import baseCss from '../common/base.css?inline';
import bubbleCss from './bubble.css?inline';

const BUBBLE_CSS = `${bubbleCss}\n${baseCss}`;

export interface BubbleHandle {
  update(props: Omit<BubbleProps, 'onClose' | 'status'>): void;
  /** Says something in the bubble (text, kept across updates until said again; null clears it). */
  say(text: string | null): void;
  close(): void;
}

const UNTRUSTED_BLOCKED = [
  'click',
  'dblclick',
  'auxclick',
  'mousedown',
  'mouseup',
  'pointerdown',
  'pointerup',
  'keydown',
  'keyup',
  'keypress',
  'input',
  'change',
  'submit',
] as const;

function stopUntrusted(event: Event): void {
  if (event.isTrusted) return;
  event.stopImmediatePropagation();
  event.preventDefault();
}

/**
 * `open`: for end-to-end tests only (Settings.testing); the shipped bubble's shadow root is closed,
 * so page script can neither read nor reach its content.
 */
export function mountBubble(doc: Document, onClosed: () => void, options: { open?: boolean } = {}): BubbleHandle {
  const host = doc.createElement('sesame-bubble');
  host.style.setProperty('all', 'initial');
  const root = host.attachShadow({ mode: options.open ? 'open' : 'closed' });
  try {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(BUBBLE_CSS);
    root.adoptedStyleSheets = [sheet];
  } catch {
    const style = doc.createElement('style');
    style.textContent = BUBBLE_CSS;
    root.append(style);
  }
  // Page script can dispatch events into the bubble (`button.click()`, synthetic keys): only the
  // user's own, trusted events reach its controls, so a page cannot save words or open practice.
  for (const type of UNTRUSTED_BLOCKED) root.addEventListener(type, stopUntrusted, true);
  const container = doc.createElement('div');
  root.append(container);
  doc.documentElement.append(host);
  let closed = false;
  const close = (): void => {
    if (closed) return;
    closed = true;
    render(null, container);
    host.remove();
    onClosed();
  };
  let last: Omit<BubbleProps, 'onClose' | 'status'> | null = null;
  let status: string | null = null;
  const draw = (): void => {
    if (!closed && last) render(<Bubble {...last} status={status ?? undefined} onClose={close} />, container);
  };
  return {
    update: (props) => {
      last = props;
      draw();
    },
    say: (text) => {
      status = text;
      draw();
    },
    close,
  };
}
