// Which onnxruntime-web build the runtime starts from (issue #21): the asyncify build (WASM and
// WebGPU), or, for a host that stays on WASM, the plain build (half the WebAssembly).
import { env } from '@huggingface/transformers';
import { describe, expect, it } from 'vitest';
import { configureTransformers, ORT_MJS, ORT_PLAIN_MJS, ORT_PLAIN_WASM, ORT_WASM, wasmOnlyRuntime } from '@/models/host/transformers-env';
import { ModelCache } from '@/models/shared/model-files/model-cache';
import { memoryCache } from '../../../scripts/model-source';

const BASE = 'chrome-extension://abc/ort/';
const configure = () => configureTransformers({ remoteHost: 'https://huggingface.co/', cache: new ModelCache(memoryCache()), ortBase: BASE });

describe('wasmOnlyRuntime', () => {
  it('points the runtime at the plain build, and later configurations keep it', () => {
    configure();
    expect(env.backends.onnx.wasm?.wasmPaths).toEqual({ mjs: `${BASE}${ORT_MJS}`, wasm: `${BASE}${ORT_WASM}` });
    wasmOnlyRuntime();
    expect(env.backends.onnx.wasm?.wasmPaths).toEqual({ mjs: `${BASE}${ORT_PLAIN_MJS}`, wasm: `${BASE}${ORT_PLAIN_WASM}` });
    configure(); // a load's setRemoteHost
    expect(env.backends.onnx.wasm?.wasmPaths).toEqual({ mjs: `${BASE}${ORT_PLAIN_MJS}`, wasm: `${BASE}${ORT_PLAIN_WASM}` });
  });
});
