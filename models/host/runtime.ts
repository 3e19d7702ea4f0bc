// Builds the model host for a browser context (offscreen document or Firefox background page).
import { env as ortEnv, InferenceSession } from 'onnxruntime-web/webgpu';
import { browser } from 'wxt/browser';
import type { GpuLike } from './backend';
import { loadBundledDict } from '../shared/dict/bundled-dict';
import { loadEquivalents, loadGlosses, loadWordLevel } from './tools/sense/glosses/bundled';
import { ModelCache } from '../shared/model-files/model-cache';
import { type Diagnostics, HOST_IDLE } from '../shared/protocol';
import { GemvThreads, kernelWorkers, type ThreadPort } from './kernels';
import { ModelHost } from './host';
import { loadModel, loadWithoutSession } from './lm/loader';
import { measureMemory } from './memory';
import { guardSessionRuns } from './run-guard';
import { installRunFaults } from './run-faults';
import { warmFactorFor } from './model-pool';
import { guardSessionCreation } from './onnx';
import { configureTransformers, fetchModelFile, wasmOnlyRuntime, wasmThreads } from './transformers-env';
import { span } from '../shared/spans';
import { runtimeWarmer, type SessionCreate, wasmOnlyIfFirst } from './warm-runtime';

/** Worker threads for Sesame's kernels where they can share its memory (a cross-origin-isolated document) and there are cores to spare (`kernelWorkers`). */
export function kernelThreads(spawn: () => Worker): GemvThreads | undefined {
  const workers = kernelWorkers(globalThis.navigator?.hardwareConcurrency ?? 1);
  if (!globalThis.crossOriginIsolated || workers < 1 || typeof Atomics.waitAsync !== 'function') return undefined;
  try {
    return new GemvThreads(spawn as () => ThreadPort, workers);
  } catch (error) {
    console.warn('Sesame: kernel threads did not start:', error);
    return undefined;
  }
}

/**
 * `rejected`: how many connections and messages the host's gate refused (Chrome's offscreen document).
 * `threads`: worker threads for Sesame's kernels (kernelThreads).
 */
export async function createBrowserHost(kind: Diagnostics['host'], rejected?: () => number, threads?: () => GemvThreads | undefined): Promise<ModelHost> {
  // The same module transformers.js imports: one failed model load must not break the others.
  guardSessionCreation(InferenceSession);
  // …and one failed inference must not fail every later one (run-guard.ts). The e2e tests' fault
  // hook goes under the guard, where a real failure would come from.
  const Session = InferenceSession as unknown as Parameters<typeof guardSessionRuns>[0];
  installRunFaults(Session, async () => ((await ortEnv.webgpu.device) as { destroy(): void }).destroy());
  guardSessionRuns(Session);
  const cache = await ModelCache.open();
  span('host:cache-open');
  const ortBase = browser.runtime.getURL('/ort/' as '/');
  configureTransformers({ remoteHost: 'https://huggingface.co/', cache, ortBase });
  return new ModelHost({
    kind,
    cache,
    load: loadModel,
    loadWithoutSession,
    fetchFile: fetchModelFile,
    setRemoteHost: (url) => configureTransformers({ remoteHost: url, cache, ortBase }),
    gpu: (navigator as Navigator & { gpu?: GpuLike }).gpu,
    threads: wasmThreads,
    startedAt: performance.timeOrigin,
    startMs: performance.now(),
    loadChineseDict: loadBundledDict,
    lookupGlosses: loadGlosses,
    readingAids: {
      charactersReading: async (word) => {
        const dict = await loadBundledDict();
        return dict.pinyin(dict.toSimplified(word));
      },
      equivalents: loadEquivalents,
      level: loadWordLevel,
    },
    measureMemory,
    warmRuntime: wasmOnlyIfFirst(runtimeWarmer(InferenceSession.create.bind(InferenceSession) as unknown as SessionCreate), wasmOnlyRuntime),
    warmFactor: () => warmFactorFor((navigator as Navigator & { deviceMemory?: number }).deviceMemory),
    ...(rejected ? { rejected } : {}),
    ...(threads ? { kernelThreads: threads } : {}),
    // Only a document can be closed to free its memory; Firefox's background page stays.
    ...(kind === 'offscreen' ? { onIdleEmpty: () => void browser.runtime.sendMessage(HOST_IDLE).catch(() => undefined) } : {}),
  });
}
