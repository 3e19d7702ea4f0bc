// The bubble's frame: renders what the content script sends over the port, tells it the size the
// bubble needs, and asks it to run the bubble's callbacks. Only the user's own events reach the
// controls; where the browser can tell (IntersectionObserver v2, Chromium), clicks while the frame
// is covered, transparent or transformed by the page are dropped too.
import { render } from 'preact';
import type { PortLike } from '@/models/shared/port';
import { parse } from '@/models/shared/protocol';
import { span } from '@/models/shared/spans';
import { Bubble } from './Bubble';
import { type BubbleCallback, type FromFrame, type StepKey, type ToFrame, toFrame } from './frame-protocol';

const USER_EVENTS = [
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
];
const POINTER_EVENTS = new Set(['click', 'dblclick', 'auxclick', 'mousedown', 'mouseup', 'pointerdown', 'pointerup']);

/** Whether the frame is shown as it is, unobstructed (IntersectionObserver v2), where the browser can tell. */
export function watchVisibility(target: Element, onChange: (visible: boolean) => void = () => undefined): { readonly visible: boolean; stop(): void } {
  const supported = typeof IntersectionObserverEntry !== 'undefined' && 'isVisible' in IntersectionObserverEntry.prototype;
  if (!supported) {
    onChange(true);
    return { visible: true, stop: () => undefined };
  }
  let visible = false;
  const observer = new IntersectionObserver(
    (entries) => {
      const last = entries.at(-1) as (IntersectionObserverEntry & { isVisible?: boolean }) | undefined;
      if (!last || (last.isVisible === true) === visible) return;
      visible = last.isVisible === true;
      onChange(visible);
    },
    { trackVisibility: true, delay: 100 } as IntersectionObserverInit,
  );
  observer.observe(target);
  return {
    get visible() {
      return visible;
    },
    stop: () => observer.disconnect(),
  };
}

/** Runs the bubble in this frame's document, talking to the content script over `port`. */
export function runBubbleFrame(port: PortLike, doc: Document = document): void {
  const container = doc.getElementById('app') ?? doc.body;
  // data-shown on the frame's own root (cross-origin to the page): whether clicks count now; tests wait for it.
  const visibility = watchVisibility(doc.documentElement, (visible) => doc.documentElement.toggleAttribute('data-shown', visible));
  const gate = (event: Event): void => {
    if (event.isTrusted && !(POINTER_EVENTS.has(event.type) && !visibility.visible)) return;
    event.stopImmediatePropagation();
    event.preventDefault();
  };
  for (const type of USER_EVENTS) doc.addEventListener(type, gate, true);

  const post = (message: FromFrame): void => {
    try {
      port.postMessage(message);
    } catch {
      // The content script is gone (page navigated, extension reloaded): nothing to tell.
    }
  };
  let calls = 0;
  const waiting = new Map<number, { resolve(value: string | undefined): void; reject(error: Error): void }>();
  const call = (name: BubbleCallback, index?: number, key?: StepKey): Promise<string | undefined> =>
    new Promise((resolve, reject) => {
      const id = ++calls;
      waiting.set(id, { resolve, reject });
      post({ kind: 'call', call: id, name, ...(index === undefined ? {} : { index }), ...(key ? { key } : {}) });
    });

  // The keys held down in this frame, and whether the bubble asked to close: once it has, and no key
  // is held, the content script hears 'released' and may take the frame off the page (before that, a
  // key's release may still be on its way here).
  const held = new Set<string>();
  let closing = false;
  const releasedIfIdle = (): void => {
    if (closing && held.size === 0) post({ kind: 'released' });
  };
  doc.addEventListener(
    'keydown',
    (event) => {
      if (event.isTrusted) held.add(event.code || event.key);
    },
    true,
  );
  doc.addEventListener(
    'keyup',
    (event) => {
      if (!event.isTrusted) return;
      held.delete(event.code || event.key);
      releasedIfIdle();
    },
    true,
  );
  // Focus gone (to the page, another window): its keys' releases go there, not here.
  window.addEventListener('blur', () => {
    held.clear();
    releasedIfIdle();
  });
  const close = (): Promise<string | undefined> => {
    const asked = call('onClose');
    closing = true;
    releasedIfIdle();
    return asked;
  };

  // Hover stepping: while the bubble has focus, modifier+← / → reach this document, not the page's;
  // they go to the content script, which steps as it does for keys pressed in the page.
  let stepping = false;
  doc.addEventListener(
    'keydown',
    (event) => {
      if (!stepping || !event.isTrusted || (event.key !== 'ArrowLeft' && event.key !== 'ArrowRight')) return;
      if (!(event.shiftKey || event.altKey || event.ctrlKey)) return;
      if (event.target instanceof Element && event.target.closest('input,textarea,select,[contenteditable]:not([contenteditable=false])')) return;
      event.preventDefault();
      void call('onStepKey', undefined, { key: event.key, shiftKey: event.shiftKey, altKey: event.altKey, ctrlKey: event.ctrlKey }).catch(() => undefined);
    },
    true,
  );

  let last = { width: -1, height: -1 };
  const measure = new ResizeObserver(() => {
    const box = container.querySelector('.bubble')?.getBoundingClientRect();
    if (!box) return;
    const size = { width: Math.ceil(box.width), height: Math.ceil(box.height) };
    if (size.width === last.width && size.height === last.height) return;
    last = size;
    post({ kind: 'size', ...size });
  });

  const show = (message: Extract<ToFrame, { kind: 'props' }>): void => {
    const has = new Set(message.callbacks);
    stepping = has.has('onStepKey');
    const ignore = () => undefined;
    render(
      <Bubble
        {...message.props}
        maxWidth={message.maxWidth}
        maxHeight={message.maxHeight}
        onClose={() => void close().catch(ignore)}
        onPractice={has.has('onPractice') ? () => void call('onPractice').catch(ignore) : undefined}
        onReveal={has.has('onReveal') ? (index) => void call('onReveal', index).catch(ignore) : undefined}
        onSave={has.has('onSave') ? () => call('onSave') : undefined}
      />,
      container,
    );
    const bubble = container.querySelector('.bubble');
    if (bubble) measure.observe(bubble);
  };

  port.onMessage.addListener((raw) => {
    const parsed = parse(toFrame, raw);
    if (!parsed.ok) return;
    const message = parsed.value;
    if (message.kind === 'props') {
      span(`bubble:props:${message.props.state.phase}`);
      show(message);
    } else {
      const pending = waiting.get(message.call);
      waiting.delete(message.call);
      if (message.ok) pending?.resolve(message.value);
      else pending?.reject(new Error('failed'));
    }
  });
  port.onDisconnect.addListener(() => {
    visibility.stop();
    measure.disconnect();
    for (const pending of waiting.values()) pending.reject(new Error('closed'));
    waiting.clear();
    render(null, container);
  });
}
