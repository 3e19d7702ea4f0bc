// tiptap 3 (ProseMirror underneath) with its StarterKit: paragraphs, marks, lists, undo/redo.
import { Editor } from '@tiptap/core';
import StarterKit from '@tiptap/starter-kit';
import { expose } from './common';

const probe = {
  name: 'tiptap',
  text: () => editor.getText({ blockSeparator: '\n' }),
  serialised: () => JSON.stringify(editor.getJSON()) + editor.getHTML(),
  changes: 0,
};
const editor = new Editor({
  element: document.getElementById('editor')!,
  extensions: [StarterKit],
  content: '',
  onUpdate: () => {
    probe.changes++;
  },
});
expose(probe);
