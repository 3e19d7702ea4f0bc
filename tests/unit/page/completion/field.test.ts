// @vitest-environment happy-dom
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  completionFieldOf,
  editableHost,
  type EditableLike,
  insertText,
  isSensitiveHost,
  type NodeLike,
  plainText,
  plainTextWithCaret,
  readField,
  spliceValue,
} from '@/models/page/completion/field';

/** A contenteditable host as a plain object: attributes only, no DOM. */
function host(attrs: Record<string, string>, tagName = 'DIV') {
  return { tagName, id: attrs.id ?? '', getAttribute: (name: string) => attrs[name] ?? null };
}

function chain(...attrs: (Record<string, string> | null)[]): EditableLike {
  let parent: EditableLike | null = null;
  for (const a of attrs.reverse()) parent = { getAttribute: (name) => a?.[name] ?? null, parentElement: parent };
  return parent!;
}

function caretAt(node: Node, offset: number): void {
  const range = document.createRange();
  range.setStart(node, offset);
  range.collapse(true);
  const selection = window.getSelection()!;
  selection.removeAllRanges();
  selection.addRange(range);
}

afterEach(() => {
  document.body.innerHTML = '';
});

describe('completion fields: what is sensitive', () => {
  it('never reads contenteditable hosts marked as passwords, codes or card numbers', () => {
    expect(isSensitiveHost(host({ contenteditable: 'true' }))).toBe(false);
    expect(isSensitiveHost(host({ contenteditable: 'true', autocomplete: 'one-time-code' }))).toBe(true);
    expect(isSensitiveHost(host({ contenteditable: 'true', autocomplete: 'cc-number' }))).toBe(true);
    expect(isSensitiveHost(host({ contenteditable: 'true', autocomplete: 'current-password' }))).toBe(true);
    expect(isSensitiveHost(host({ contenteditable: 'true', inputmode: 'numeric' }))).toBe(true);
    expect(isSensitiveHost(host({ contenteditable: 'true', inputmode: 'tel' }))).toBe(true);
    expect(isSensitiveHost(host({ contenteditable: 'true', inputmode: 'text' }))).toBe(false);
    expect(isSensitiveHost(host({ contenteditable: 'true', 'aria-label': 'Enter your PIN' }))).toBe(true);
    expect(isSensitiveHost(host({ contenteditable: 'true', id: 'otp-box' }))).toBe(true);
  });

  it('checks the autocomplete attribute even when the property is empty', () => {
    const el = { ...host({ autocomplete: 'one-time-code' }), autocomplete: '' };
    expect(isSensitiveHost(el)).toBe(true);
  });

  it('finds the outermost editable element, stopping at contenteditable="false"', () => {
    const inner = chain({}, { contenteditable: 'true' }, {});
    expect(editableHost(inner)).toBe(inner.parentElement);
    const nested = chain({}, { contenteditable: '' }, { contenteditable: 'true' });
    expect(editableHost(nested)).toBe(nested.parentElement!.parentElement);
    expect(editableHost(chain({}, { contenteditable: 'false' }, { contenteditable: 'true' }))).toBeNull();
    const island = chain({ contenteditable: 'true' }, { contenteditable: 'false' }, { contenteditable: 'true' });
    expect(editableHost(island)).toBe(island);
    expect(editableHost(chain({ contenteditable: 'plaintext-only' }))).not.toBeNull();
    expect(editableHost(chain({}, {}))).toBeNull();
  });

  it('accepts text fields and rejects password, code, numeric and read-only ones', () => {
    document.body.innerHTML = `
      <textarea id="ta"></textarea><input id="inp" type="text"><input id="search" type="search"><input id="bare">
      <input id="pw" type="password"><input id="otp" autocomplete="one-time-code"><input id="email" type="email">
      <input id="pin" inputmode="numeric"><input id="ro" readonly><textarea id="off" disabled></textarea>
      <div id="ce" contenteditable="true"><p id="para">x</p></div><div id="code" contenteditable="true" autocomplete="one-time-code"></div>
      <p id="plain">text</p>`;
    const kind = (id: string) => completionFieldOf(document.getElementById(id))?.kind ?? null;
    expect(['ta', 'inp', 'search', 'bare'].map(kind)).toEqual(['text', 'text', 'text', 'text']);
    expect(['pw', 'otp', 'email', 'pin', 'ro', 'off', 'code', 'plain'].map(kind)).toEqual(Array(8).fill(null));
    expect(completionFieldOf(document.getElementById('para'))).toEqual({ kind: 'rich', el: document.getElementById('ce') });
  });
});

