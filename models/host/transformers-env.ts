// Configures @huggingface/transformers for the extension: model files come from the configured
// host through Sesame's own cache, and the onnxruntime-web runtime comes from inside the extension.
import { env } from '@huggingface/transformers';
import type { ModelCache } from '../shared/model-files/model-cache';
import { fetchWithStallTimeout } from './stall-fetch';

export interface TransformersSetup {
  remoteHost: string;
  cache: ModelCache;
  /** Base URL of the bundled onnxruntime-web files (e.g. chrome-extension://…/ort/); omitted in Node. */
  ortBase?: string;
  threads?: number;
  /** The network fetch under the pinning and the stall timeout (default: the global fetch). */
  fetch?: typeof fetch;
}

/** A download with no new bytes for this long fails instead of hanging. */
export const STALL_MS = 30_000;
const plainFetch = globalThis.fetch.bind(globalThis);

export const ORT_MJS = 'ort-wasm-simd-threaded.asyncify.mjs';
export const ORT_WASM = 'ort-wasm-simd-threaded.asyncify.wasm';
/** onnxruntime-web's build without asyncify: the WASM execution provider only (no WebGPU), 14 MB against 27. */
export const ORT_PLAIN_MJS = 'ort-wasm-simd-threaded.mjs';
export const ORT_PLAIN_WASM = 'ort-wasm-simd-threaded.wasm';

/** Which onnxruntime-web build the runtime starts from (wasmOnlyRuntime). */
let wasmOnly = false;

/**
 * From now on the runtime starts from the build without WebGPU (issue #21): half the WebAssembly
 * to fetch and compile on a cold start. Only for a host that will never ask for WebGPU (its
 * backend is WASM for good); no effect once the runtime started, whichever build that was.
 */
export function wasmOnlyRuntime(): void {
  wasmOnly = true;
  const wasm = env.backends.onnx.wasm;
  const paths = wasm?.wasmPaths;
  const mjs = paths && typeof paths === 'object' ? String(paths.mjs ?? '') : '';
  if (wasm && mjs.endsWith(ORT_MJS)) {
    const base = mjs.slice(0, -ORT_MJS.length);
    wasm.wasmPaths = { mjs: `${base}${ORT_PLAIN_MJS}`, wasm: `${base}${ORT_PLAIN_WASM}` };
  }
}

export function configureTransformers(setup: TransformersSetup): void {
  env.allowLocalModels = false;
  env.allowRemoteModels = true;
  env.remoteHost = setup.remoteHost.endsWith('/') ? setup.remoteHost : `${setup.remoteHost}/`;
  env.remotePathTemplate = '{model}/resolve/{revision}/';
  env.useBrowserCache = false;
  env.useCustomCache = true;
  // A pinned model's requests all go to its commit, the probes transformers.js makes at `main` too (model-cache.ts pinnedUrl),
  // and its downloads are hashed as they stream (checkedResponse).
  const cache = setup.cache;
  const base = setup.fetch ?? plainFetch;
  const pinnedFetch: typeof fetch = async (input, init) => {
    if (typeof input !== 'string') return base(input, init);
    const url = cache.pinnedUrl(input);
    // Checked as it streams: bytes that do not match the hub's listing never reach transformers.js whole.
    return cache.checkedResponse(url, await base(url, init));
  };
  env.fetch = fetchWithStallTimeout(pinnedFetch, STALL_MS);
  env.customCache = setup.cache;
  const wasm = env.backends.onnx.wasm;
  if (wasm && setup.ortBase) {
    // Load the runtime straight from the extension's files: the library's default of caching it
    // as a blob: URL would be refused by the extension CSP (script-src 'self').
    env.useWasmCache = false;
    wasm.wasmPaths = wasmOnly
      ? { mjs: `${setup.ortBase}${ORT_PLAIN_MJS}`, wasm: `${setup.ortBase}${ORT_PLAIN_WASM}` }
      : { mjs: `${setup.ortBase}${ORT_MJS}`, wasm: `${setup.ortBase}${ORT_WASM}` };
  }
  if (wasm && setup.threads !== undefined) wasm.numThreads = setup.threads;
}

/** A model file downloaded as transformers.js downloads it (the fetch `configureTransformers` set: pinned, checked, stall timeout). */
export function fetchModelFile(url: string): Promise<Response> {
  return env.fetch(url);
}

/** The thread count onnxruntime-web will use (it defaults to half the cores when isolated). */
export function wasmThreads(): number {
  const configured = env.backends.onnx.wasm?.numThreads;
  if (typeof configured === 'number' && configured > 0) return configured;
  if (!globalThis.crossOriginIsolated) return 1;
  return Math.min(4, Math.ceil((globalThis.navigator?.hardwareConcurrency ?? 1) / 2));
}
