// CodeMirror 6: the default and history keymaps, an update listener for changes.
import { defaultKeymap, history, historyKeymap } from '@codemirror/commands';
import { EditorState } from '@codemirror/state';
import { EditorView, keymap } from '@codemirror/view';
import { expose } from './common';

const probe = {
  name: 'codemirror',
  text: () => view.state.doc.toString(),
  serialised: () => JSON.stringify(view.state.toJSON()),
  changes: 0,
};
const view = new EditorView({
  parent: document.getElementById('editor')!,
  state: EditorState.create({
    doc: '',
    extensions: [
      history(),
      keymap.of([...defaultKeymap, ...historyKeymap]),
      EditorView.lineWrapping,
      EditorView.updateListener.of((update) => {
        if (update.docChanged) probe.changes++;
      }),
    ],
  }),
});
expose(probe);
