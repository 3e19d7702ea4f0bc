// One forward pass of a masked LM over a batch of texts, returning per-mask-position
// probability rows. Shared by word sense (substitutes) and cloze.
import type { Tensor } from '@huggingface/transformers';
import { extraInputs, type LoadedModel } from './loader';
import { logitRows, runModel } from './logits';

export interface MaskRow {
  /** Index of the text in the batch. */
  item: number;
  /** Token position of the mask in that text. */
  position: number;
  /** log-probabilities over the vocabulary. */
  logProbs: Float32Array;
}

export function maskToken(lm: LoadedModel): string {
  const token = (lm.tokenizer as unknown as { mask_token?: string }).mask_token;
  if (!token) throw new Error(`${lm.spec.id} has no mask token`);
  return token;
}

const vocabs = new WeakMap<object, string[]>();

/** Token text for a vocabulary id. */
export function tokenOf(lm: LoadedModel, id: number): string {
  let vocab = vocabs.get(lm.tokenizer);
  if (!vocab) {
    vocab = [];
    for (const [token, i] of lm.tokenizer.get_vocab()) vocab[i] = token;
    vocabs.set(lm.tokenizer, vocab);
  }
  return vocab[id] ?? '';
}

export async function predictMasks(lm: LoadedModel, texts: string[]): Promise<MaskRow[]> {
  maskToken(lm);
  const maskId = lm.tokenizer.mask_token_id;
  const inputs = lm.tokenizer(texts, { padding: true, truncation: true }) as Record<string, Tensor>;
  const inputIds = inputs.input_ids!;
  const output = await runModel(lm, { ...inputs, ...extraInputs(lm, inputIds) });
  const [batch, seq] = inputIds.dims as [number, number];
  const ids = inputIds.data as BigInt64Array;
  const masks: { item: number; position: number }[] = [];
  for (let b = 0; b < batch; b++) {
    for (let t = 0; t < seq; t++) if (Number(ids[b * seq + t]) === maskId) masks.push({ item: b, position: t });
  }
  const logits = logitRows(
    lm,
    output,
    masks.map((m) => m.item * seq + m.position),
  );
  return masks.map((m, i) => ({ ...m, logProbs: logSoftmax(logits[i]!) }));
}

export function logSoftmax(row: Float32Array): Float32Array {
  let max = -Infinity;
  for (const v of row) if (v > max) max = v;
  let sum = 0;
  for (const v of row) sum += Math.exp(v - max);
  const logZ = max + Math.log(sum);
  const out = new Float32Array(row.length);
  for (let i = 0; i < row.length; i++) out[i] = row[i]! - logZ;
  return out;
}

/** Indices of the `k` largest values, largest first. */
export function topIndices(values: Float32Array, k: number): number[] {
  const best: number[] = [];
  for (let i = 0; i < values.length; i++) {
    if (best.length < k) {
      best.push(i);
      if (best.length === k) best.sort((a, b) => values[b]! - values[a]!);
      continue;
    }
    if (values[i]! <= values[best[k - 1]!]!) continue;
    let at = k - 1;
    while (at > 0 && values[best[at - 1]!]! < values[i]!) at--;
    best.splice(at, 0, i);
    best.pop();
  }
  return best.length < k ? best.sort((a, b) => values[b]! - values[a]!) : best;
}
