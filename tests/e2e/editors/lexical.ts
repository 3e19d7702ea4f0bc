// Lexical: rich-text editor (paragraphs, headings, formats) with history, as in its playground.
import { createEmptyHistoryState, registerHistory } from '@lexical/history';
import { registerRichText } from '@lexical/rich-text';
import { mergeRegister } from '@lexical/utils';
import { $getRoot, createEditor } from 'lexical';
import { expose } from './common';

const root = document.getElementById('editor')!;
const editor = createEditor({ namespace: 'sesame-e2e', onError: (error) => console.error(error) });
editor.setRootElement(root);
mergeRegister(registerRichText(editor), registerHistory(editor, createEmptyHistoryState(), 1000));
const probe = {
  name: 'lexical',
  text: () => editor.getEditorState().read(() => $getRoot().getTextContent()),
  serialised: () => JSON.stringify(editor.getEditorState().toJSON()),
  changes: 0,
};
editor.registerTextContentListener(() => {
  probe.changes++;
});
expose(probe);
