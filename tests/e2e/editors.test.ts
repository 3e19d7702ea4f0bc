// Inline completion inside the editors real sites use, bundled from npm at test time
// (tests/e2e/editor-pages.ts): ProseMirror, tiptap, Lexical, Quill, CodeMirror 6 and Slate. In each, the ghost
// text is drawn at the caret over the editor (never inside it), Tab goes through the editor's own
// input path (its document holds the text, its change event fires, one undo removes it), Esc and
// typing-through work as in a textarea, and nothing of Sesame's reaches the editor's content.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EDITOR_POLICIES, type EditorKind, insertStrategyFor } from '@/models/shared/editors';
import { EDITORS, type EditorName, type EditorPages, SILENT_EDITORS, serveEditorPages } from './editor-pages';
import { ghostGlyph, ghostText, launch, routerStats, type Session } from './harness';
import { hostCounters, waitForGhost } from './ghost-wait';

const TYPED = 'The river bank was';

/** The element that takes the keyboard in each editor. */
const SURFACE: Record<EditorName, string> = {
  prosemirror: '.ProseMirror',
  tiptap: '.tiptap',
  lexical: '[data-lexical-editor]',
  quill: '.ql-editor',
  codemirror: '.cm-content',
  slate: '[data-slate-editor]',
  ckeditor: '.ck-editor__editable',
};

/** Which of Sesame's editor policies each page's editor falls under. */
const KIND: Record<EditorName, EditorKind> = {
  prosemirror: 'prosemirror',
  tiptap: 'prosemirror',
  lexical: 'lexical',
  quill: 'quill',
  codemirror: 'codemirror6',
  slate: 'slate',
  ckeditor: 'ckeditor5',
};

/**
 * What one Ctrl+Z leaves after Tab. ProseMirror (tiptap), Lexical, Quill and CodeMirror start a new undo
 * step after a moment without edits (0.5–1 s), typed or not, so it takes the accepted text only.
 * slate-history merges every contiguous insertion into one step however long the pause, so
 * there it takes the typed text with the accepted text, as it would had both been typed.
 */
const AFTER_UNDO: Record<EditorName, string> = { prosemirror: TYPED, tiptap: TYPED, lexical: TYPED, quill: TYPED, codemirror: TYPED, slate: '', ckeditor: '' };

interface Probe {
  text: string;
  serialised: string;
  changes: number;
  /** Sesame's elements or attributes found inside the editor's DOM. */
  leaked: number;
}

const probe = (page: Page, surface: string) =>
  page.evaluate((surface): Probe => {
    const editor = (window as unknown as { __editor: { text(): string; serialised(): string; changes: number } }).__editor;
    const root = document.querySelector(surface)!;
    const leaked = root.querySelectorAll('sesame-ghost, sesame-bubble, [class*=sesame], [data-sesame]').length;
    return { text: editor.text(), serialised: editor.serialised(), changes: editor.changes, leaked };
  }, surface);

/** The right edge and line of the character before the caret. */
const caretBox = (page: Page) =>
  page.evaluate(() => {
    const selection = getSelection()!;
    const node = selection.focusNode!;
    const offset = selection.focusOffset;
    const range = document.createRange();
    if (node.nodeType === Node.TEXT_NODE && offset > 0) {
      range.setStart(node, offset - 1);
      range.setEnd(node, offset);
    } else {
      // The caret sits after an element: measure the last character of the text before it.
      const walker = document.createTreeWalker(node, NodeFilter.SHOW_TEXT);
      let last: Text | null = null;
      for (let n = walker.nextNode(); n; n = walker.nextNode()) if (n.textContent) last = n as Text;
      if (!last) throw new Error('no text before the caret');
      range.setStart(last, last.length - 1);
      range.setEnd(last, last.length);
    }
    const r = range.getBoundingClientRect();
    return { right: r.right, top: r.top, bottom: r.bottom };
  });

/** No trace of Sesame in what the editor would save, and none of its elements inside the editor. */
function expectNoLeak(p: Probe): void {
  expect(p.leaked).toBe(0);
  expect(p.serialised.toLowerCase()).not.toContain('sesame');
  expect(p.serialised).not.toContain('ghost');
}