describe('completion fields: reading', () => {
  it('reads a text field’s value and caret', () => {
    document.body.innerHTML = '<textarea id="ta"></textarea><input id="inp">';
    const ta = document.getElementById('ta') as HTMLTextAreaElement;
    ta.value = 'Dear Sir,\nthank';
    ta.setSelectionRange(15, 15);
    expect(readField({ kind: 'text', el: ta })).toEqual({ text: 'Dear Sir,\nthank', caret: 15, collapsed: true, multiline: true });
    const inp = document.getElementById('inp') as HTMLInputElement;
    inp.value = 'abc';
    inp.setSelectionRange(0, 2);
    expect(readField({ kind: 'text', el: inp })).toMatchObject({ caret: 0, collapsed: false, multiline: false });
  });

  it('stops reading a field that became a password field', () => {
    document.body.innerHTML = '<input id="inp" value="secret">';
    const inp = document.getElementById('inp') as HTMLInputElement;
    const field = completionFieldOf(inp)!;
    inp.type = 'password';
    expect(readField(field)).toBeNull();
  });

  it('reads rich text with line breaks and the caret inside it', () => {
    document.body.innerHTML = '<div id="ce" contenteditable="true"><div>First line</div><div>Sec<b>ond</b> part</div></div>';
    const ce = document.getElementById('ce')!;
    const bold = ce.querySelector('b')!;
    caretAt(bold.firstChild!, 3);
    expect(readField({ kind: 'rich', el: ce })).toEqual({ text: 'First line\nSecond part', caret: 17, collapsed: true, multiline: true });
  });

  it('turns markup into the text a reader sees', () => {
    const el = document.createElement('div');
    el.innerHTML = 'a&nbsp;b<br>c<p>d</p>e<ul><li>f</li><li>g</li></ul><script>x</script>';
    expect(plainText(el)).toBe('a b\nc\nd\ne\nf\ng');
    el.innerHTML = '<div>a</div><div><br></div><div>b<br><br>c</div>';
    expect(plainText(el)).toBe('a\n\nb\n\nc');
  });

  it('places the caret in that text, on the new line of an empty block', () => {
    const text = (value: string): NodeLike => ({ nodeType: 3, nodeName: '#text', nodeValue: value, childNodes: [] });
    const el = (name: string, ...childNodes: NodeLike[]): NodeLike => ({ nodeType: 1, nodeName: name, nodeValue: null, childNodes });
    const hello = text('Hello');
    const empty = el('DIV', el('BR'));
    const root = el('DIV', el('DIV', hello), empty);
    expect(plainTextWithCaret(root, hello, 3)).toEqual({ text: 'Hello\n\n', caret: 3 });
    expect(plainTextWithCaret(root, empty, 0)).toEqual({ text: 'Hello\n\n', caret: 6 });
    expect(plainTextWithCaret(root, root, 2)).toEqual({ text: 'Hello\n\n', caret: 7 });
    expect(plainTextWithCaret(root, null, 0).caret).toBe(7);
  });
});

