// One forward pass of a GPT decoder over new tokens, given the keys/values of the tokens
// before them. Sesame's decoding loop calls this instead of transformers.js' `generate`, so it
// decides which past it keeps between requests (see kv-cache.ts).
import { Tensor } from '@huggingface/transformers';
import { KvState } from '../kernels';
import { extraInputs, type LoadedModel } from './loader';
import { logitRows } from './logits';

/** `past_key_values.<layer>.key|value` tensors, [batch, heads, tokens, head size]. */
export type PastTensors = Record<string, Tensor>;
/** What a step continues from: the session's tensors, or the buffers of Sesame's own decoding step. */
export type Past = PastTensors | KvState;

export interface Step {
  /** Next-token logits after the last fed token (a copy, free to modify). */
  logits: Float32Array;
  /** Keys/values of every token so far: the past fed plus the new tokens. */
  past: Past;
}

/**
 * Runs `ids` at positions `start`… on top of `past` (the keys/values of positions 0…start-1; null when
 * start is 0: the session then gets empty past tensors).
 */
export async function forward(lm: LoadedModel, ids: readonly number[], past: Past | null, start: number): Promise<Step> {
  const { decoder, head } = lm;
  // Sesame's decoder, when the model has one (kernels/gpt2-step.ts): one token is a decoding
  // step, more a prompt pass, each linear layer reading its weights once per few rows.
  if (decoder && head && ids.length > 0) {
    const state = past instanceof KvState ? past : past ? KvState.fromTensors(past, decoder.kvShape) : KvState.empty(decoder.kvShape);
    if (ids.length === 1) {
      const step = decoder.step(ids[0]!, state);
      return { logits: head.apply(step.hidden), past: step.past };
    }
    const prompt = decoder.prompt(ids, state);
    return { logits: head.logits(prompt.hidden, ids.length - 1), past: prompt.past };
  }
  const n = ids.length;
  const ints = (values: readonly number[]) => new Tensor('int64', BigInt64Array.from(values, BigInt), [1, values.length]);
  const inputIds = ints(ids);
  const out = (await lm.model.forward({
    input_ids: inputIds,
    attention_mask: ints(Array.from({ length: start + n }, () => 1)),
    position_ids: ints(Array.from({ length: n }, (_, i) => start + i)),
    past_key_values: past instanceof KvState ? past.toTensors() : past,
    // The token rows, when the tied table's lookup was taken out of the graph (head-graph.ts WORD_EMBEDDINGS_INPUT).
    ...extraInputs(lm, inputIds),
  })) as Record<string, Tensor>;
  const next: PastTensors = {};
  for (const [name, tensor] of Object.entries(out)) {
    if (name.startsWith('present')) next[name.replace('present', 'past_key_values')] = tensor;
  }
  // On WebGPU the next step takes them where they are: read back to the CPU, every token would cost a copy of the whole past.
  lm.pastLocation = [...new Set(Object.values(next).map((t) => t.location))].sort().join(' and ');
  return { logits: logitRows(lm, out, [n - 1])[0]!, past: next };
}

export function pastLength(past: Past): number {
  if (past instanceof KvState) return past.length;
  const first = Object.values(past)[0];
  return first ? first.dims.at(-2)! : 0;
}

/** The first `length` positions of a past. GPU tensors are read back first: slicing needs their data. */
export async function truncatePast(past: Past, length: number): Promise<Past> {
  if (pastLength(past) === length) return past;
  if (past instanceof KvState) return past.truncate(length);
  const out: PastTensors = {};
  for (const [name, tensor] of Object.entries(past)) {
    const cpu = tensor.location === 'gpu-buffer' ? new Tensor(tensor.type, (await tensor.ort_tensor.getData()) as Tensor['data'], tensor.dims) : tensor;
    out[name] = cpu.slice(null, null, [0, length], null);
  }
  return out;
}

/** Frees GPU buffers; CPU tensors are left to the garbage collector (disposing one would wipe its data). */
export function disposePast(past: Past | null | undefined): void {
  if (past instanceof KvState) return;
  for (const tensor of Object.values(past ?? {})) if (tensor.location === 'gpu-buffer') tensor.dispose();
}
