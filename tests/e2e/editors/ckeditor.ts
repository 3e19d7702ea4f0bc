// CKEditor 5 (classic editor, essentials + paragraph, undo), under its GPL licence key.
import { ClassicEditor, Essentials, Paragraph } from 'ckeditor5';
import 'ckeditor5/ckeditor5.css';
import { expose } from './common';

const probe = {
  name: 'ckeditor',
  text: () => '',
  serialised: () => '',
  changes: 0,
};
void ClassicEditor.create(document.getElementById('editor')!, { licenseKey: 'GPL', plugins: [Essentials, Paragraph] }).then((editor) => {
  probe.text = () => {
    const root = editor.model.document.getRoot();
    if (!root) return '';
    return Array.from(root.getChildren())
      .map((block) =>
        'getChildren' in block
          ? Array.from((block as { getChildren(): Iterable<{ data?: string }> }).getChildren())
              .map((n) => n.data ?? '')
              .join('')
          : '',
      )
      .join('\n');
  };
  probe.serialised = () => editor.getData();
  editor.model.document.on('change:data', () => {
    probe.changes++;
  });
  expose(probe);
});
