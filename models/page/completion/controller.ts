// Inline completion on a page: watches the focused text field, runs the ghost state machine,
// asks for completions through an injected function, and draws the ghost overlay.
// Tab accepts the whole ghost, Ctrl/Cmd+→ its next word, Esc dismisses it.
import { type GhostOverlay, type GhostPlacement, ghostFont, mountGhostOverlay } from '@/components/ghost/ghost-overlay';
import { deepActiveElement } from '../capture';
import { type CaretRect, clientMetrics, contentBox, ghostLayout, rangeCaret, textFieldCaret } from '../../../components/ghost/caret-geometry';
import { type CompletionField, completionFieldOf, insertText, readField, selectionRangeIn } from './field';
import { GESTURE_EVENTS, GestureTracker } from './gesture';
import { type GhostEffect, type GhostEvent, type GhostOptions, type GhostState, hasGhost, initialGhostState, step } from './ghost-state';

/** Streams a completion of `prompt`, calling `onDelta` with each new piece; resolves when done. */
export type RequestCompletion = (prompt: string, fieldKey: string, onDelta: (delta: string) => void, signal: AbortSignal) => Promise<void>;

export interface CompletionSettings {
  /** Suggest automatically after a typing pause. suggestNow() works either way. */
  enabled: boolean;
  pauseMs: number;
}

