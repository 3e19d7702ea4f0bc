// Mounts the bubble on the page as an extension-origin frame (entrypoints/bubble/), as Yomitan and
// password managers do: page script cannot read its document (cross-origin), send it anything (the
// two sides talk over a runtime port that only an extension page can open, never postMessage),
// or dispatch events into it. The frame sits in a closed shadow root, so page CSS and script
// cannot reach the <iframe> either; its styles go in through a constructed stylesheet (not subject
// to page CSP). The content script places and sizes the frame; the frame runs the bubble.
import { browser } from 'wxt/browser';
import type { PortLike } from '@/models/shared/port';
import { parse } from '@/models/shared/protocol';
import { type BubbleProps, bubbleMaxWidth, bubblePlacement } from './Bubble';
import { BUBBLE_PAGE, type BubbleCallback, bubblePortName, type FromFrame, fromFrame, type ToFrame } from './frame-protocol';

export interface BubbleHandle {
  update(props: Omit<BubbleProps, 'onClose' | 'status'>): void;
  /** Says something in the bubble (text, kept across updates until said again; null clears it). */
  say(text: string | null): void;
  close(): void;
}

const HOST_CSS = `:host { all: initial !important; }
iframe { position: fixed; z-index: 2147483647; border: 0; margin: 0; padding: 0; width: 380px; height: 16px; opacity: 0; pointer-events: none;
  color-scheme: light dark; background: transparent; border-radius: 10px; box-shadow: 0 8px 24px rgba(0,0,0,.18); }
iframe.sized { opacity: 1; pointer-events: auto; }`;
// Until the frame says how big the bubble is, it is transparent (not hidden or empty: the browser
// would not lay out a hidden cross-origin frame, so it could never measure itself).

/** How long the frame has to connect before the bubble gives up. */
const FRAME_CONNECT_MS = 15_000;

/**
 * A closed bubble is hidden and gives focus back at once, but its frame leaves the page only when no
 * input is on its way to it: a frame removed between a key's press and release (Esc closes on the
 * press) leaves the browser's key-up with nowhere to go, and DevTools-driven input then waits for it
 * forever. The frame goes when the page gets a key-up (the release came here), RELEASE_GRACE_MS after
 * the frame says no key is held there ('released'), when another bubble opens, or after RETIRE_MAX_MS.
 */
const RELEASE_GRACE_MS = 100;
const RETIRE_MAX_MS = 1_000;

/** This document's closed bubbles whose frames are still on the page (each entry removes its frame). */
const retiring = new Set<() => void>();

function adoptStyles(doc: Document, root: ShadowRoot): void {
  try {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(HOST_CSS);
    root.adoptedStyleSheets = [sheet];
  } catch {
    const style = doc.createElement('style');
    style.textContent = HOST_CSS;
    root.append(style);
  }
}

/**
 * A port that reaches a content script was opened with `tabs.connect`, which only extension pages
 * can call (page script has no extension API; content scripts have no `tabs`): the bubble's frame
 * itself (Chrome) or the background on its behalf (Firefox). Checked: it is this extension's.
 */
function fromThisExtension(port: PortLike): boolean {
  const sender = port.sender;
  if (sender?.id !== browser.runtime.id || !sender.url) return false;
  try {
    return new URL(sender.url).protocol === new URL(browser.runtime.getURL('/')).protocol;
  } catch {
    return false;
  }
}

/**
 * `open`: for end-to-end tests only (Settings.testing): the shadow root that holds the frame is
 * open, so test locators find the frame. The bubble's own document is cross-origin either way.
 */