describe('completion fields: inserting as if typed', () => {
  it('splices into the value, cut to maxlength', () => {
    expect(spliceValue('Hello', 5, 5, ' world')).toEqual({ value: 'Hello world', inserted: ' world' });
    expect(spliceValue('Hello!', 5, 5, ' there')).toEqual({ value: 'Hello there!', inserted: ' there' });
    expect(spliceValue('Hello', 5, 5, ' world', 8)).toEqual({ value: 'Hello wo', inserted: ' wo' });
    expect(spliceValue('Hello', 5, 5, 'x😀', 7)).toEqual({ value: 'Hellox', inserted: 'x' });
    expect(spliceValue('Hello', 5, 5, 'x', 5)).toEqual({ value: 'Hello', inserted: '' });
  });

  it('sets a textarea through the native setter, fires insertText and moves the caret', () => {
    document.body.innerHTML = '<textarea id="ta"></textarea>';
    const ta = document.getElementById('ta') as HTMLTextAreaElement;
    ta.value = 'The cat';
    ta.setSelectionRange(7, 7);
    const events: { inputType: string; data: string | null; value: string }[] = [];
    ta.addEventListener('input', (e) => events.push({ inputType: (e as InputEvent).inputType, data: (e as InputEvent).data, value: ta.value }));
    expect(insertText({ kind: 'text', el: ta }, ' sat')).toBe(' sat');
    expect(ta.value).toBe('The cat sat');
    expect(ta.selectionStart).toBe(11);
    expect(ta.selectionEnd).toBe(11);
    expect(events).toEqual([{ inputType: 'insertText', data: ' sat', value: 'The cat sat' }]);
  });

  it('gets past a React-style value tracker on the element', () => {
    document.body.innerHTML = '<input id="react">';
    const el = document.getElementById('react') as HTMLInputElement;
    const native = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!;
    let tracked = '';
    let state = '';
    Object.defineProperty(el, 'value', {
      configurable: true,
      get: () => native.get!.call(el),
      set: (v: string) => {
        tracked = v;
        native.set!.call(el, v);
      },
    });
    el.addEventListener('input', () => {
      const actual = native.get!.call(el) as string;
      if (actual !== tracked) state = tracked = actual;
      el.value = state;
    });
    insertText({ kind: 'text', el }, 'typed');
    expect(state).toBe('typed');
    expect(el.value).toBe('typed');
    // The plain assignment a naive implementation would do is undone by the "re-render".
    el.value = 'typed more';
    el.dispatchEvent(new InputEvent('input', { bubbles: true }));
    expect(el.value).toBe('typed');
    native.set!.call(el, 'x');
    el.dispatchEvent(new InputEvent('input', { bubbles: true }));
    expect(state).toBe('x');
  });

  it('uses execCommand("insertText") in contenteditable when the browser has it', () => {
    document.body.innerHTML = '<div id="ce" contenteditable="true">Hi</div>';
    const ce = document.getElementById('ce')!;
    caretAt(ce.firstChild!, 2);
    const exec = vi.fn(() => true);
    Object.defineProperty(document, 'execCommand', { configurable: true, value: exec });
    try {
      expect(insertText({ kind: 'rich', el: ce }, ' there')).toBe(' there');
      expect(exec).toHaveBeenCalledWith('insertText', false, ' there');
    } finally {
      delete (document as unknown as Record<string, unknown>).execCommand;
    }
  });

  it('falls back to a Range insertion with beforeinput and input events', () => {
    document.body.innerHTML = '<div id="ce" contenteditable="true">Hello <b>wor</b></div>';
    const ce = document.getElementById('ce')!;
    const bold = ce.querySelector('b')!;
    caretAt(bold.firstChild!, 3);
    const seen: string[] = [];
    ce.addEventListener('beforeinput', (e) => seen.push(`before:${(e as InputEvent).inputType}:${(e as InputEvent).data}`));
    ce.addEventListener('input', (e) => seen.push(`input:${(e as InputEvent).inputType}:${(e as InputEvent).data}`));
    expect(insertText({ kind: 'rich', el: ce }, 'ld!')).toBe('ld!');
    expect(ce.textContent).toBe('Hello world!');
    expect(seen).toEqual(['before:insertText:ld!', 'input:insertText:ld!']);
    expect(readField({ kind: 'rich', el: ce })).toMatchObject({ text: 'Hello world!', caret: 12 });
  });

  it('leaves the DOM alone when the page handles beforeinput itself', () => {
    document.body.innerHTML = '<div id="ce" contenteditable="true">Hi</div>';
    const ce = document.getElementById('ce')!;
    caretAt(ce.firstChild!, 2);
    ce.addEventListener('beforeinput', (e) => e.preventDefault());
    insertText({ kind: 'rich', el: ce }, ' there');
    expect(ce.textContent).toBe('Hi');
  });
});