describe('inline completion in real editors', () => {
  let s: Session;
  let pages: EditorPages;
  beforeAll(async () => {
    pages = await serveEditorPages();
    s = await launch();
  });
  afterAll(async () => {
    await s?.close();
    await pages?.close();
  });

  /** Opens the editor's page and types TYPED into it; returns the page once the ghost has settled. */
  async function typeAndWait(name: EditorName): Promise<{ page: Page; suggestion: string }> {
    const page = await s.context.newPage();
    page.on('pageerror', (error) => console.error(`${name} page error: ${error.message}`));
    await page.goto(`${pages.url}/${name}.html`);
    await page.click(SURFACE[name]);
    const since = await hostCounters(s);
    await page.keyboard.type(TYPED, { delay: 10 });
    const suggestion = await waitForGhost(s, page, since);
    expect(suggestion.length).toBeGreaterThan(0);
    return { page, suggestion };
  }

  for (const name of EDITORS) {
    describe(name, () => {
      const surface = SURFACE[name];

      it('ghost text shows at the caret, outside the editor; Esc dismisses it and leaves the document as typed', async () => {
        const { page } = await typeAndWait(name);
        const glyph = (await ghostGlyph(page))!;
        const caret = await caretBox(page);
        expect(Math.abs(glyph.left - caret.right)).toBeLessThan(2);
        expect(glyph.top).toBeGreaterThanOrEqual(caret.top - 4);
        expect(glyph.top).toBeLessThan(caret.bottom);
        // The overlay hangs off the root element, not inside the editor.
        expect(await page.evaluate((surface) => !!document.querySelector(`${surface} sesame-ghost`), surface)).toBe(false);
        const shown = await probe(page, surface);
        expect(shown.text).toBe(TYPED);
        expectNoLeak(shown);
        await page.keyboard.press('Escape');
        await expect.poll(() => ghostText(page)).toBe('');
        // Esc went to the ghost only: the editor keeps the focus (Lexical, say, blurs on an Esc of its own).
        expect(await page.evaluate((surface) => document.querySelector(surface)!.contains(document.activeElement), surface)).toBe(true);
        const after = await probe(page, surface);
        expect(after.text).toBe(TYPED);
        expect(after.changes).toBe(shown.changes);
        expectNoLeak(after);
        await page.close();
      });

      it('Tab inserts through the editor: its document holds the text, its change event fires, one undo removes it', async () => {
        const { page, suggestion } = await typeAndWait(name);
        // Editors merge edits made within a moment (0.5–1 s) into one undo step, typed or not;
        // past that the accepted text is a step of its own.
        await page.waitForTimeout(1100);
        const before = await probe(page, surface);
        await page.keyboard.press('Tab');
        await expect.poll(async () => (await probe(page, surface)).text).toBe(`${TYPED}${suggestion}`);
        const accepted = await probe(page, surface);
        expect(accepted.changes).toBeGreaterThan(before.changes);
        expectNoLeak(accepted);
        // The ghost goes once the editor has applied the text (CKEditor renders its model a frame later).
        await expect.poll(() => ghostText(page)).toBe('');
        // The DOM agrees with the model (no desync): what is shown is what the editor holds.
        const shown = await page.evaluate((surface) => document.querySelector(surface)!.textContent!.replace(/\u00a0/g, ' '), surface);
        expect(shown).toBe(`${TYPED}${suggestion}`);
        await page.keyboard.press('Control+z');
        await expect.poll(async () => (await probe(page, surface)).text).toBe(AFTER_UNDO[name]);
        expectNoLeak(await probe(page, surface));
        // Redo brings back exactly the accepted text (CodeMirror's redo here is Ctrl+Y).
        await page.keyboard.press(name === 'codemirror' ? 'Control+y' : 'Control+Shift+z');
        await expect.poll(async () => (await probe(page, surface)).text).toBe(`${TYPED}${suggestion}`);
        await page.close();
      });

      it('typing the ghost’s next characters consumes them; Ctrl+→ accepts a word', async () => {
        const { page, suggestion } = await typeAndWait(name);
        const first = suggestion[0]!;
        const asked = (await routerStats(s)).requests.complete ?? 0;
        await page.keyboard.type(first);
        await expect.poll(async () => (await probe(page, surface)).text).toBe(`${TYPED}${first}`);
        await expect.poll(() => ghostText(page)).toBe(suggestion.slice(1));
        const rest = suggestion.slice(1);
        await page.keyboard.press('Control+ArrowRight');
        await expect.poll(async () => (await probe(page, surface)).text.length).toBeGreaterThan(TYPED.length + 1);
        const added = (await probe(page, surface)).text.slice(TYPED.length + 1);
        expect(rest.startsWith(added)).toBe(true);
        expect(added.trim()).not.toBe('');
        await expect.poll(async () => JSON.stringify(await ghostText(page))).toBe(JSON.stringify(rest.slice(added.length)));
        // The ghost was used up, not thrown away: no new request after a typing pause.
        await page.waitForTimeout(800);
        expect(await ghostText(page)).toBe(rest.slice(added.length));
        expect((await routerStats(s)).requests.complete ?? 0).toBe(asked);
        expectNoLeak(await probe(page, surface));
        await page.close();
      });

      it('on a later line: the ghost sits at that line’s caret and Tab lands there', async () => {
        const page = await s.context.newPage();
        await page.goto(`${pages.url}/${name}.html`);
        await page.click(surface);
        await page.keyboard.type('A first line.', { delay: 10 });
        await page.keyboard.press('Enter');
        const since = await hostCounters(s);
        await page.keyboard.type(TYPED, { delay: 10 });
        const suggestion = await waitForGhost(s, page, since);
        const glyph = (await ghostGlyph(page))!;
        const caret = await caretBox(page);
        expect(Math.abs(glyph.left - caret.right)).toBeLessThan(2);
        expect(glyph.top).toBeGreaterThanOrEqual(caret.top - 4);
        expect(glyph.top).toBeLessThan(caret.bottom);
        await page.keyboard.press('Tab');
        await expect.poll(async () => (await probe(page, surface)).text.endsWith(`\n${TYPED}${suggestion}`)).toBe(true);
        expect((await probe(page, surface)).text).toMatch(new RegExp(`^A first line\\.\\n+${TYPED}`));
        expectNoLeak(await probe(page, surface));
        await page.close();
      });
    });
  }

  it('each editor is recognised, and takes text by the path Sesame chose for it (and not by the other)', async () => {
    /** On a fresh page of the editor with "Hello" typed: inserts " more" one way, then reads the editor's model and DOM. */
    const attempt = async (name: EditorName, selector: string, path: 'before-input' | 'exec-command') => {
      const page = await s.context.newPage();
      await page.goto(`${pages.url}/${name}.html`);
      await page.click(SURFACE[name]);
      await page.keyboard.type('Hello', { delay: 10 });
      const result = await page.evaluate(
        async ({ surface, selector, path }) => {
          const editor = (window as unknown as { __editor: { text(): string } }).__editor;
          const host = document.querySelector(surface)!;
          const recognised = host.closest(selector) !== null;
          let cancelled = false;
          if (path === 'before-input') {
            const init = { bubbles: true, cancelable: true, composed: true, inputType: 'insertText', data: ' more' };
            cancelled = !host.dispatchEvent(new InputEvent('beforeinput', init));
          } else {
            document.execCommand('insertText', false, ' more');
          }
          await new Promise((ok) => setTimeout(ok, 250));
          return { recognised, cancelled, model: editor.text(), shown: host.textContent!.replace(/\ufeff/g, '') };
        },
        { surface: SURFACE[name], selector, path },
      );
      await page.close();
      return result;
    };
    for (const name of EDITORS) {
      const policy = EDITOR_POLICIES.find((p) => p.kind === KIND[name])!;
      const chosen = insertStrategyFor(policy);
      if (chosen === 'any') throw new Error(`${name}: no insertion path of its own`);
      const path = chosen === 'exec-command' ? 'exec-command' : 'before-input';
      const other = path === 'exec-command' ? 'before-input' : 'exec-command';
      const taken = await attempt(name, policy.selector, path);
      expect(taken.recognised, name).toBe(true);
      expect(taken, `${name} by ${chosen}`).toMatchObject({ model: 'Hello more', shown: 'Hello more' });
      // Slate cancels the beforeinput it took; CKEditor takes it uncancelled (Sesame counts it as inserted).
      if (chosen !== 'exec-command') expect(taken.cancelled, name).toBe(chosen === 'before-input');
      // The other path either does nothing, or changes the DOM behind the model's back (Slate), or is undone (CKEditor).
      const missed = await attempt(name, policy.selector, other);
      expect(missed.model, `${name} by ${other}`).toBe('Hello');
    }
  });

  for (const name of SILENT_EDITORS) {
    it(`${name} (typing through a hidden textarea): completion stays silent and Tab is the editor’s`, async () => {
      const page = await s.context.newPage();
      await page.goto(`${pages.url}/${name}.html`);
      await page.click('#editor');
      // The hidden textarea holds the line: without the editor check Sesame would complete it, drawn at a 1-pixel box.
      const before = await routerStats(s);
      await page.keyboard.type(TYPED, { delay: 10 });
      expect(await page.evaluate(() => (document.activeElement as HTMLTextAreaElement).value)).toContain(TYPED);
      await page.waitForTimeout(1500);
      expect((await routerStats(s)).requests.complete ?? 0).toBe(before.requests.complete ?? 0);
      expect(await page.evaluate(() => document.querySelectorAll('sesame-ghost').length)).toBe(0);
      await page.keyboard.press('Tab');
      const p = await probe(page, '#editor');
      expect(p.text.startsWith(TYPED)).toBe(true);
      expect(p.text.slice(TYPED.length)).toMatch(/^[\t ]+$/);
      expectNoLeak(p);
      await page.close();
    });
  }

  it('Settings name the editors completion works in and those it is off in, and why', async () => {
    const page = await s.context.newPage();
    await page.goto(`chrome-extension://${s.extensionId}/options.html`);
    const on = await page.locator('[data-testid=completion-editors-on]').textContent();
    const off = await page.locator('[data-testid=completion-editors-off]').textContent();
    for (const label of ['ProseMirror', 'tiptap', 'Lexical', 'Quill', 'Slate', 'CodeMirror 6', 'CKEditor 5']) expect(on).toContain(label);
    for (const label of ['CodeMirror 5', 'Monaco', 'Ace']) expect(off).toContain(label);
    expect(off).toContain('hidden text box');
    await page.close();
  });
});
