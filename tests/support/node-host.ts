// The real model host, running in Node on onnxruntime-node, with the real transformers.js
// download path pointed at the loopback hub and an in-memory Cache API.
import { ModelCache, type CacheLike } from '@/models/shared/model-files/model-cache';
import type { ImageFiles } from '@/models/shared/model-files/image-files';
import { type HostDeps, ModelHost } from '@/models/host/host';
import { loadModel, loadWithoutSession } from '@/models/host/lm/loader';
import { configureTransformers, fetchModelFile } from '@/models/host/transformers-env';
import type { HostConfig, HostMessage, ModelSpec, ServerMessage, ToolRequest, ToolResult } from '@/models/shared/protocol';
import { chineseDict } from '@/models/shared/dict/chinese-dict';
import { loadCompactDict } from '../../scripts/cedict-asset';
import { memoryCache } from '../../scripts/model-source';

export { memoryCache };

export function nodeHost<C extends CacheLike = ReturnType<typeof memoryCache>>(
  hubUrl: string,
  cacheStore: C = memoryCache() as unknown as C,
  lookupGlosses?: HostDeps['lookupGlosses'],
  extra: Partial<HostDeps> = {},
  /** Kernel images' files (tests/support/fs-image-files.ts), kept with the cache. */
  images?: ImageFiles,
) {
  const cache = new ModelCache(cacheStore, images);
  configureTransformers({ remoteHost: hubUrl, cache });
  const host = new ModelHost({
    kind: 'background-page',
    cache,
    load: loadModel,
    loadWithoutSession,
    fetchFile: fetchModelFile,
    setRemoteHost: (url) => configureTransformers({ remoteHost: url, cache }),
    gpu: undefined,
    wasmDevice: 'cpu',
    threads: () => 1,
    loadChineseDict: async () => chineseDict(await loadCompactDict()),
    ...(lookupGlosses ? { lookupGlosses } : {}),
    ...extra,
  });
  let n = 0;
  async function run(request: ToolRequest, model?: ModelSpec, extra: Partial<HostConfig> = {}) {
    const id = `t${++n}`;
    const messages: ServerMessage[] = [];
    const message: HostMessage = {
      kind: 'run',
      id,
      request,
      config: { remoteHost: `${hubUrl}/`, idleReleaseMs: 60_000, preferBackend: 'auto', ...(model ? { model } : {}), ...extra },
    };
    await host.handle(message, (m) => void messages.push(m));
    const last = messages.at(-1);
    if (last?.kind === 'error') throw Object.assign(new Error(last.error.message), { code: last.error.code, messages });
    if (last?.kind !== 'result') throw new Error('no result');
    return { result: last.result as ToolResult, messages, id };
  }
  return { host, cache, cacheStore, run };
}