export function mountBubble(doc: Document, onClosed: () => void, options: { open?: boolean } = {}): BubbleHandle {
  // Only one bubble on the page: a closed one still leaving goes now (its key was released long ago).
  for (const remove of [...retiring]) remove();
  const win = doc.defaultView ?? window;
  const host = doc.createElement('sesame-bubble');
  const root = host.attachShadow({ mode: options.open ? 'open' : 'closed' });
  adoptStyles(doc, root);
  // Not crypto.randomUUID(): it exists only in secure contexts, and pages on http: need the bubble too.
  const id = Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');
  const frame = doc.createElement('iframe');
  frame.src = `${browser.runtime.getURL(BUBBLE_PAGE as '/')}?id=${id}`;
  root.append(frame);
  doc.documentElement.append(host);

  let props: Omit<BubbleProps, 'onClose' | 'status'> | null = null;
  /** What the bubble says beside its result (say), kept across updates. */
  let status: string | undefined;
  let port: PortLike | null = null;
  let closed = false;
  /** The page's focus before the bubble took it (opened from the keyboard), given back on close. */
  let returnFocus: Element | null | undefined;
  /** While the closed bubble's frame is still on the page (close, remove): removes it `afterMs` from now. */
  let retire: ((afterMs: number) => void) | null = null;
  let stopRetiring: (() => void) | null = null;

  const send = (message: ToFrame): void => {
    try {
      port?.postMessage(message);
    } catch {
      port = null;
      close();
    }
  };
  const sendProps = (): void => {
    if (!props || !port) return;
    const { anchor, onPractice, onReveal, onSave, onStepKey, ...data } = props;
    const callbacks: BubbleCallback[] = [
      'onClose',
      ...(onPractice ? ['onPractice' as const] : []),
      ...(onReveal ? ['onReveal' as const] : []),
      ...(onSave ? ['onSave' as const] : []),
      ...(onStepKey ? ['onStepKey' as const] : []),
    ];
    const place = bubblePlacement(anchor, win.innerWidth, win.innerHeight);
    send({
      kind: 'props',
      props: { ...data, status },
      callbacks,
      maxWidth: bubbleMaxWidth(win.innerWidth),
      maxHeight: Number.parseFloat(place.maxHeight ?? '0'),
    });
  };
  const place = (): void => {
    if (!props) return;
    const where = bubblePlacement(props.anchor, win.innerWidth, win.innerHeight);
    frame.style.left = where.left ?? '';
    frame.style.top = where.top ?? '';
    frame.style.bottom = where.bottom ?? '';
  };
  const run = async (message: Extract<FromFrame, { kind: 'call' }>): Promise<string | undefined> => {
    const current = props;
    if (message.name === 'onClose') return void close();
    if (!current) throw new Error('no bubble');
    if (message.name === 'onPractice') return void current.onPractice?.();
    if (message.name === 'onReveal') return void (message.index === undefined ? undefined : current.onReveal?.(message.index));
    if (message.name === 'onStepKey') return void (message.key && current.onStepKey?.(message.key));
    // Saves the result this bubble shows, from the content script's own copy (not one the frame sends).
    const state = current.state;
    if (state.phase === 'done' && state.result.type === 'sense' && current.onSave) return current.onSave(state.result);
    throw new Error('nothing to save');
  };
  const onFrameMessage = (raw: unknown): void => {
    const parsed = parse(fromFrame, raw);
    if (!parsed.ok) return;
    const message = parsed.value;
    if (message.kind === 'released') return void (closed && retire?.(RELEASE_GRACE_MS));
    // Closed: the frame is on its way out; nothing it asks for is done any more.
    if (closed) return;
    if (message.kind === 'size') {
      frame.style.width = `${message.width}px`;
      frame.style.height = `${message.height}px`;
      frame.classList.add('sized');
      return;
    }
    void Promise.resolve()
      .then(() => run(message))
      .then(
        (value) => send({ kind: 'done', call: message.call, ok: true, ...(typeof value === 'string' ? { value } : {}) }),
        () => send({ kind: 'done', call: message.call, ok: false }),
      );
  };
  // Only this bubble's frame: an extension page (which a page or a content script cannot open a
  // port as), at the bubble's address, under this bubble's id; the first one is kept.
  const onConnect = (raw: unknown): void => {
    const candidate = raw as PortLike & { name?: string };
    if (candidate.name !== bubblePortName(id)) return;
    if (port || closed || !fromThisExtension(candidate)) {
      candidate.disconnect();
      return;
    }
    port = candidate;
    port.onMessage.addListener(onFrameMessage);
    port.onDisconnect.addListener(() => {
      port = null;
      close();
    });
    sendProps();
  };
  browser.runtime.onConnect.addListener(onConnect);
  // A frame that never connects (blocked by the browser, the extension reloaded) leaves no invisible element behind.
  const unconnected = setTimeout(() => port || close(), FRAME_CONNECT_MS);
  // Esc on the page closes it too (in the frame, the bubble handles Esc itself).
  const onKey = (event: KeyboardEvent): void => {
    if (event.isTrusted && event.key === 'Escape') close();
  };
  win.addEventListener('keydown', onKey, true);
  const onResize = (): void => {
    place();
    sendProps();
  };
  win.addEventListener('resize', onResize);

  function close(): void {
    if (closed) return;
    closed = true;
    clearTimeout(unconnected);
    browser.runtime.onConnect.removeListener(onConnect);
    win.removeEventListener('keydown', onKey, true);
    win.removeEventListener('resize', onResize);
    // Focus back on the page, so that the rest of the key press that closed it (its release) goes
    // there; then hidden at once and out of the accessibility tree (once nothing in it has focus).
    if (doc.activeElement === host) {
      if (returnFocus instanceof HTMLElement && returnFocus.isConnected) returnFocus.focus();
      if (doc.activeElement === host) frame.blur();
    }
    frame.classList.remove('sized');
    host.setAttribute('aria-hidden', 'true');
    onClosed();
    if (!port) {
      remove();
      return;
    }
    let timer = setTimeout(remove, RETIRE_MAX_MS);
    const onRelease = (event: KeyboardEvent): void => {
      if (event.isTrusted) remove();
    };
    win.addEventListener('keyup', onRelease, true);
    retire = (afterMs) => {
      clearTimeout(timer);
      timer = setTimeout(remove, afterMs);
    };
    stopRetiring = () => {
      clearTimeout(timer);
      win.removeEventListener('keyup', onRelease, true);
      retiring.delete(remove);
      retire = null;
    };
    retiring.add(remove);
  }

  /** Takes the closed bubble's frame off the page. */
  function remove(): void {
    stopRetiring?.();
    stopRetiring = null;
    try {
      port?.disconnect();
    } catch {
      // already gone
    }
    port = null;
    host.remove();
  }

  return {
    update: (next) => {
      if (closed) return;
      props = next;
      frame.title = next.title;
      place();
      sendProps();
      if (next.focusOnOpen && returnFocus === undefined) {
        returnFocus = doc.activeElement;
        frame.focus();
      }
    },
    say: (text) => {
      if (closed) return;
      status = text ?? undefined;
      sendProps();
    },
    close,
  };
}
