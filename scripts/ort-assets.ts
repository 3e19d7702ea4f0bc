import { resolve } from 'node:path';
import { patchedOrtGlue } from './store-safe';

// The onnxruntime-web runtime that @huggingface/transformers loads at run time. MV3 forbids
// remote code, so these ship inside the extension (the library's default is a CDN).
// The asyncify build serves both the WASM and the WebGPU execution providers; the plain build
// (half its size, no WebGPU) starts faster where the backend is WASM for good (issue #21,
// models/host/transformers-env.ts wasmOnlyRuntime).
export const ORT_FILES = [
  'ort-wasm-simd-threaded.asyncify.mjs',
  'ort-wasm-simd-threaded.asyncify.wasm',
  'ort-wasm-simd-threaded.mjs',
  'ort-wasm-simd-threaded.wasm',
];

export function ortRuntimeAssets(): ({ absoluteSrc: string; relativeDest: string } | { contents: string; relativeDest: string })[] {
  const dist = resolve('node_modules/onnxruntime-web/dist');
  // The asyncify glue ships with its one Function constructor replaced by the EvalError the CSP
  // would raise (store-safe.ts); the plain glue has none.
  return ORT_FILES.map((file) =>
    file.endsWith('.asyncify.mjs')
      ? { contents: patchedOrtGlue(resolve(dist, file)), relativeDest: `ort/${file}` }
      : { absoluteSrc: resolve(dist, file), relativeDest: `ort/${file}` },
  );
}
