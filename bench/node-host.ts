// Sesame's real ModelHost in Node (as tests/support/node-host.ts builds it: onnxruntime-node
// through transformers.js, the real loader), with two additions for measuring:
//  - every message is time-stamped, so time to first streamed token is seen as a client sees it;
//  - the loaded models are instrumented passively: each GPT forward pass records when it ended,
//    one pass per generated token, to count tokens exactly.
import { ModelHost } from '@/models/host/host';
import { type DeviceName, type FileProgress, type LoadedModel, loadModel } from '@/models/host/lm/loader';
import { configureTransformers } from '@/models/host/transformers-env';
import type { OnnxChoice } from '@/models/host/hub/hub-files';
import { type CacheLike, ModelCache } from '@/models/shared/model-files/model-cache';
import type { HostConfig, ModelSpec, ServerMessage, ToolRequest, ToolResult } from '@/models/shared/protocol';

export interface GenerationTrace {
  /** performance.now() of each generated token (prompt excluded). */
  tokenTimes: number[];
}

export interface HostRun {
  result: ToolResult;
  ms: number;
  /** First streamed partial (completion), ms after the request. */
  firstPartialMs?: number;
  /** Tokens generated and when (completion only), ms after the request. */
  tokenMs: number[];
  messages: number;
}

type Forward = (inputs: Record<string, unknown>) => Promise<unknown>;

/**
 * Wraps `lm.model.forward` so each pass leaves a trace: Sesame's decoding loop makes one pass per
 * generated token (the prompt pass yields the first), so a GPT model's pass times are its token times.
 */
export function instrument(lm: LoadedModel, traces: GenerationTrace[]): LoadedModel {
  const model = lm.model as unknown as { forward: Forward };
  const original = model.forward.bind(model);
  model.forward = async (inputs) => {
    const out = await original(inputs);
    if (lm.spec.family === 'gpt2') traces.push({ tokenTimes: [performance.now()] });
    return out;
  };
  return lm;
}

export function benchHost(hubUrl: string, store: CacheLike, onLoad?: (lm: LoadedModel) => void) {
  const cache = new ModelCache(store);
  configureTransformers({ remoteHost: hubUrl, cache });
  const traces: GenerationTrace[] = [];
  const loaded = new Map<string, LoadedModel>();
  const host = new ModelHost({
    kind: 'background-page',
    cache,
    // The file and commit the host planned from the repo listing (legacy repos: the merged decoder).
    load: async (spec: ModelSpec, device: DeviceName, onProgress: (p: FileProgress) => void, onnx?: OnnxChoice, revision?: string) => {
      const lm = instrument(await loadModel(spec, device, onProgress, onnx, revision), traces);
      onLoad?.(lm);
      loaded.set(`${spec.id}|${spec.dtype}`, lm);
      return lm;
    },
    setRemoteHost: (url) => configureTransformers({ remoteHost: url, cache }),
    gpu: undefined,
    wasmDevice: 'cpu',
    threads: () => 0,
  });
  let n = 0;
  async function run(request: ToolRequest, model?: ModelSpec): Promise<HostRun> {
    const id = `b${++n}`;
    const config: HostConfig = {
      remoteHost: `${hubUrl}/`,
      idleReleaseMs: 3_600_000,
      preferBackend: 'auto',
      ...(model ? { model } : {}),
    };
    const before = traces.length;
    let first: number | undefined;
    let last: ServerMessage | undefined;
    let count = 0;
    const t0 = performance.now();
    await host.handle({ kind: 'run', id, request, config }, (m) => {
      count++;
      if (m.kind === 'partial' && first === undefined) first = performance.now() - t0;
      last = m;
    });
    const ms = performance.now() - t0;
    const done = last as ServerMessage | undefined;
    if (done?.kind === 'error') throw new Error(`${request.type}: ${done.error.code}: ${done.error.message}`);
    if (done?.kind !== 'result') throw new Error(`${request.type}: no result`);
    const tokenMs = traces.slice(before).flatMap((t) => t.tokenTimes.map((x) => x - t0));
    return { result: done.result, ms, ...(first !== undefined ? { firstPartialMs: first } : {}), tokenMs, messages: count };
  }
  /** The model the host loaded for `spec` (same session the host runs). */
  function model(spec: ModelSpec): LoadedModel {
    const lm = loaded.get(`${spec.id}|${spec.dtype}`);
    if (!lm) throw new Error(`${spec.id} ${spec.dtype} not loaded by the host yet`);
    return lm;
  }
  return { host, cache, run, model, traces };
}
