// Reading logits from a forward pass whether the head ran in the graph or is detached
// (head-graph.ts): the tools name the rows they read, and only those are computed when the
// head runs in Sesame's kernel.
import { Tensor } from '@huggingface/transformers';
import type { LoadedModel } from './loader';
import { HEAD_INPUT, HIDDEN_ROWS_INPUT, hiddenStateName, hiddenStateNames } from '../onnx';
import { EventYield } from './event-yield';
import { kernelRunFault } from './kernel-run-fault';
import { throwIfCancelled } from '../../shared/protocol';

export type Outputs = Record<string, Tensor | undefined>;

/**
 * Every output of one pass: the session's (the masked-LM `_call` would keep only `logits`), through
 * transformers.js's session queue, or the same outputs from Sesame's encoder where the model has
 * one (the head's input for every row, the hidden states at the rows `extraInputs` asked for;
 * `signal` cancels it between layers).
 */
export function runModel(lm: LoadedModel, feeds: Record<string, Tensor>, signal?: AbortSignal): Promise<Outputs> {
  if (lm.encoder) return kernelRunFault() ?? runEncoder(lm, feeds, signal);
  return (lm.model as unknown as { forward(inputs: object): Promise<Outputs> }).forward(feeds);
}

/** The `hidden_states.{k}` outputs a pass gives, in layer order: the encoder's, or the session's. */
export function hiddenStatesOf(lm: LoadedModel): string[] {
  if (lm.encoder) return Array.from({ length: lm.encoder.layers.length + 1 }, (_, k) => hiddenStateName(k));
  return hiddenStateNames(lm.model);
}

/** `signal`: a cancel stops the pass between two layers (a pass of a page's uses takes up to a second). */
async function runEncoder(lm: LoadedModel, feeds: Record<string, Tensor>, signal?: AbortSignal): Promise<Outputs> {
  const encoder = lm.encoder!;
  const ids = feeds.input_ids;
  const mask = feeds.attention_mask;
  if (ids?.dims.length !== 2 || !mask) throw new Error('an encoder pass takes input_ids and attention_mask, [batch, sequence]');
  const [batch, sequence] = ids.dims as [number, number];
  const rows = feeds[HIDDEN_ROWS_INPUT];
  // Other requests' messages go through between layers (event-yield.ts): a pass of a dozen texts takes a few hundred milliseconds.
  const between = new EventYield();
  try {
    const pass = await encoder.run(
      {
        batch,
        sequence,
        ids: ids.data as BigInt64Array,
        mask: mask.data as BigInt64Array,
        ...(feeds.token_type_ids ? { tokenTypes: feeds.token_type_ids.data as BigInt64Array } : {}),
        rows: rows ? Array.from(rows.data as BigInt64Array, Number) : [0],
      },
      async () => {
        await between.next();
        throwIfCancelled(signal);
      },
    );
    const out: Outputs = { [HEAD_INPUT]: new Tensor('float32', pass.headInput, [batch, sequence, encoder.width]) };
    pass.hidden.forEach((h, k) => {
      out[hiddenStateName(k)] = new Tensor('float32', h, [h.length / encoder.width, encoder.width]);
    });
    return out;
  } finally {
    between.close();
  }
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