export interface Timers {
  set(run: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

export interface CompletionControllerOptions {
  settings: CompletionSettings;
  requestCompletion: RequestCompletion;
  /** Per-site switch, asked whenever a field gains focus and on suggestNow(). */
  isDisabled?: () => boolean;
  /** A request failed (not: was cancelled). */
  onError?: (error: unknown) => void;
  /** After a failure, automatic suggestions rest this long, so a broken model is not asked on every pause. */
  failureCooldownMs?: number;
  maxPromptChars?: number;
  timers?: Timers;
  now?: () => number;
  /** Whether an event came from the user agent, not page script (tests stand in for `isTrusted`). */
  isTrusted?: (event: Event) => boolean;
  /** Test sessions only (settings.testing.openShadowRoots): the ghost's shadow root open, for drivers without a way into closed ones. */
  openShadowRoot?: boolean;
}

export interface CompletionController {
  /** Asks for a suggestion in the focused field at once. False when there is nothing to complete. */
  suggestNow(): boolean;
  configure(settings: Partial<CompletionSettings>): void;
  detach(): void;
  readonly state: GhostState;
}

interface Active {
  field: CompletionField;
  key: string;
  overlay: GhostOverlay | null;
  /** text length and caret when the overlay was last placed */
  placedAt: string;
}

/** Keys that move the caret or submit; selectionchange does not always follow, so they dismiss at once. */
const DISMISS_KEYS = new Set(['ArrowLeft', 'ArrowRight', 'ArrowUp', 'ArrowDown', 'Home', 'End', 'PageUp', 'PageDown', 'Enter']);

export function attachCompletion(doc: Document, options: CompletionControllerOptions): CompletionController {
  const win = doc.defaultView ?? (globalThis as unknown as Window);
  const timers: Timers = options.timers ?? {
    set: (run, ms) => setTimeout(run, ms),
    clear: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
  };
  const now = options.now ?? Date.now;
  const cooldownMs = options.failureCooldownMs ?? 30_000;
  const trusted = options.isTrusted ?? ((event: Event) => event.isTrusted);
  const gestures = new GestureTracker(now);
  /** The last text change was typed by the user (see gesture.ts); only then may a suggestion follow. */
  let userInput = false;
  let inserting = false;
  const keys = new WeakMap<Element, string>();
  const docKey = Math.random().toString(36).slice(2, 8);
  let keyCount = 0;

  let settings: CompletionSettings = { ...options.settings };
  let state = initialGhostState();
  let active: Active | null = null;
  let timer: unknown = null;
  let resting = 0;
  let composing = false;
  const inflight = new Map<number, AbortController>();
  const queue: GhostEvent[] = [];
  let busy = false;

  const ghostOptions = (): GhostOptions => ({
    autoSuggest: settings.enabled && now() >= resting && userInput,
    ...(options.maxPromptChars ? { maxPromptChars: options.maxPromptChars } : {}),
  });

  // Effects can cause events (an insertion fires `input`, a fake stream answers at once);
  // queueing them keeps every step working on the state the previous one left.
  const send = (event: GhostEvent): void => {
    queue.push(event);
    if (busy) return;
    busy = true;
    try {
      for (let next = queue.shift(); next; next = queue.shift()) {
        const out = step(state, next, ghostOptions());
        state = out.state;
        for (const effect of out.effects) {
          try {
            run(effect);
          } catch (error) {
            options.onError?.(error);
          }
        }
      }
    } finally {
      busy = false;
    }
  };

  const clearTimer = (): void => {
    if (timer !== null) timers.clear(timer);
    timer = null;
  };

  const run = (effect: GhostEffect): void => {
    switch (effect.type) {
      case 'schedule':
        clearTimer();
        timer = timers.set(() => {
          timer = null;
          send({ type: 'timeout', timerId: effect.timerId });
        }, settings.pauseMs);
        return;
      case 'start-request': {
        start(effect.requestId, effect.prompt);
        return;
      }
      case 'cancel':
        inflight.get(effect.requestId)?.abort();
        inflight.delete(effect.requestId);
        return;
      case 'render': {
        render(effect.ghost);
        return;
      }
      case 'insert':
        // maxlength can cut an insertion short; then read back what the field really holds.
        if (!active) return;
        inserting = true;
        try {
          if (insertText(active.field, effect.text) !== effect.text) sync('input');
        } finally {
          inserting = false;
        }
        return;
    }
  };

  const start = (requestId: number, prompt: string): void => {
    if (!active) {
      send({ type: 'done', requestId });
      return;
    }
    const abort = new AbortController();
    inflight.set(requestId, abort);
    const end = (): void => {
      inflight.delete(requestId);
      send({ type: 'done', requestId });
    };
    const fail = (error: unknown): void => {
      if (!abort.signal.aborted) {
        resting = now() + cooldownMs;
        options.onError?.(error);
      }
      end();
    };
    const onDelta = (delta: string): void => {
      if (!abort.signal.aborted) send({ type: 'delta', requestId, delta });
    };
    try {
      options.requestCompletion(prompt, active.key, onDelta, abort.signal).then(end, fail);
    } catch (error) {
      fail(error);
    }
  };

  const render = (ghost: string): void => {
    if (!active) return;
    if (!ghost) {
      active.overlay?.update('');
      return;
    }
    active.overlay ??= mountGhostOverlay(doc, locate, topLayerOf(active.field.el), { open: options.openShadowRoot === true });
    const at = `${state.text.length}:${state.caret}`;
    const moved = at !== active.placedAt;
    active.placedAt = at;
    active.overlay.update(ghost, moved);
  };

  const locate = (): GhostPlacement | null => {
    if (!active?.field.el.isConnected) return null;
    const { field } = active;
    let caret: CaretRect | null = null;
    let styled: Element = field.el;
    if (field.kind === 'text') {
      caret = textFieldCaret(field.el, state.caret, win);
    } else {
      const range = selectionRangeIn(field.el);
      if (!range?.collapsed) return null;
      caret = rangeCaret(range, win);
      const node = range.startContainer;
      styled = (node.nodeType === 1 ? (node as Element) : node.parentElement) ?? field.el;
    }
    if (!caret) return null;
    const font = ghostFont(win.getComputedStyle(styled));
    const wrap = state.multiline && state.text.slice(state.caret).trim() === '';
    const layout = ghostLayout(caret, contentBox(clientMetrics(field.el, win)), font.lineHeight, wrap);
    return layout ? { layout, font } : null;
  };

  const keyOf = (el: Element): string => {
    let key = keys.get(el);
    if (!key) {
      key = `${docKey}-${++keyCount}`;
      keys.set(el, key);
    }
    return key;
  };

  const mayUse = (field: CompletionField): boolean => !options.isDisabled?.() && win.getComputedStyle(field.el).direction !== 'rtl';

  const activate = (field: CompletionField): void => {
    active = { field, key: keyOf(field.el), overlay: null, placedAt: '' };
  };

  const deactivate = (): void => {
    if (!active) return;
    clearTimer();
    composing = false;
    send({ type: 'blur' });
    active.overlay?.remove();
    active = null;
  };

  /** Tells the state machine what the field now holds. */
  const sync = (kind: 'input' | 'move'): void => {
    if (!active) return;
    if (completionFieldOf(active.field.el)?.el !== active.field.el) {
      deactivate();
      return;
    }
    const snapshot = readField(active.field);
    if (!snapshot?.collapsed) {
      send({ type: 'dismiss' });
      return;
    }
    const { text, caret, multiline } = snapshot;
    // A changed text without an input event: the page set the value itself (e.g. cleared it on send).
    if (kind === 'move' && text !== state.text) userInput = false;
    if (kind === 'input' || text !== state.text) send({ type: 'input', text, caret, multiline });
    else send({ type: 'move', text, caret });
  };

  /** Whether field text is worth reading: suggestions are automatic, or one asked for is still on. */
  const tracking = (): boolean => settings.enabled || state.phase !== 'idle';

  const targetOf = (event: Event): Element | null => {
    const first = event.composedPath?.()[0] ?? event.target;
    return first && (first as Node).nodeType === 1 ? (first as Element) : null;
  };
  const inActive = (event: Event): boolean => {
    const target = targetOf(event);
    return !!active && !!target && active.field.el.contains(target);
  };

  const onFocusIn = (event: FocusEvent): void => {
    const field = completionFieldOf(targetOf(event));
    if (active && field?.el === active.field.el) return;
    deactivate();
    if (field && mayUse(field)) activate(field);
  };

  const onFocusOut = (event: FocusEvent): void => {
    if (!active || !inActive(event)) return;
    const next = event.relatedTarget as Node | null;
    if (next && active.field.el.contains(next)) return;
    deactivate();
  };

  const onInput = (event: Event): void => {
    if (!inActive(event)) {
      // A field focused before we were attached announces itself with its first input.
      const target = targetOf(event);
      const field = completionFieldOf(target);
      if (!field || !target || deepActiveElement(doc) !== target) return;
      deactivate();
      if (!mayUse(field)) return;
      activate(field);
    }
    if (composing || (event as InputEvent).isComposing || !tracking()) return;
    // Our own insertion (an accepted ghost) follows the user's Tab; anything else must be typed.
    userInput = (trusted(event) || inserting) && !!active && gestures.recentIn(active.field.el);
    sync('input');
  };

  const onKeyDown = (event: KeyboardEvent): void => {
    if (!active || event.isComposing || event.keyCode === 229 || !inActive(event)) return;
    const plain = !event.shiftKey && !event.altKey && !event.ctrlKey && !event.metaKey;
    const shown = hasGhost(state);
    const take = (): void => {
      event.preventDefault();
      event.stopPropagation();
    };
    if (event.key === 'Tab' && plain) {
      if (!shown) return;
      take();
      send({ type: 'accept-all' });
    } else if (event.key === 'ArrowRight' && (event.ctrlKey || event.metaKey) && !event.shiftKey && !event.altKey) {
      if (!shown) return;
      take();
      send({ type: 'accept-word' });
    } else if (event.key === 'Escape') {
      if (shown) take();
      if (state.phase !== 'idle') send({ type: 'dismiss' });
    } else if (DISMISS_KEYS.has(event.key) && state.phase !== 'idle') {
      send({ type: 'dismiss' });
    }
  };

  const onGesture = (event: Event): void => {
    if (trusted(event)) gestures.note(targetOf(event));
  };

  const onSelectionChange = (): void => {
    if (active && !composing && state.phase !== 'idle') sync('move');
  };

  const onCompositionStart = (event: Event): void => {
    if (!inActive(event)) return;
    composing = true;
    send({ type: 'dismiss' });
  };

  const onCompositionEnd = (event: Event): void => {
    if (!inActive(event)) return;
    composing = false;
    userInput = trusted(event) && !!active && gestures.recentIn(active.field.el);
    if (tracking()) sync('input');
  };

  const listeners: [string, (event: never) => void][] = [
    ['focusin', onFocusIn],
    ['focusout', onFocusOut],
    ['input', onInput],
    ['keydown', onKeyDown],
    ['selectionchange', onSelectionChange],
    ['compositionstart', onCompositionStart],
    ['compositionend', onCompositionEnd],
  ];
  for (const type of GESTURE_EVENTS) listeners.push([type, onGesture]);
  for (const [type, listener] of listeners) doc.addEventListener(type, listener as EventListener, true);

  // A field that already has focus when we attach.
  const initial = completionFieldOf(deepActiveElement(doc));
  if (initial && mayUse(initial)) activate(initial);

  return {
    suggestNow() {
      const field = completionFieldOf(deepActiveElement(doc));
      if (!field || options.isDisabled?.()) return false;
      if (active?.field.el !== field.el) {
        deactivate();
        activate(field);
      }
      const snapshot = readField(field);
      if (!snapshot?.collapsed) return false;
      send({ type: 'trigger', text: snapshot.text, caret: snapshot.caret, multiline: snapshot.multiline });
      return state.phase === 'streaming';
    },
    configure(next) {
      settings = { ...settings, ...next };
      if (active && options.isDisabled?.()) deactivate();
      else if (!settings.enabled && state.phase === 'waiting') send({ type: 'dismiss' });
    },
    detach() {
      deactivate();
      for (const [type, listener] of listeners) doc.removeEventListener(type, listener as EventListener, true);
      for (const abort of inflight.values()) abort.abort();
      inflight.clear();
    },
    get state() {
      return state;
    },
  };
}

/** A field in a modal dialog is in the top layer; the overlay must be there too to be seen. */
function topLayerOf(el: Element): Element | undefined {
  const dialog = el.closest('dialog');
  if (!dialog) return undefined;
  try {
    return dialog.matches(':modal') ? dialog : undefined;
  } catch {
    return undefined;
  }
}
