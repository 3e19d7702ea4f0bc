// Reading logits from a forward pass whether the head ran in the graph or is detached
// (head-graph.ts): the tools name the rows they read, and only those are computed when the
// head runs in Sesame's kernel.
import type { Tensor } from '@huggingface/transformers';
import type { LoadedModel } from './loader';
import { HEAD_INPUT } from '../onnx';

export type Outputs = Record<string, Tensor | undefined>;

/** Every session output of one pass (the masked-LM `_call` would keep only `logits`), through transformers.js's session queue. */
export function runModel(lm: LoadedModel, feeds: Record<string, Tensor>): Promise<Outputs> {
  return (lm.model as unknown as { forward(inputs: object): Promise<Outputs> }).forward(feeds);
}

/** Logits at flat rows (batch index · sequence length + position) of a pass, each a fresh array (free to modify; the pass's buffers are not kept). */
export function logitRows(lm: LoadedModel, out: Outputs, rows: readonly number[]): Float32Array[] {
  const input = out[HEAD_INPUT];
  if (lm.head && input) return lm.head.rows(input.data as Float32Array, rows);
  const logits = out.logits;
  if (!logits) throw new Error('the session returned no logits');
  const data = (logits.type === 'float32' ? logits : logits.to('float32')).data as Float32Array;
  const vocab = logits.dims.at(-1)!;
  return rows.map((r) => data.slice(r * vocab, (r + 1) * vocab));
}
