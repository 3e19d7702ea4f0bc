// Quill 2 without a theme (the core stylesheet only), with its default keyboard and history modules.
import Quill from 'quill';
import 'quill/dist/quill.core.css';
import { expose } from './common';

const quill = new Quill('#editor', {});
const probe = {
  name: 'quill',
  text: () => quill.getText().replace(/\n$/, ''),
  serialised: () => JSON.stringify(quill.getContents()) + quill.getSemanticHTML(),
  changes: 0,
};
quill.on('text-change', () => {
  probe.changes++;
});
expose(probe);
