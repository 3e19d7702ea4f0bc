// Slate (slate-react on React 19) with slate-history. Written without JSX: the project's JSX is Preact's.
// @ts-expect-error React ships no types and @types/react is not installed (the project is Preact)
import { createElement as h } from 'react';
// @ts-expect-error as above
import { createRoot } from 'react-dom/client';
import { createEditor, type Descendant, Node } from 'slate';
import { withHistory } from 'slate-history';
import { Editable, Slate, withReact } from 'slate-react';
import { expose } from './common';

const editor = withHistory(withReact(createEditor()));
const initialValue: Descendant[] = [{ children: [{ text: '' }] } as Descendant];
const probe = {
  name: 'slate',
  text: () => editor.children.map((node) => Node.string(node)).join('\n'),
  serialised: () => JSON.stringify(editor.children),
  changes: 0,
};
const onValueChange = (): void => {
  probe.changes++;
};
createRoot(document.getElementById('editor')!).render(
  h(Slate, { editor, initialValue, onValueChange }, h(Editable, { style: { padding: '6px', outline: 'none' } })),
);
expose(probe);
