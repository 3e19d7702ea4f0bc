// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest';
import { completionAllowedIn, detectEditor, EDITOR_POLICIES, editorSupport, insertStrategyFor } from '@/models/shared/editors';
import { completionFieldOf, insertText, plainTextWithCaret } from '@/models/page/completion/field';

afterEach(() => {
  document.body.innerHTML = '';
});

/** Builds `html` in the body and returns the element matching `selector`. */
function build(html: string, selector: string): HTMLElement {
  document.body.innerHTML = html;
  return document.querySelector<HTMLElement>(selector)!;
}

describe('editor detection', () => {
  it('recognises each editor by the element that takes the keyboard, or one of its ancestors', () => {
    const cases: [string, string, string][] = [
      ['<div class="ProseMirror tiptap" contenteditable="true"><p id="t">x</p></div>', '#t', 'prosemirror'],
      ['<div contenteditable="true" data-lexical-editor="true"><p><span id="t">x</span></p></div>', '#t', 'lexical'],
      ['<div class="ql-container"><div class="ql-editor" contenteditable="true"><p id="t">x</p></div></div>', '#t', 'quill'],
      ['<div data-slate-editor="true" contenteditable="true"><div id="t">x</div></div>', '#t', 'slate'],
      ['<div class="ck ck-content ck-editor__editable ck-editor__editable_inline" contenteditable="true"><p id="t">x</p></div>', '#t', 'ckeditor5'],
      [
        '<div class="cm-editor"><div class="cm-scroller"><div class="cm-content" contenteditable="true"><div class="cm-line" id="t">x</div></div></div></div>',
        '#t',
        'codemirror6',
      ],
      ['<div class="CodeMirror"><div><textarea id="t"></textarea></div></div>', '#t', 'codemirror5'],
      ['<div class="monaco-editor"><div class="overflow-guard"><textarea class="inputarea" id="t"></textarea></div></div>', '#t', 'monaco'],
      ['<div class="ace_editor"><textarea class="ace_text-input" id="t"></textarea></div>', '#t', 'ace'],
    ];
    for (const [html, selector, kind] of cases) expect(detectEditor(build(html, selector))?.kind, html).toBe(kind);
  });

  it('a plain field or contenteditable is no editor', () => {
    expect(detectEditor(build('<textarea id="t"></textarea>', '#t'))).toBeNull();
    expect(detectEditor(build('<div contenteditable="true" id="t"></div>', '#t'))).toBeNull();
    expect(detectEditor(null)).toBeNull();
  });

  it('an element whose selector support throws counts as plain', () => {
    expect(
      detectEditor({
        closest: () => {
          throw new Error('no selectors');
        },
      }),
    ).toBeNull();
  });
});

describe('insertion strategy and where completion is off', () => {
  it('model-keeping editors get execCommand only, Slate beforeinput only, a plain contenteditable every way', () => {
    const kind = (k: string) => EDITOR_POLICIES.find((p) => p.kind === k)!;
    for (const k of ['prosemirror', 'lexical', 'quill', 'codemirror6']) expect(insertStrategyFor(kind(k)), k).toBe('exec-command');
    expect(insertStrategyFor(kind('slate'))).toBe('before-input');
    expect(insertStrategyFor(kind('ckeditor5'))).toBe('before-input-async');
    expect(insertStrategyFor(null)).toBe('any');
  });

  it('completion stays off in hidden-textarea editors, on elsewhere', () => {
    const off = EDITOR_POLICIES.filter((p) => !completionAllowedIn(p)).map((p) => p.kind);
    expect(off).toEqual(['codemirror5', 'monaco', 'ace']);
    expect(completionAllowedIn(null)).toBe(true);
    expect(editorSupport()).toEqual({
      on: ['CodeMirror 6', 'ProseMirror / tiptap', 'Lexical', 'Quill', 'Slate', 'CKEditor 5'],
      off: ['CodeMirror 5', 'Monaco (VS Code)', 'Ace'],
    });
  });

  it('a textarea inside CodeMirror 5, Monaco or Ace is no completion field; one elsewhere is', () => {
    expect(completionFieldOf(build('<div class="CodeMirror"><textarea id="t"></textarea></div>', '#t'))).toBeNull();
    expect(completionFieldOf(build('<div class="monaco-editor"><textarea id="t"></textarea></div>', '#t'))).toBeNull();
    expect(completionFieldOf(build('<div class="ace_editor"><textarea id="t"></textarea></div>', '#t'))).toBeNull();
    expect(completionFieldOf(build('<div><textarea id="t"></textarea></div>', '#t'))?.kind).toBe('text');
    expect(completionFieldOf(build('<div class="ProseMirror" contenteditable="true"><p id="t">x</p></div>', '#t'))?.kind).toBe('rich');
  });
});

