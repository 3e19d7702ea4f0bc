// Test pages with real editors from npm (ProseMirror, tiptap, Lexical, Quill, CodeMirror 6, Slate, CodeMirror 5): each entry in
// tests/e2e/editors/ is bundled with esbuild at test time into a temporary folder, beside a small
// HTML page, and served on loopback. Nothing built here is committed.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, resolve } from 'node:path';
import { build } from 'esbuild';

/** Editors inline completion works in. */
export const EDITORS = ['prosemirror', 'tiptap', 'lexical', 'quill', 'codemirror', 'slate', 'ckeditor'] as const;
export type EditorName = (typeof EDITORS)[number];
/** Editors it stays off in (a hidden textarea takes the typing). */
export const SILENT_EDITORS = ['codemirror5', 'ace'] as const;
export type SilentEditorName = (typeof SILENT_EDITORS)[number];
const ALL = [...EDITORS, ...SILENT_EDITORS];

const MIME: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css' };

function page(name: EditorName | SilentEditorName, css: boolean): string {
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>${name} editor</title>
    ${css ? `<link rel="stylesheet" href="${name}.css" />` : ''}
    <style>
      body { font: 16px/1.4 sans-serif; margin: 24px; }
      #editor { font: 16px/22px monospace; width: 480px; min-height: 66px; border: 1px solid #888; }
      #editor .ProseMirror, #editor[data-lexical-editor], #editor .ql-editor { padding: 6px; outline: none; white-space: pre-wrap; }
      #editor p { margin: 0; }
      #editor .cm-content { font: 16px/22px monospace; }
    </style>
  </head>
  <body>
    <h1>${name}</h1>
    <div id="editor"${name === 'lexical' ? ' contenteditable="true"' : ''}></div>
    <script src="${name}.js"></script>
  </body>
</html>
`;
}

export interface EditorPages {
  url: string;
  close(): Promise<void>;
}

export async function serveEditorPages(): Promise<EditorPages> {
  const dir = mkdtempSync(join(tmpdir(), 'sesame-editors-'));
  await build({
    entryPoints: Object.fromEntries(ALL.map((name) => [name, resolve(`tests/e2e/editors/${name}.ts`)])),
    bundle: true,
    format: 'iife',
    target: 'es2022',
    outdir: dir,
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'error',
  });
  for (const name of ALL) writeFileSync(join(dir, `${name}.html`), page(name, existsSync(join(dir, `${name}.css`))));
  const server = createServer((req, res) => {
    const file = join(dir, decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname));
    if (!file.startsWith(dir) || !existsSync(file)) {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': MIME[extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file));
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('no address');
  return {
    url: `http://127.0.0.1:${address.port}`,
    close: async () => {
      await new Promise<void>((ok) => server.close(() => ok()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
