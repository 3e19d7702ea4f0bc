// Two build-time edits that keep the store linters' warnings (addons-linter, `npm run lint:store`)
// at zero without changing what runs:
//
// - Preact's DOM diff supports `dangerouslySetInnerHTML` by assigning `el.innerHTML = value.__html`.
//   Sesame never uses that prop (page text is only ever shown as text; a unit test greps for it), so
//   the assignment is replaced by a throw: the path cannot run, and the bundles hold no innerHTML
//   assignment of a variable.
// - onnxruntime-web's Emscripten glue (embind's `_emval_get_method_caller`) builds a method caller
//   with `new Function(...)`. The extension's CSP (`script-src 'self' 'wasm-unsafe-eval'`, no
//   'unsafe-eval') already makes that line throw an EvalError; the shipped copy throws the same
//   error explicitly instead of calling the Function constructor.
// - transformers.js defaults onnxruntime-web's runtime path to a CDN (cdn.jsdelivr.net) before Sesame
//   points it at the copy shipped under /ort/ (models/host/transformers-env.ts). The default
//   becomes that same local path, so the package names no remote code location at all.
//
// Each edit must match exactly once: a dependency update that changes the code fails the build.
import { readFileSync } from 'node:fs';
import type { Plugin } from 'vite';

const PREACT_INNER_HTML = /\((\w+)\.innerHTML=(\w+)\.__html\)/g;
const EMVAL_FUNCTION = /\(new Function\(Object\.keys\((\w+)\),(\w+)\)\)/g;

const ORT_CDN_DEFAULT = /`https:\/\/cdn\.jsdelivr\.net\/npm\/onnxruntime-web@\$\{[^}]+\}\/dist\/`/g;

function replaceOnce(code: string, pattern: RegExp, replacement: string, what: string): string {
  const matches = code.match(pattern)?.length ?? 0;
  if (matches !== 1) throw new Error(`store-safe: expected one ${what}, found ${matches} (did the dependency change?)`);
  return code.replace(pattern, replacement);
}

export function withoutPreactInnerHtml(code: string): string {
  return replaceOnce(
    code,
    PREACT_INNER_HTML,
    '(()=>{throw new Error("Sesame does not use dangerouslySetInnerHTML")})()',
    "Preact's dangerouslySetInnerHTML assignment",
  );
}

export function withoutEmvalFunction(code: string): string {
  return replaceOnce(
    code,
    EMVAL_FUNCTION,
    '(()=>{throw new EvalError("Code generation from strings is disallowed by the extension\'s Content Security Policy")})',
    "embind's Function constructor",
  );
}

export function withoutOrtCdnDefault(code: string): string {
  return replaceOnce(code, ORT_CDN_DEFAULT, '"/ort/"', "transformers.js's CDN default for onnxruntime-web");
}

/** Vite plugin: Preact's runtime without its innerHTML assignment; transformers.js without its CDN default. */
export function storeSafe(): Plugin {
  return {
    name: 'sesame:store-safe',
    enforce: 'pre',
    transform(code, id) {
      if (/[\\/]node_modules[\\/]preact[\\/]dist[\\/]preact\.(module\.js|mjs)(\?|$)/.test(id)) return { code: withoutPreactInnerHtml(code), map: null };
      if (/[\\/]node_modules[\\/]@huggingface[\\/]transformers[\\/]dist[\\/]transformers\.web(\.min)?\.js(\?|$)/.test(id)) {
        return { code: withoutOrtCdnDefault(code), map: null };
      }
      return null;
    },
  };
}

/** The onnxruntime-web glue as shipped: its one Function constructor made the EvalError the CSP gives. */
export function patchedOrtGlue(absoluteSrc: string): string {
  return withoutEmvalFunction(readFileSync(absoluteSrc, 'utf8'));
}
