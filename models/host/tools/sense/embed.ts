// Vectors for a word's occurrences: one forward pass per bucket of sentences (`passSize`),
// reading every hidden state at the word's token positions and, when the word is masked, the
// predictions at the masks.
//
// transformers.js 4.x tokenizers return no character offsets, so each sentence is tokenized as
// prefix | word | suffix and the ids concatenated: the word's token span is known by
// construction. BERT-family pre-tokenizers split at whitespace, punctuation and every CJK
// character, so at whole-word boundaries this equals tokenizing the sentence in one piece.
import { type PreTrainedTokenizer, Tensor } from '@huggingface/transformers';
import { extraInputs, type LoadedModel } from '../../lm/loader';
import { hiddenStatesOf, logitRows, runModel } from '../../lm/logits';
import { type Lang, throwIfCancelled } from '../../../shared/protocol';
import { logSoftmax, maskToken, topIndices } from '../../lm/masked-lm';
import { l2Normalize, meanRows } from './layer-mix';
import { span } from '../../../shared/spans';

export interface Target {
  text: string;
  /** UTF-16 offsets of the word in `text`. */
  start: number;
  end: number;
}

export interface EmbedOptions {
  lang: Lang;
  /** Replace the word by masks (one per character for Chinese, one for English). */
  mask?: boolean;
  /** Sentences per forward pass (default: `passSize`'s; its token budget holds either way). */
  batchSize?: number;
  /** Tokens per sentence, special tokens included; context is cut evenly around the word. */
  maxTokens?: number;
  /** Cancels a pass between its layers (Sesame's encoder), and the passes after it. */
  signal?: AbortSignal;
}

export interface TargetVectors {
  /** Mean over the word's tokens of each hidden state, embeddings first; empty without hidden-state outputs. */
  layers: Float32Array[];
  /** The word's token positions [start, end) in its sequence. */
  tokens: [number, number];
  /** Log-probabilities over the vocabulary at each mask, when masked. */
  maskLogProbs: Float32Array[];
}

export interface EncodedTarget {
  ids: number[];
  target: [number, number];
}

const wraps = new WeakMap<object, { before: number[]; after: number[] }>();

/** The special tokens the tokenizer puts around a single text ([CLS] … [SEP] for BERT). */
function specialWrap(tokenizer: PreTrainedTokenizer): { before: number[]; after: number[] } {
  let wrap = wraps.get(tokenizer);
  if (!wrap) {
    const bare = tokenizer.encode('a', { add_special_tokens: false });
    const full = tokenizer.encode('a', { add_special_tokens: true });
    const at = full.findIndex((_, i) => bare.every((id, j) => full[i + j] === id));
    wrap = at < 0 ? { before: [], after: [] } : { before: full.slice(0, at), after: full.slice(at + bare.length) };
    wraps.set(tokenizer, wrap);
  }
  return wrap;
}

export function encodeTarget(lm: LoadedModel, t: Target, options: EmbedOptions): EncodedTarget {
  const { tokenizer } = lm;
  const piece = (s: string) => (s ? tokenizer.encode(s, { add_special_tokens: false }) : []);
  const word = t.text.slice(t.start, t.end);
  const target = options.mask ? new Array<number>(options.lang === 'zh' ? [...word.trim()].length : 1).fill(maskId(lm)) : piece(word);
  if (target.length === 0) throw new Error(`"${word}" has no tokens`);
  const { before, after } = specialWrap(tokenizer);
  let prefix = piece(t.text.slice(0, t.start));
  let suffix = piece(t.text.slice(t.end));
  const room = Math.max(0, (options.maxTokens ?? 512) - before.length - after.length - target.length);
  if (prefix.length + suffix.length > room) {
    const left = Math.min(prefix.length, Math.max(Math.floor(room / 2), room - suffix.length));
    prefix = prefix.slice(prefix.length - left);
    suffix = suffix.slice(0, room - left);
  }
  const start = before.length + prefix.length;
  return { ids: [...before, ...prefix, ...target, ...suffix, ...after], target: [start, start + target.length] };
}

function maskId(lm: LoadedModel): number {
  maskToken(lm);
  return lm.tokenizer.mask_token_id!;
}

/**
 * Indices grouped into batches of similar length: sorted by length, then cut every `batchSize`,
 * or sooner where the batch's lengths would add up past `maxTotal` (a batch holds one at least).
 */
export function paddingBuckets(lengths: readonly number[], batchSize: number, maxTotal = Number.POSITIVE_INFINITY): number[][] {
  const order = lengths.map((_, i) => i).sort((a, b) => lengths[a]! - lengths[b]! || a - b);
  const out: number[][] = [];
  let total = 0;
  for (const i of order) {
    const last = out.at(-1);
    if (!last || last.length >= Math.max(1, batchSize) || total + lengths[i]! > maxTotal) {
      out.push([i]);
      total = lengths[i]!;
    } else {
      last.push(i);
      total += lengths[i]!;
    }
  }
  return out;
}

