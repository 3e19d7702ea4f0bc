import { resolve } from 'node:path';
import { patchedOrtGlue } from './store-safe';

// The onnxruntime-web runtime that @huggingface/transformers loads at run time. MV3 forbids
// remote code, so these ship inside the extension (the library's default is a CDN).
// Only the asyncify build is needed: it serves both the WASM and the WebGPU execution providers.
export const ORT_FILES = ['ort-wasm-simd-threaded.asyncify.mjs', 'ort-wasm-simd-threaded.asyncify.wasm'];

export function ortRuntimeAssets(): ({ absoluteSrc: string; relativeDest: string } | { contents: string; relativeDest: string })[] {
  const dist = resolve('node_modules/onnxruntime-web/dist');
  // The glue ships with its one Function constructor replaced by the EvalError the CSP would raise (store-safe.ts).
  return ORT_FILES.map((file) =>
    file.endsWith('.mjs')
      ? { contents: patchedOrtGlue(resolve(dist, file)), relativeDest: `ort/${file}` }
      : { absoluteSrc: resolve(dist, file), relativeDest: `ort/${file}` },
  );
}
