// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { attachCompletion, type CompletionController, type CompletionControllerOptions } from '@/models/page/completion/controller';

interface Call {
  prompt: string;
  fieldKey: string;
  onDelta: (delta: string) => void;
  signal: AbortSignal;
  finish: () => void;
  fail: (error: unknown) => void;
}

let calls: Call[];
let pending: { run: () => void; ms: number }[];
let controller: CompletionController;
let errors: unknown[];
let disabled: boolean;

function attach(overrides: Partial<CompletionControllerOptions> = {}): void {
  controller = attachCompletion(document, {
    settings: { enabled: true, pauseMs: 300 },
    isDisabled: () => disabled,
    // happy-dom's events are never trusted; these tests stand for a user's keys (see "only the user starts work").
    isTrusted: () => true,
    onError: (e) => errors.push(e),
    requestCompletion: (prompt, fieldKey, onDelta, signal) =>
      new Promise<void>((finish, fail) => calls.push({ prompt, fieldKey, onDelta, signal, finish, fail })),
    timers: {
      set: (run, ms) => {
        const t = { run, ms };
        pending.push(t);
        return t;
      },
      clear: (t) => {
        pending = pending.filter((p) => p !== t);
      },
    },
    ...overrides,
  });
}

/** The pause passes. */
function pause(): void {
  const due = pending;
  pending = [];
  for (const t of due) t.run();
}

function type(el: HTMLInputElement | HTMLTextAreaElement, text: string): void {
  el.dispatchEvent(new KeyboardEvent('keydown', { key: text.slice(-1), bubbles: true }));
  el.value += text;
  el.setSelectionRange(el.value.length, el.value.length);
  el.dispatchEvent(new InputEvent('input', { bubbles: true, inputType: 'insertText', data: text }));
}

function key(el: Element, k: string, mods: KeyboardEventInit = {}): KeyboardEvent {
  const event = new KeyboardEvent('keydown', { key: k, bubbles: true, cancelable: true, ...mods });
  el.dispatchEvent(event);
  return event;
}

// The ghost's shadow root is closed; the test keeps the roots it attaches, as chrome.dom.openOrClosedShadowRoot would give them.
const roots = new WeakMap<Element, ShadowRoot>();
const attachShadow = Element.prototype.attachShadow;
Element.prototype.attachShadow = function (this: Element, init: ShadowRootInit) {
  const root = attachShadow.call(this, init);
  roots.set(this, root);
  return root;
};

function ghostText(): string | null {
  const host = document.querySelector('sesame-ghost');
  return (host && roots.get(host)?.querySelector('.ghost')?.textContent) ?? null;
}

it('the ghost lives in a closed shadow root: page script sees no shadowRoot', () => {
  attach();
  const ta = document.getElementById('ta') as HTMLTextAreaElement;
  ta.focus();
  type(ta, 'The cat');
  pause();
  calls[0]!.onDelta(' sat');
  const host = document.querySelector('sesame-ghost')!;
  expect(host.shadowRoot).toBeNull();
  expect(ghostText()).toBe(' sat');
});

const flush = () => new Promise((r) => setTimeout(r, 0));

beforeEach(() => {
  calls = [];
  pending = [];
  errors = [];
  disabled = false;
  document.body.innerHTML = `
    <textarea id="ta"></textarea><input id="inp"><input id="pw" type="password">
    <input id="otp" autocomplete="one-time-code"><div id="ce" contenteditable="true"></div>`;
});

afterEach(() => {
  controller.detach();
});

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