/**
 * How many texts go into one pass. A session's pass is padded to its longest text, so texts of
 * similar length go together, 16 at most. Sesame's encoder (kernels/bert-encoder.ts) runs each
 * text unpadded, so a page's uses go in as few passes as its work memory allows (each pass costs
 * a round of hand-offs to the threads, the logits and an update: ~40 ms of a 20-use page's
 * senses): 32 texts, at most 1 024 tokens (~30 KB of work memory a token for bert-base). A cancel
 * still stops it within a layer (`runModel`'s signal).
 */
export function passSize(lm: LoadedModel): { texts: number; tokens?: number } {
  return lm.encoder ? { texts: 32, tokens: 1024 } : { texts: 16 };
}

export async function embedTargets(lm: LoadedModel, targets: readonly Target[], options: EmbedOptions): Promise<TargetVectors[]> {
  const encoded = targets.map((t) => encodeTarget(lm, t, options));
  const names = hiddenStatesOf(lm);
  const pad = lm.tokenizer.pad_token_id ?? 0;
  const out = new Array<TargetVectors>(targets.length);
  const size = passSize(lm);
  for (const bucket of paddingBuckets(
    encoded.map((e) => e.ids.length),
    options.batchSize ?? size.texts,
    size.tokens,
  )) {
    const seq = Math.max(...bucket.map((i) => encoded[i]!.ids.length));
    const ids = new BigInt64Array(bucket.length * seq).fill(BigInt(pad));
    const mask = new BigInt64Array(bucket.length * seq);
    bucket.forEach((i, b) => {
      encoded[i]!.ids.forEach((id, t) => {
        ids[b * seq + t] = BigInt(id);
        mask[b * seq + t] = 1n;
      });
    });
    const inputIds = new Tensor('int64', ids, [bucket.length, seq]);
    const targetRows = bucket.map((i, b) => {
      const [start, end] = encoded[i]!.target;
      return Array.from({ length: end - start }, (_, t) => b * seq + start + t);
    });
    // The hidden states of the words' tokens only (hidden-states-graph.ts HIDDEN_ROWS_INPUT).
    const feeds = { input_ids: inputIds, attention_mask: new Tensor('int64', mask, [bucket.length, seq]), ...extraInputs(lm, inputIds, targetRows.flat()) };
    span('sense:feeds');
    throwIfCancelled(options.signal);
    const result = await runModel(lm, feeds, options.signal);
    span('sense:pass');
    const hidden = names.map((n) => {
      const tensor = result[n];
      if (!tensor) throw new Error(`the session did not return ${n}`);
      // [rows asked, hidden], or every token's ([batch, sequence, hidden]) from a file that had them as outputs already.
      return { data: tensor.data as Float32Array, width: tensor.dims.at(-1)!, gathered: tensor.dims.length === 2 };
    });
    const logits = options.mask ? logitRows(lm, result, targetRows.flat()) : [];
    span('sense:logits');
    let next = 0;
    bucket.forEach((i, b) => {
      const [start, end] = encoded[i]!.target;
      const from = next;
      const layers = hidden.map((h) =>
        h.gathered ? meanRows(h.data, h.width, from, from + end - start) : meanRows(h.data, h.width, b * seq + start, b * seq + end),
      );
      const maskLogProbs = options.mask ? targetRows[b]!.map((_, t) => logSoftmax(logits[from + t]!)) : [];
      next += end - start;
      out[i] = { layers, tokens: [start, end], maskLogProbs };
    });
  }
  return out;
}

/** A mask's log-probabilities: the full vocabulary row, or only its top entries (id → log-prob). */
export type MaskRow = Float32Array | ReadonlyMap<number, number>;

/** The `k` most probable entries of a row, kept for later `substituteVectors` without the full row. */
export function sparseRow(row: Float32Array, k = 50): Map<number, number> {
  return new Map(topIndices(row, k).map((id) => [id, row[id]!]));
}

const logProbAt = (row: MaskRow, id: number): number => (row instanceof Float32Array ? row[id]! : (row.get(id) ?? -Infinity));
const topOf = (row: MaskRow, k: number): number[] =>
  row instanceof Float32Array
    ? topIndices(row, k)
    : [...row.entries()]
        .sort((a, b) => b[1] - a[1] || a[0] - b[0])
        .slice(0, k)
        .map(([id]) => id);

/**
 * Occurrence vectors for when the session has no hidden states: each use's predicted
 * distribution at its masks, over the union of every use's top-`k` substitutes per mask
 * (substitute vectors, as in Amrami & Goldberg's word-sense induction). Unit length.
 */
export function substituteVectors(maskLogProbs: readonly (readonly MaskRow[])[], k = 20): Float32Array[] {
  const masks = Math.min(...maskLogProbs.map((rows) => rows.length));
  if (!Number.isFinite(masks) || masks === 0) return maskLogProbs.map(() => new Float32Array(0));
  const vocab = Array.from({ length: masks }, (_, p) => [...new Set(maskLogProbs.flatMap((rows) => topOf(rows[p]!, k)))].sort((a, b) => a - b));
  return maskLogProbs.map((rows) => l2Normalize(Float32Array.from(vocab.flatMap((ids, p) => ids.map((id) => Math.exp(logProbAt(rows[p]!, id)))))));
}
