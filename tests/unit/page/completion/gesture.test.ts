// @vitest-environment happy-dom
// Only the user starts a completion: the text change must be a trusted event that follows a
// trusted key or pointer event in the same field within a second. happy-dom events are never
// trusted, so the test decides which events the browser would have marked trusted.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { attachCompletion, type CompletionController } from '@/models/page/completion/controller';
import { GESTURE_WINDOW_MS, GestureTracker } from '@/models/page/completion/gesture';

let controller: CompletionController;
let prompts: string[];
let pending: (() => void)[];
let clock: number;
const trusted = new WeakSet<Event>();

function attach(): void {
  controller = attachCompletion(document, {
    settings: { enabled: true, pauseMs: 300 },
    requestCompletion: (prompt) => {
      prompts.push(prompt);
      return new Promise<void>(() => {});
    },
    timers: { set: (run) => pending.push(run), clear: () => {} },
    now: () => clock,
    isTrusted: (e) => trusted.has(e),
  });
}

function fire<T extends Event>(el: Element, event: T, isTrusted: boolean): T {
  if (isTrusted) trusted.add(event);
  el.dispatchEvent(event);
  return event;
}
const keydown = (el: Element, isTrusted = true) => fire(el, new KeyboardEvent('keydown', { key: 'x', bubbles: true, composed: true }), isTrusted);
const pointerdown = (el: Element, isTrusted = true) => fire(el, new MouseEvent('pointerdown', { bubbles: true, composed: true }), isTrusted);
function input(el: HTMLTextAreaElement, text: string, isTrusted = true): void {
  el.value += text;
  el.setSelectionRange(el.value.length, el.value.length);
  fire(el, new InputEvent('input', { bubbles: true, inputType: 'insertText', data: text }), isTrusted);
}
function pause(): void {
  const due = pending;
  pending = [];
  due.forEach((run) => run());
}

const $ = (id: string) => document.getElementById(id) as HTMLTextAreaElement;

beforeEach(() => {
  prompts = [];
  pending = [];
  clock = 1_000_000;
  document.body.innerHTML = '<textarea id="a"></textarea><textarea id="b"></textarea>';
});
afterEach(() => controller.detach());

describe('only the user starts a completion', () => {
  it('a key typed in the field, then its input: a request (the control case)', () => {
    attach();
    $('a').focus();
    keydown($('a'));
    input($('a'), 'The river');
    pause();
    expect(prompts).toEqual(['The river']);
  });

  it('a pointer press in the field counts as a gesture too (paste from a menu, dictation after a click)', () => {
    attach();
    $('a').focus();
    pointerdown($('a'));
    clock += 400;
    input($('a'), 'The river');
    pause();
    expect(prompts).toEqual(['The river']);
  });

  it("a trusted input with no key before it (the page's execCommand('insertText')): no request", () => {
    attach();
    $('a').focus();
    input($('a'), 'The river');
    pause();
    expect(prompts).toEqual([]);
  });

  it('an untrusted input event (the page dispatched it), even right after a real key: no request', () => {
    attach();
    $('a').focus();
    keydown($('a'));
    input($('a'), 'The river', false);
    pause();
    expect(prompts).toEqual([]);
  });

  it('a synthetic keydown from page script does not count as a gesture', () => {
    attach();
    $('a').focus();
    keydown($('a'), false);
    input($('a'), 'The river');
    pause();
    expect(prompts).toEqual([]);
  });

  it('a real key in another field does not open this one', () => {
    attach();
    keydown($('b'));
    $('a').focus();
    input($('a'), 'The river');
    pause();
    expect(prompts).toEqual([]);
  });

  it(`a key more than ${GESTURE_WINDOW_MS} ms before the change does not count`, () => {
    attach();
    $('a').focus();
    keydown($('a'));
    clock += GESTURE_WINDOW_MS + 1;
    input($('a'), 'The river');
    pause();
    expect(prompts).toEqual([]);
    // The user types again: suggestions come back.
    keydown($('a'));
    input($('a'), ' bank');
    pause();
    expect(prompts).toEqual(['The river bank']);
  });

  it('text the page sets itself while a suggestion is pending (a value, then a selection move) asks for nothing', () => {
    attach();
    $('a').focus();
    keydown($('a'));
    input($('a'), 'The river');
    $('a').value = 'Text the page chose';
    $('a').setSelectionRange(19, 19);
    document.dispatchEvent(new Event('selectionchange'));
    pause();
    expect(prompts).toEqual([]);
  });

  it('suggestNow() (the keyboard command, sent by the background) needs no gesture in the page', () => {
    attach();
    $('a').focus();
    $('a').value = 'Once upon';
    $('a').setSelectionRange(9, 9);
    expect(controller.suggestNow()).toBe(true);
    expect(prompts).toEqual(['Once upon']);
  });
});

describe('GestureTracker', () => {
  it('remembers the last gesture only, for its field and its descendants, within the window', () => {
    let now = 0;
    const g = new GestureTracker(() => now, 1000);
    const field = document.createElement('div');
    const inner = document.createElement('span');
    field.append(inner);
    expect(g.recentIn(field)).toBe(false);
    g.note(inner);
    expect(g.recentIn(field)).toBe(true);
    expect(g.recentIn(inner)).toBe(true);
    now = 1001;
    expect(g.recentIn(field)).toBe(false);
    g.note(document.body);
    expect(g.recentIn(field)).toBe(false);
  });
});
