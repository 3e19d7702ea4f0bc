// Ace: typing goes through a hidden textarea; inline completion stays off here.
import ace from 'ace-builds';
import { expose } from './common';

const editor = ace.edit(document.getElementById('editor')!, { value: '', wrap: true, fontSize: 16 });
const probe = { name: 'ace', text: () => editor.getValue(), serialised: () => editor.getValue(), changes: 0 };
editor.session.on('change', () => {
  probe.changes++;
});
expose(probe);
