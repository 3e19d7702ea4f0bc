// ProseMirror (the core under tiptap): basic schema, history and the base keymap.
import { baseKeymap } from 'prosemirror-commands';
import { history, redo, undo } from 'prosemirror-history';
import { keymap } from 'prosemirror-keymap';
import { DOMSerializer } from 'prosemirror-model';
import { schema } from 'prosemirror-schema-basic';
import { EditorState } from 'prosemirror-state';
import { EditorView } from 'prosemirror-view';
import { expose } from './common';

const mount = document.getElementById('editor')!;
const state = EditorState.create({ schema, plugins: [history(), keymap({ 'Mod-z': undo, 'Mod-y': redo, 'Mod-Shift-z': redo }), keymap(baseKeymap)] });
let changes = 0;
const view = new EditorView(mount, {
  state,
  dispatchTransaction(tr) {
    if (tr.docChanged) probe.changes = ++changes;
    view.updateState(view.state.apply(tr));
  },
});
const probe = {
  name: 'prosemirror',
  text: () => view.state.doc.textBetween(0, view.state.doc.content.size, '\n'),
  serialised: () => {
    const box = document.createElement('div');
    box.append(DOMSerializer.fromSchema(schema).serializeFragment(view.state.doc.content));
    return JSON.stringify(view.state.doc.toJSON()) + box.innerHTML;
  },
  changes: 0,
};
expose(probe);
