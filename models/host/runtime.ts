// Builds the model host for a browser context (offscreen document or Firefox background page).
import { InferenceSession } from 'onnxruntime-web/webgpu';
import { browser } from 'wxt/browser';
import { type GpuLike } from '../backend';
import { loadBundledDict } from '../cloze/bundled-dict';
import { loadGlosses } from '../glosses/bundled';
import { ModelCache } from '../model-cache';
import { type Diagnostics, HOST_IDLE } from '../protocol';
import { ModelHost } from './host';
import { loadModel } from './loader';
import { guardSessionCreation } from './session-guard';
import { configureTransformers, wasmThreads } from './transformers-env';

type MemoryMeasuring = Performance & { measureUserAgentSpecificMemory?: () => Promise<{ bytes: number }> };

/** The document's memory as the browser counts it (JS heaps, WASM memory, DOM), or null where it cannot tell. */
async function measureMemory(): Promise<number | null> {
  const measure = (performance as MemoryMeasuring).measureUserAgentSpecificMemory;
  if (!measure || !globalThis.crossOriginIsolated) return null;
  return measure.call(performance).then((r) => r.bytes, () => null);
}

/** `rejected`: how many connections and messages the host's gate refused (Chrome's offscreen document). */
export async function createBrowserHost(kind: Diagnostics['host'], rejected?: () => number): Promise<ModelHost> {
  // The same module transformers.js imports: one failed model load must not break the others.
  guardSessionCreation(InferenceSession);
  const cache = await ModelCache.open();
  const ortBase = browser.runtime.getURL('/ort/' as '/');
  configureTransformers({ remoteHost: 'https://huggingface.co/', cache, ortBase });
  return new ModelHost({
    kind,
    cache,
    load: loadModel,
    setRemoteHost: (url) => configureTransformers({ remoteHost: url, cache, ortBase }),
    gpu: (navigator as Navigator & { gpu?: GpuLike }).gpu,
    threads: wasmThreads,
    startedAt: performance.timeOrigin,
    startMs: performance.now(),
    loadChineseDict: loadBundledDict,
    lookupGlosses: loadGlosses,
    measureMemory,
    ...(rejected ? { rejected } : {}),
    // Only a document can be closed to free its memory; Firefox's background page stays.
    ...(kind === 'offscreen' ? { onIdleEmpty: () => void browser.runtime.sendMessage(HOST_IDLE).catch(() => undefined) } : {}),
  });
}
