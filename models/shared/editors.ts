// The editors real sites use, as far as inline completion must treat them differently.
//
// Most rich-text editors keep their own document model and redraw the DOM from it, so text has to
// reach them through their input path. Checked in tests/e2e/editors.test.ts on the real packages:
// - ProseMirror (tiptap), Lexical, Quill and CodeMirror 6 take `execCommand('insertText')` (they
//   read the DOM change it makes, and it is one step in their undo history); a synthetic
//   `beforeinput` does nothing there. Editing their DOM directly would desync them, so when
//   execCommand fails nothing is inserted.
// - Slate ignores execCommand's DOM change (its model keeps the old text: a desync) but handles a
//   `beforeinput` with inputType insertText itself and cancels it; so it gets only that.
// - CKEditor 5 undoes execCommand's DOM change (while execCommand reports success) but takes the
//   text of a `beforeinput` into its model without cancelling it, and redraws a moment later; so
//   it gets only that, counted as inserted (the redraw's selectionchange syncs the ghost state).
// - CodeMirror 5, Monaco and Ace take typing through a hidden textarea that holds the current
//   line at most (a 1-pixel box in Ace): the text before the caret is not the document's and the
//   caret cannot be placed from it, so completion stays off there (Settings says so).
// Anything else is a plain contenteditable: execCommand, else beforeinput, else a DOM edit.

export type EditorKind = 'prosemirror' | 'lexical' | 'quill' | 'slate' | 'ckeditor5' | 'codemirror6' | 'codemirror5' | 'monaco' | 'ace';

/**
 * How accepted text is inserted in a contenteditable:
 * - `exec-command`: `document.execCommand('insertText')` only;
 * - `before-input`: a cancelable `beforeinput` (insertText) only: inserted when the editor cancels it;
 * - `before-input-async`: the same, counted as inserted: the editor takes it without cancelling it
 *   and redraws later;
 * - `any`: execCommand, else beforeinput, else the DOM edited directly (plain contenteditable).
 */
export type InsertStrategy = 'exec-command' | 'before-input' | 'before-input-async' | 'any';

export interface EditorPolicy {
  kind: EditorKind;
  /** The editor's name as people know it. */
  label: string;
  /** Where the editor is recognised: the focused element or one of its ancestors matches. */
  selector: string;
  /** False: inline completion stays silent in this editor. */
  completion: boolean;
  insert: InsertStrategy;
}

export const EDITOR_POLICIES: readonly EditorPolicy[] = [
  { kind: 'codemirror6', label: 'CodeMirror 6', selector: '.cm-content', completion: true, insert: 'exec-command' },
  { kind: 'prosemirror', label: 'ProseMirror / tiptap', selector: '.ProseMirror', completion: true, insert: 'exec-command' },
  { kind: 'lexical', label: 'Lexical', selector: '[data-lexical-editor]', completion: true, insert: 'exec-command' },
  { kind: 'quill', label: 'Quill', selector: '.ql-editor', completion: true, insert: 'exec-command' },
  { kind: 'slate', label: 'Slate', selector: '[data-slate-editor]', completion: true, insert: 'before-input' },
  { kind: 'ckeditor5', label: 'CKEditor 5', selector: '.ck-editor__editable', completion: true, insert: 'before-input-async' },
  { kind: 'codemirror5', label: 'CodeMirror 5', selector: '.CodeMirror', completion: false, insert: 'exec-command' },
  { kind: 'monaco', label: 'Monaco (VS Code)', selector: '.monaco-editor', completion: false, insert: 'exec-command' },
  { kind: 'ace', label: 'Ace', selector: '.ace_editor', completion: false, insert: 'exec-command' },
];

export interface ClosestLike {
  closest(selector: string): unknown;
}

/** The editor `el` (a focused field or editable host) belongs to, or null for a plain field. */
export function detectEditor(el: ClosestLike | null): EditorPolicy | null {
  if (!el) return null;
  for (const policy of EDITOR_POLICIES) {
    try {
      if (el.closest(policy.selector)) return policy;
    } catch {
      // a DOM without selector support: treat as plain
    }
  }
  return null;
}

/** How accepted text goes into a contenteditable that belongs to `editor` (null: a plain one). */
export function insertStrategyFor(editor: EditorPolicy | null): InsertStrategy {
  return editor?.insert ?? 'any';
}

/** Whether inline completion may run in a field of `editor` (null: a plain field). */
export function completionAllowedIn(editor: EditorPolicy | null): boolean {
  return editor?.completion ?? true;
}

/** The labels of the editors where completion is on (checked) and where it is off. */
export function editorSupport(): { on: string[]; off: string[] } {
  return {
    on: EDITOR_POLICIES.filter((p) => p.completion).map((p) => p.label),
    off: EDITOR_POLICIES.filter((p) => !p.completion).map((p) => p.label),
  };
}