describe('insertion into editors', () => {
  function caretAtEnd(el: Element): void {
    const text = el.firstChild!;
    const range = document.createRange();
    range.setStart(text, text.textContent!.length);
    range.collapse(true);
    getSelection()!.removeAllRanges();
    getSelection()!.addRange(range);
  }

  it('Slate: only a beforeinput; inserted when the editor cancels it, and its DOM is never edited', () => {
    const host = build('<div data-slate-editor="true" contenteditable="true"><span>Hello</span></div>', '[data-slate-editor]');
    caretAtEnd(host.querySelector('span')!);
    const seen: string[] = [];
    host.addEventListener('beforeinput', (e) => {
      seen.push(`${(e as InputEvent).inputType}:${(e as InputEvent).data}`);
      e.preventDefault();
    });
    document.execCommand = () => {
      throw new Error('execCommand must not be used for Slate');
    };
    expect(insertText({ kind: 'rich', el: host }, ' world')).toBe(' world');
    expect(seen).toEqual(['insertText: world']);
    expect(host.textContent).toBe('Hello');
  });

  it('Slate: a beforeinput nobody handles inserts nothing', () => {
    const host = build('<div data-slate-editor="true" contenteditable="true"><span>Hello</span></div>', '[data-slate-editor]');
    caretAtEnd(host.querySelector('span')!);
    expect(insertText({ kind: 'rich', el: host }, ' world')).toBe('');
    expect(host.textContent).toBe('Hello');
  });

  it('ProseMirror: when execCommand fails, nothing is written behind the editor’s back', () => {
    const host = build('<div class="ProseMirror" contenteditable="true"><p>Hello</p></div>', '.ProseMirror');
    caretAtEnd(host.querySelector('p')!);
    let beforeInputs = 0;
    host.addEventListener('beforeinput', () => beforeInputs++);
    document.execCommand = () => false;
    expect(insertText({ kind: 'rich', el: host }, ' world')).toBe('');
    expect(host.textContent).toBe('Hello');
    expect(beforeInputs).toBe(0);
  });

  it('a plain contenteditable still falls back to editing the DOM', () => {
    const host = build('<div contenteditable="true">Hello</div>', '[contenteditable]');
    caretAtEnd(host);
    document.execCommand = () => false;
    expect(insertText({ kind: 'rich', el: host }, ' world')).toBe(' world');
    expect(host.textContent).toBe('Hello world');
  });
});

describe('insertion into CKEditor 5', () => {
  it('a beforeinput only, counted as inserted though not cancelled (CKEditor redraws later)', () => {
    const host = build('<div class="ck-editor__editable" contenteditable="true"><p>Hello</p></div>', '.ck-editor__editable');
    const text = host.querySelector('p')!.firstChild!;
    const range = document.createRange();
    range.setStart(text, 5);
    range.collapse(true);
    getSelection()!.removeAllRanges();
    getSelection()!.addRange(range);
    const seen: string[] = [];
    host.addEventListener('beforeinput', (e) => seen.push((e as InputEvent).data ?? ''));
    document.execCommand = () => {
      throw new Error('execCommand must not be used for CKEditor 5');
    };
    expect(insertText({ kind: 'rich', el: host }, ' world')).toBe(' world');
    expect(seen).toEqual([' world']);
    expect(host.textContent).toBe('Hello');
  });
});

describe('zero-width placeholders', () => {
  it('are not text, and the caret is counted without them', () => {
    const root = build('<div><p>x</p><p><span>\ufeff</span></p><p><span id="t">ab\ufeffc</span></p></div>', 'div');
    const node = document.getElementById('t')!.firstChild!;
    expect(plainTextWithCaret(root, node, 4)).toEqual({ text: 'x\nabc', caret: 5 });
    expect(plainTextWithCaret(root, node, 3)).toEqual({ text: 'x\nabc', caret: 4 });
    expect(plainTextWithCaret(root, node, 2)).toEqual({ text: 'x\nabc', caret: 4 });
  });
});
