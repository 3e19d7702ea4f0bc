// @vitest-environment happy-dom
// captureSelection: what the content script reads of a selection — page text, text fields,
// contenteditable, shadow roots — and what it refuses (password fields, whitespace).
import { afterEach, describe, expect, it } from 'vitest';
import { captureSelection, selectedRange } from '@/models/page/capture';
import type { Capture } from '@/models/shared/protocol';

afterEach(() => {
  document.body.innerHTML = '';
  getSelection()?.removeAllRanges();
  (document.activeElement as HTMLElement | null)?.blur?.();
});

function selectIn(node: Node, text: string): void {
  const at = node.textContent!.indexOf(text);
  if (at < 0) throw new Error(`${text} not in ${node.textContent}`);
  const range = document.createRange();
  range.setStart(node, at);
  range.setEnd(node, at + text.length);
  getSelection()!.removeAllRanges();
  getSelection()!.addRange(range);
}

function captured(): Capture {
  const outcome = captureSelection(window);
  if (outcome.kind !== 'capture') throw new Error(`no capture: ${outcome.reason}`);
  return outcome.capture;
}

const selected = (c: Capture) => c.text.slice(c.start, c.end);

describe('captureSelection', () => {
  it('page text: the word, its paragraph and its sentence', () => {
    document.body.innerHTML = '<p id="p">First sentence here. She went to the <b>bank</b> to pay. Last one.</p>';
    selectIn(document.querySelector('b')!.firstChild!, 'bank');
    const c = captured();
    expect(c.text).toBe('First sentence here. She went to the bank to pay. Last one.');
    expect(selected(c)).toBe('bank');
    expect(c.text.slice(c.sentenceStart, c.sentenceEnd)).toMatch(/^She went to the bank to pay\.\s*$/);
    expect(c.truncated).toBe(false);
    expect(c.url).toBe(location.href);
  });

  it('drops the spaces a double-click picks up around the word', () => {
    document.body.innerHTML = '<p>The river bank was quiet.</p>';
    selectIn(document.querySelector('p')!.firstChild!, ' bank ');
    expect(selected(captured())).toBe('bank');
  });

  it('a textarea and a text input: their value around the selection', () => {
    document.body.innerHTML = '<textarea id="t">Notes about the bank today</textarea><input id="i" value="Search the bank site">';
    const area = document.getElementById('t') as HTMLTextAreaElement;
    area.focus();
    area.setSelectionRange(16, 20);
    expect(captured()).toMatchObject({ text: 'Notes about the bank today', start: 16, end: 20 });
    const input = document.getElementById('i') as HTMLInputElement;
    input.focus();
    input.setSelectionRange(11, 15);
    expect(selected(captured())).toBe('bank');
  });

  it('a contenteditable region', () => {
    document.body.innerHTML = '<div contenteditable="true"><p>The editor says the bank opens at nine.</p></div>';
    const p = document.querySelector('p')!;
    (p.parentElement as HTMLElement).focus();
    selectIn(p.firstChild!, 'bank');
    const c = captured();
    expect(c.text).toBe('The editor says the bank opens at nine.');
    expect(selected(c)).toBe('bank');
  });

  it('never reads a password field, nor a selection in one', () => {
    document.body.innerHTML = '<input id="pw" type="password" value="hunter2"><input id="otp" autocomplete="one-time-code" value="123456">';
    for (const id of ['pw', 'otp']) {
      const field = document.getElementById(id) as HTMLInputElement;
      field.focus();
      field.select();
      expect(captureSelection(window)).toEqual({ kind: 'none', reason: 'sensitive-field' });
    }
  });

  it('an empty or whitespace-only selection is no selection, in page text and in fields', () => {
    document.body.innerHTML = '<p>Two   spaces</p><textarea id="t">a    b</textarea>';
    expect(captureSelection(window)).toEqual({ kind: 'none', reason: 'no-selection' });
    selectIn(document.querySelector('p')!.firstChild!, '   ');
    expect(captureSelection(window)).toEqual({ kind: 'none', reason: 'no-selection' });
    const area = document.getElementById('t') as HTMLTextAreaElement;
    area.focus();
    area.setSelectionRange(1, 5);
    getSelection()!.removeAllRanges();
    expect(captureSelection(window)).toEqual({ kind: 'none', reason: 'no-selection' });
  });

  it('text inside an open shadow root, and a focused field inside one', () => {
    document.body.innerHTML = '<div id="host"></div>';
    const root = document.getElementById('host')!.attachShadow({ mode: 'open' });
    root.innerHTML = '<p>Inside the shadow root the bank is quiet.</p><textarea>Shadow notes on the bank</textarea>';
    selectIn(root.querySelector('p')!.firstChild!, 'bank');
    const c = captured();
    expect(c.text).toBe('Inside the shadow root the bank is quiet.');
    expect(selected(c)).toBe('bank');
    const area = root.querySelector('textarea')!;
    area.focus();
    area.setSelectionRange(20, 24);
    expect(selected(captured())).toBe('bank');
  });

  it('Chromium’s view of a shadow-root selection (collapsed at the host) is resolved through the composed range', () => {
    document.body.innerHTML = '<p>Before.</p><div id="host"></div>';
    const host = document.getElementById('host')!;
    const root = host.attachShadow({ mode: 'open' });
    root.innerHTML = '<section><div id="inner"></div></section>';
    const nested = (root.getElementById('inner') as HTMLElement).attachShadow({ mode: 'open' });
    nested.innerHTML = '<p>Deep in the nested root the bank is quiet.</p>';
    const text = nested.querySelector('p')!.firstChild!;
    const at = text.textContent!.indexOf('bank');
    // What document.getSelection() reports in Chromium: a collapsed range in the body, before the host.
    const collapsed = document.createRange();
    collapsed.setStart(document.body, 1);
    collapsed.collapse(true);
    let asked: ShadowRoot[] = [];
    const chromiumLike = {
      rangeCount: 1,
      getRangeAt: () => collapsed,
      toString: () => 'bank',
      getComposedRanges: ({ shadowRoots }: { shadowRoots: ShadowRoot[] }) => {
        asked = shadowRoots;
        return shadowRoots.includes(nested) ? [{ startContainer: text, startOffset: at, endContainer: text, endOffset: at + 4, collapsed: false }] : [];
      },
    };
    const win = Object.create(window, { getSelection: { value: () => chromiumLike }, document: { value: document }, location: { value: location } }) as Window;
    expect(asked).toEqual([]);
    expect(selectedRange(win)?.toString()).toBe('bank');
    expect(asked).toEqual([root, nested]);
    const outcome = captureSelection(win);
    expect(outcome.kind === 'capture' && outcome.capture.text).toBe('Deep in the nested root the bank is quiet.');
    expect(outcome.kind === 'capture' && selected(outcome.capture)).toBe('bank');
  });
});
