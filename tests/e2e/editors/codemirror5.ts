// CodeMirror 5: typing goes through a hidden textarea; inline completion stays off here.
// @ts-expect-error CodeMirror 5 is installed as `codemirror5` (an npm alias) and ships no types
import CodeMirror from 'codemirror5';
import 'codemirror5/lib/codemirror.css';
import { expose } from './common';

interface CodeMirror5 {
  getValue(): string;
  on(event: 'change', listener: () => void): void;
}
const cm = (CodeMirror as (parent: HTMLElement, options: Record<string, unknown>) => CodeMirror5)(document.getElementById('editor')!, {
  value: '',
  lineWrapping: true,
});
const probe = { name: 'codemirror5', text: () => cm.getValue(), serialised: () => cm.getValue(), changes: 0 };
cm.on('change', () => {
  probe.changes++;
});
expose(probe);