describe('completion controller', () => {
  it('asks after a pause, streams a ghost, and Tab inserts it as typed', async () => {
    attach();
    const ta = $<HTMLTextAreaElement>('ta');
    const seen: string[] = [];
    ta.addEventListener('input', (e) => seen.push(`${(e as InputEvent).inputType}:${(e as InputEvent).data}`));
    ta.focus();
    type(ta, 'The cat');
    expect(calls).toHaveLength(0);
    expect(pending.map((p) => p.ms)).toEqual([300]);
    pause();
    expect(calls).toHaveLength(1);
    expect(calls[0]!.prompt).toBe('The cat');
    calls[0]!.onDelta(' sat');
    calls[0]!.onDelta(' down');
    expect(ghostText()).toBe(' sat down');
    calls[0]!.finish();
    await flush();
    expect(controller.state.phase).toBe('shown');

    const tab = key(ta, 'Tab');
    expect(tab.defaultPrevented).toBe(true);
    expect(ta.value).toBe('The cat sat down');
    expect(ta.selectionStart).toBe(16);
    expect(seen.at(-1)).toBe('insertText: sat down');
    expect(ghostText()).toBe('');
    // The insertion's own input event did not count as typing over the ghost.
    expect(controller.state.phase).toBe('waiting');
  });

  it('leaves Tab alone when no ghost is shown', () => {
    attach();
    const ta = $<HTMLTextAreaElement>('ta');
    ta.focus();
    type(ta, 'Hello');
    expect(key(ta, 'Tab').defaultPrevented).toBe(false);
    pause();
    expect(key(ta, 'Tab').defaultPrevented).toBe(false);
  });

  it('typing the ghost consumes it; typing something else cancels at once', () => {
    attach();
    const inp = $<HTMLInputElement>('inp');
    inp.focus();
    type(inp, 'Good');
    pause();
    calls[0]!.onDelta(' morning');
    type(inp, ' mo');
    expect(ghostText()).toBe('rning');
    expect(calls[0]!.signal.aborted).toBe(false);
    expect(calls).toHaveLength(1);
    type(inp, 'x');
    expect(calls[0]!.signal.aborted).toBe(true);
    expect(ghostText()).toBe('');
    calls[0]!.onDelta('ignored');
    expect(ghostText()).toBe('');
    pause();
    expect(calls[1]!.prompt).toBe('Good mox');
  });

  it('Ctrl+→ accepts one word, Esc dismisses the rest', () => {
    attach();
    const inp = $<HTMLInputElement>('inp');
    inp.focus();
    type(inp, 'Good');
    pause();
    calls[0]!.onDelta(' morning to you');
    const word = key(inp, 'ArrowRight', { ctrlKey: true });
    expect(word.defaultPrevented).toBe(true);
    expect(inp.value).toBe('Good morning');
    expect(ghostText()).toBe(' to you');
    const esc = key(inp, 'Escape');
    expect(esc.defaultPrevented).toBe(true);
    expect(calls[0]!.signal.aborted).toBe(true);
    expect(ghostText()).toBe('');
    expect(key(inp, 'Escape').defaultPrevented).toBe(false);
  });

  it('removes the ghost on blur and keeps one field key per field', () => {
    attach();
    const ta = $<HTMLTextAreaElement>('ta');
    const inp = $<HTMLInputElement>('inp');
    ta.focus();
    type(ta, 'One');
    pause();
    calls[0]!.onDelta(' two');
    expect(document.querySelector('sesame-ghost')).not.toBeNull();
    inp.focus();
    expect(document.querySelector('sesame-ghost')).toBeNull();
    expect(calls[0]!.signal.aborted).toBe(true);
    type(inp, 'Three');
    pause();
    ta.focus();
    type(ta, ' more');
    pause();
    const [a, b, c] = calls.map((call) => call.fieldKey);
    expect(a).toBe(c);
    expect(a).not.toBe(b);
    expect(a!.length).toBeLessThanOrEqual(100);
  });

  it('never reads password or one-time-code fields', () => {
    attach();
    for (const id of ['pw', 'otp']) {
      const el = $<HTMLInputElement>(id);
      el.focus();
      type(el, 'hunter2');
      pause();
      expect(controller.suggestNow()).toBe(false);
    }
    expect(calls).toHaveLength(0);
    expect(pending).toHaveLength(0);
  });

  it('respects the enabled setting, the site switch and the pause length', () => {
    attach({ settings: { enabled: false, pauseMs: 300 } });
    const ta = $<HTMLTextAreaElement>('ta');
    ta.focus();
    type(ta, 'Hello');
    expect(pending).toHaveLength(0);
    controller.configure({ enabled: true, pauseMs: 900 });
    type(ta, ' there');
    expect(pending.map((p) => p.ms)).toEqual([900]);
    disabled = true;
    controller.configure({});
    pause();
    expect(calls).toHaveLength(0);
    ta.blur();
    ta.focus();
    type(ta, '!');
    expect(pending).toHaveLength(0);
  });

  it('suggestNow asks at once, even with automatic suggestions off', () => {
    attach({ settings: { enabled: false, pauseMs: 300 } });
    const ta = $<HTMLTextAreaElement>('ta');
    ta.focus();
    type(ta, 'Dear Sir,');
    expect(controller.suggestNow()).toBe(true);
    expect(calls[0]!.prompt).toBe('Dear Sir,');
    calls[0]!.onDelta('\nThank you');
    expect(ghostText()).toBe('\nThank you');
    expect(key(ta, 'Tab').defaultPrevented).toBe(true);
    expect(ta.value).toBe('Dear Sir,\nThank you');
  });

  it('rests after a failed request instead of asking on every pause', async () => {
    let clock = 0;
    attach({ now: () => clock, failureCooldownMs: 10_000 });
    const ta = $<HTMLTextAreaElement>('ta');
    ta.focus();
    type(ta, 'Hello');
    pause();
    calls[0]!.fail(new Error('model-load'));
    await flush();
    expect(errors).toHaveLength(1);
    type(ta, ' again');
    expect(pending).toHaveLength(0);
    clock = 10_001;
    type(ta, '!');
    pause();
    expect(calls).toHaveLength(2);
  });

  it('completes in contenteditable and inserts at the caret', () => {
    attach();
    const ce = $<HTMLDivElement>('ce');
    ce.focus();
    ce.textContent = 'Hi';
    const range = document.createRange();
    range.setStart(ce.firstChild!, 2);
    range.collapse(true);
    window.getSelection()!.removeAllRanges();
    window.getSelection()!.addRange(range);
    key(ce, 'i');
    ce.dispatchEvent(new InputEvent('input', { bubbles: true, inputType: 'insertText', data: 'i' }));
    pause();
    expect(calls[0]!.prompt).toBe('Hi');
    calls[0]!.onDelta(' there');
    expect(key(ce, 'Tab').defaultPrevented).toBe(true);
    expect(ce.textContent).toBe('Hi there');
  });

  it('reads the field back when maxlength cuts an insertion short', () => {
    attach();
    const inp = $<HTMLInputElement>('inp');
    inp.maxLength = 10;
    inp.focus();
    type(inp, 'Hello');
    pause();
    calls[0]!.onDelta(' wonderful world');
    expect(key(inp, 'Tab').defaultPrevented).toBe(true);
    expect(inp.value).toBe('Hello wond');
    expect(controller.state).toMatchObject({ text: 'Hello wond', caret: 10, ghost: '' });
  });

  it('stops listening when detached', () => {
    attach();
    const ta = $<HTMLTextAreaElement>('ta');
    ta.focus();
    controller.detach();
    type(ta, 'Hello');
    expect(pending).toHaveLength(0);
  });
});
