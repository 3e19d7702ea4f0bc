// The build-time edits that keep the store lint clean (scripts/store-safe.ts) still find their
// code in the installed dependencies, and what they remove is unused by Sesame.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { patchedOrtGlue, withoutOrtCdnDefault, withoutPreactInnerHtml } from '../../../scripts/store-safe';

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : /\.(tsx?|mjs)$/.test(name) ? [path] : [];
  });
}

describe('store-safe build edits', () => {
  it("Preact's innerHTML assignment is replaced by a throw, in both of its module builds", () => {
    for (const file of ['preact.module.js', 'preact.mjs']) {
      const code = readFileSync(resolve('node_modules/preact/dist', file), 'utf8');
      const edited = withoutPreactInnerHtml(code);
      expect(edited).not.toMatch(/\.innerHTML=\w+\.__html/);
      expect(edited).toContain('Sesame does not use dangerouslySetInnerHTML');
    }
  });

  it('Sesame never renders with dangerouslySetInnerHTML (the path the edit removes)', () => {
    for (const dir of ['components', 'entrypoints', 'models']) {
      for (const file of sources(resolve(dir))) expect(readFileSync(file, 'utf8'), file).not.toContain('dangerouslySetInnerHTML');
    }
  });

  it("the shipped ORT glue has no Function constructor; it throws the CSP's EvalError there instead", () => {
    const code = patchedOrtGlue(resolve('node_modules/onnxruntime-web/dist/ort-wasm-simd-threaded.asyncify.mjs'));
    expect(code).not.toMatch(/new Function\(/);
    expect(code).toContain('throw new EvalError');
  });

  it("transformers.js's CDN default for the ORT runtime becomes the packaged /ort/ path", () => {
    const code = withoutOrtCdnDefault(readFileSync(resolve('node_modules/@huggingface/transformers/dist/transformers.web.js'), 'utf8'));
    expect(code).not.toContain('cdn.jsdelivr.net');
  });

  it('an edit that does not find its code fails loudly', () => {
    expect(() => withoutPreactInnerHtml('nothing here')).toThrow(/expected one/);
  });
});
