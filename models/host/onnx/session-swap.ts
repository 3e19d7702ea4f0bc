// The ONNX session inside a transformers.js model, and swapping it for one built from other
// bytes (graph surgery done after the model loaded, when its file bypassed the cache).
import type { PreTrainedModel } from '@huggingface/transformers';

/** Where onnxruntime runs a session: the browser's WebGPU or WASM, or onnxruntime-node's CPU in Node. */
export type DeviceName = 'webgpu' | 'wasm' | 'cpu';

interface OrtSession {
  inputNames: readonly string[];
  outputNames: readonly string[];
  config?: unknown;
  release(): Promise<void>;
}
interface OrtSessionClass {
  create(bytes: Uint8Array, options: { executionProviders: string[] }): Promise<OrtSession>;
}

function sessions(model: PreTrainedModel): Record<string, OrtSession | undefined> {
  return (model as unknown as { sessions: Record<string, OrtSession | undefined> }).sessions;
}

/** The model's (single) session, `model` in transformers.js' naming. */
export function modelSession(model: PreTrainedModel): OrtSession | undefined {
  return sessions(model).model;
}

export function sessionOutputNames(model: PreTrainedModel): readonly string[] {
  return modelSession(model)?.outputNames ?? [];
}

/**
 * Builds a session from `bytes` on the runtime and device of the model's current one and swaps
 * it in, releasing the old. Must run before the model is shared.
 */
export async function replaceSession(model: PreTrainedModel, device: DeviceName, bytes: Uint8Array): Promise<{ ok: true } | { ok: false; reason: string }> {
  const old = modelSession(model);
  if (!old) return { ok: false, reason: 'the model has no session' };
  // The class that built the old session, i.e. the onnxruntime transformers.js runs on.
  const Session = old.constructor as unknown as OrtSessionClass;
  let fresh: OrtSession;
  try {
    fresh = await Session.create(bytes, { executionProviders: [device] });
  } catch (error) {
    return { ok: false, reason: `the modified model did not load: ${(error as Error).message}` };
  }
  fresh.config = old.config;
  sessions(model).model = fresh;
  await old.release();
  return { ok: true };
}
