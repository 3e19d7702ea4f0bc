// Batched masked-LM forward passes over token-id rows built by hand (so a word's pieces are
// exactly the ones we mean, never re-tokenized). Rows are grouped by length and split only
// when one batch's logits would exceed a memory bound.
import { Tensor } from '@huggingface/transformers';
import { extraInputs, type LoadedModel } from '../../lm/loader';
import { logitRows, runModel } from '../../lm/logits';
import { logSoftmax } from '../../lm/masked-lm';

export interface IdRow {
  /** Token ids including the special tokens. */
  ids: number[];
  /** Positions whose log-probabilities are wanted. */
  at: number[];
}

/** Logit floats one forward pass may produce (~256 MB); a pass with more is split. */
export const MAX_LOGITS = 64 * 1024 * 1024;

export interface PassCounter {
  passes: number;
}

/** log-probabilities per row, per wanted position, in row order. */
export async function forwardRows(lm: LoadedModel, rows: IdRow[], counter?: PassCounter): Promise<Float32Array[][]> {
  const out: Float32Array[][] = rows.map(() => []);
  if (rows.length === 0) return out;
  const vocab = lm.tokenizer.get_vocab().size;
  const order = rows.map((_, i) => i).sort((a, b) => rows[a]!.ids.length - rows[b]!.ids.length);
  let group: number[] = [];
  const flush = async (): Promise<void> => {
    if (group.length === 0) return;
    const logProbs = await runBatch(
      lm,
      group.map((i) => rows[i]!),
    );
    group.forEach((i, k) => (out[i] = logProbs[k]!));
    if (counter) counter.passes++;
    group = [];
  };
  for (const i of order) {
    const len = rows[i]!.ids.length;
    // Sorted by length, so this row is the longest of the group so far.
    if (group.length > 0 && (group.length + 1) * len * vocab > MAX_LOGITS) await flush();
    group.push(i);
  }
  await flush();
  return out;
}

async function runBatch(lm: LoadedModel, rows: IdRow[]): Promise<Float32Array[][]> {
  const seq = Math.max(...rows.map((r) => r.ids.length));
  const pad = lm.tokenizer.pad_token_id ?? 0;
  const ids = new BigInt64Array(rows.length * seq);
  const mask = new BigInt64Array(rows.length * seq);
  rows.forEach((r, b) => {
    for (let t = 0; t < seq; t++) {
      ids[b * seq + t] = BigInt(t < r.ids.length ? r.ids[t]! : pad);
      mask[b * seq + t] = t < r.ids.length ? 1n : 0n;
    }
  });
  const dims = [rows.length, seq];
  const inputIds = new Tensor('int64', ids, dims);
  const inputs: Record<string, Tensor> = { input_ids: inputIds, attention_mask: new Tensor('int64', mask, dims) };
  if (lm.inputNames.includes('token_type_ids')) inputs.token_type_ids = new Tensor('int64', new BigInt64Array(ids.length), dims);
  const output = await runModel(lm, { ...inputs, ...extraInputs(lm, inputIds) });
  const logits = logitRows(
    lm,
    output,
    rows.flatMap((r, b) => r.at.map((t) => b * seq + t)),
  );
  let next = 0;
  return rows.map((r) => r.at.map(() => logSoftmax(logits[next++]!)));
}
