// Starting onnxruntime before the model's bytes are read (issue #21). transformers.js creates a
// session only once it holds the whole file, and onnxruntime-web starts its runtime on the first
// session: fetching and compiling its WebAssembly (27 MB) and starting its threads waited for the
// model's read from the cache. A one-node session made as the load begins starts the runtime
// beside that read; the model's own session then finds it ready (onnxruntime-common shares one
// start per backend name).
import { warmupModel } from './onnx';
import type { DeviceName } from './lm/loader';
import { span } from '../shared/spans';

export interface WarmSession {
  release(): Promise<void>;
}

export type SessionCreate = (model: Uint8Array, options: { executionProviders: string[] }) => Promise<WarmSession>;

/**
 * `warm(device)` starts the runtime for `device` once. Only the WASM backend: a WebGPU session's
 * creation can suspend inside the WebAssembly (asyncify) and must not overlap another one, which
 * the model's own would. A failure is left to the model's load, which meets it and says so.
 */
export function runtimeWarmer(create: SessionCreate): (device: DeviceName) => Promise<void> {
  const started = new Map<DeviceName, Promise<void>>();
  return (device) => {
    if (device !== 'wasm') return Promise.resolve();
    let warm = started.get(device);
    if (!warm) {
      span('ort:warm');
      warm = create(warmupModel(), { executionProviders: [device] })
        .then((session) => session.release())
        .catch(() => undefined)
        .finally(() => span('ort:warm-ready'));
      started.set(device, warm);
    }
    return warm;
  };
}

/**
 * A host whose first load is on WASM stays on WASM (its backend is chosen once; only WebGPU falls
 * back to WASM), so its runtime may start from the build without WebGPU (`wasmOnly`, called before
 * that load's first session). A first load on WebGPU starts the asyncify build, which then also
 * serves a fallback to WASM.
 */
export function wasmOnlyIfFirst(warm: (device: DeviceName) => Promise<void>, wasmOnly: () => void): (device: DeviceName) => Promise<void> {
  let first = true;
  return (device) => {
    if (first && device === 'wasm') wasmOnly();
    first = false;
    return warm(device);
  };
}
