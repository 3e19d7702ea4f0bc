// Builds the model host for a browser context (offscreen document or Firefox background page).
import { browser } from 'wxt/browser';
import { type GpuLike } from '../backend';
import { loadBundledDict } from '../cloze/bundled-dict';
import { loadGlosses } from '../glosses/bundled';
import { ModelCache } from '../model-cache';
import type { Diagnostics } from '../protocol';
import { ModelHost } from './host';
import { loadModel } from './loader';
import { configureTransformers, wasmThreads } from './transformers-env';

export async function createBrowserHost(kind: Diagnostics['host']): Promise<ModelHost> {
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
  });
}
