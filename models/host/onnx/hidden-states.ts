// Getting hidden-state outputs into the session transformers.js runs. Two hooks:
//
//  - `exposeHiddenStates(response)` rewrites a cached `.onnx` file as transformers.js reads it
//    through the custom cache, so the session is built with the outputs from the start;
//  - `ensureHiddenStates(model, …)` checks the built session and, when the bytes bypassed the
//    cache (a browser's first download goes from the network straight to the session), builds
//    the surgically modified session itself and swaps it in. Call it right after loading, before
//    anything else can be running on the old session.
import type { PreTrainedModel } from '@huggingface/transformers';
import type { DeviceName } from './session-swap';
import { modelSession, replaceSession, sessionOutputNames } from './session-swap';
import { onnxPath } from '../hub/hub-files';
import type { Dtype } from '../../shared/protocol';
import { HIDDEN_STATE_PREFIX, type HiddenStatesOptions, planHiddenStates } from './hidden-states-graph';

export type HiddenStatesStatus = { ok: true; names: string[]; swapped: boolean } | { ok: false; reason: string };

/**
 * The model file transformers.js loads for a dtype when not told another (its default
 * `onnx/model{suffix}.onnx`); the host reads the file it chose from the repo's listing instead
 * (`LoadedModel.file`, models/host/hub/hub-files.ts).
 */
export function onnxFileFor(dtype: Dtype): string {
  return onnxPath('model', dtype);
}

/** `hidden_states.{k}` outputs of the model's session, in layer order. */
export function hiddenStateNames(model: PreTrainedModel): string[] {
  return sessionOutputNames(model)
    .filter((n) => n.startsWith(HIDDEN_STATE_PREFIX))
    .sort((a, b) => Number(a.slice(HIDDEN_STATE_PREFIX.length)) - Number(b.slice(HIDDEN_STATE_PREFIX.length)));
}

/** Layer count and width as the model config states them (BERT/ERNIE or DistilBERT names). */
export function encoderShape(model: PreTrainedModel): HiddenStatesOptions {
  const config = model.config as unknown as Record<string, unknown>;
  const num = (v: unknown) => (typeof v === 'number' && v > 0 ? v : undefined);
  const numLayers = num(config.num_hidden_layers) ?? num(config.n_layers);
  const hiddenSize = num(config.hidden_size) ?? num(config.dim);
  return { ...(numLayers ? { numLayers } : {}), ...(hiddenSize ? { hiddenSize } : {}) };
}

/**
 * A cached model file with the hidden states exposed; any other file, or a graph that cannot be
 * mapped, comes back unchanged. The original bytes and the appended tail are streamed as they
 * are (not copied into a Blob: with an fp32 model already loaded, one more ~440 MB copy failed
 * Chromium's blob read as a "network error"), so the reader's copy is the only full-size one.
 */
export async function exposeHiddenStates(response: Response, options: HiddenStatesOptions = {}): Promise<Response> {
  const body = new Uint8Array(await response.arrayBuffer());
  const plan = planHiddenStates(body, options);
  const headers = new Headers(response.headers);
  if (!plan.ok || plan.tail.byteLength === 0) return new Response(body, { status: response.status, headers });
  headers.set('content-length', String(body.byteLength + plan.tail.byteLength));
  const parts = [body, plan.tail];
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      const next = parts.shift();
      if (next) controller.enqueue(next);
      else controller.close();
    },
  });
  return new Response(stream, { status: response.status, headers });
}

/**
 * Makes sure `model`'s session has the hidden-state outputs, rebuilding it from `readModel()`'s
 * bytes when it has not. Must run before the model is shared: the old session is released.
 */
export async function ensureHiddenStates(
  model: PreTrainedModel,
  device: DeviceName,
  readModel: () => Promise<Uint8Array | undefined>,
): Promise<HiddenStatesStatus> {
  const present = hiddenStateNames(model);
  if (present.length > 0) return { ok: true, names: present, swapped: false };
  if (!modelSession(model)) return { ok: false, reason: 'the model has no encoder session' };
  const bytes = await readModel();
  if (!bytes) return { ok: false, reason: 'the model file is not in the cache' };
  const plan = planHiddenStates(bytes, encoderShape(model));
  if (!plan.ok) return plan;
  const full = new Uint8Array(bytes.byteLength + plan.tail.byteLength);
  full.set(bytes);
  full.set(plan.tail, bytes.byteLength);
  const swapped = await replaceSession(model, device, full);
  if (!swapped.ok) return swapped;
  return { ok: true, names: hiddenStateNames(model), swapped: true };
}
