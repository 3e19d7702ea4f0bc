// Getting hidden-state outputs into the session transformers.js runs (see host/model-rewrite.ts
// for the two hooks): the cached file is rewritten as it is read, and a session built from a
// first download is rebuilt with the outputs.
import type { PreTrainedModel } from '@huggingface/transformers';
import type { DeviceName } from '../host/loader';
import { appendTail, ensureOutputs, modelSession } from '../host/model-rewrite';
import { HIDDEN_STATE_PREFIX, type HiddenStatesOptions, planHiddenStates } from './onnx-graph';

export { onnxFileFor } from '../host/model-rewrite';

export type HiddenStatesStatus =
  | { ok: true; names: string[]; swapped: boolean }
  | { ok: false; reason: string };

/** `hidden_states.{k}` outputs of the model's session, in layer order. */
export function hiddenStateNames(model: PreTrainedModel): string[] {
  return (modelSession(model)?.outputNames ?? [])
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

/** A cached model file with the hidden states exposed; any other file, or a graph that cannot be mapped, comes back unchanged. */
export function exposeHiddenStates(response: Response, options: HiddenStatesOptions = {}): Promise<Response> {
  return appendTail(response, (bytes) => planHiddenStates(bytes, options));
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
  const status = await ensureOutputs(
    model,
    device,
    readModel,
    (session) => session.outputNames.some((n) => n.startsWith(HIDDEN_STATE_PREFIX)),
    (bytes) => planHiddenStates(bytes, encoderShape(model)),
  );
  return status.ok ? { ...status, names: hiddenStateNames(model) } : status;
}
