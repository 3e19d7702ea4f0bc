// Token-id contexts around a blank: a bounded window either side (so one row stays short and a
// batch of many rows fits in memory), with the exercise's other blanks masked as the learner
// sees them. Rows are assembled from ids, so a candidate's pieces go in exactly as scored.
import type { LoadedModel } from '../../lm/loader';
import { tokenOf } from '../../lm/masked-lm';
import type { IdRow } from './mlm-batch';

export interface Span {
  start: number;
  end: number;
}

/** Tokens of context kept on each side of a blank (about a sentence). */
export const SIDE_TOKENS = 32;
/** Characters read on each side before tokenizing and cutting to SIDE_TOKENS. */
const SIDE_CHARS = SIDE_TOKENS * 8;

export interface Encoder {
  encode(text: string): number[];
  maskId: number;
  prefix: number[];
  suffix: number[];
  token(id: number): string;
}

const encoders = new WeakMap<object, Encoder>();

export function encoderOf(lm: LoadedModel): Encoder {
  const cached = encoders.get(lm.tokenizer);
  if (cached) return cached;
  const t = lm.tokenizer;
  if (!(t as unknown as { mask_token?: string }).mask_token) throw new Error(`${lm.spec.id} has no mask token`);
  // Where the special tokens go, read off one encoded character ([CLS] x [SEP] for BERT).
  const plain = t.encode('a', { add_special_tokens: false });
  const full = t.encode('a');
  const at = full.findIndex((_, i) => plain.every((id, k) => full[i + k] === id));
  const encoder: Encoder = {
    encode: (text) => (text ? t.encode(text, { add_special_tokens: false }) : []),
    maskId: t.mask_token_id,
    prefix: at >= 0 ? full.slice(0, at) : [],
    suffix: at >= 0 ? full.slice(at + plain.length) : [],
    token: (id) => tokenOf(lm, id),
  };
  encoders.set(t, encoder);
  return encoder;
}

export interface BlankContext {
  left: number[];
  right: number[];
}

/**
 * The ids either side of `blank` in `text`; blanks in `masked` that fall inside the window
 * become `pieces(span)` masks each.
 */
export function blankContext(enc: Encoder, text: string, blank: Span, masked: readonly Span[] = [], pieces: (span: Span) => number = () => 1): BlankContext {
  const from = Math.max(0, blank.start - SIDE_CHARS);
  const to = Math.min(text.length, blank.end + SIDE_CHARS);
  const encodeRange = (a: number, b: number): number[] => {
    const ids: number[] = [];
    let at = a;
    for (const s of [...masked].sort((x, y) => x.start - y.start)) {
      if (s.end <= a || s.start >= b || (s.start === blank.start && s.end === blank.end)) continue;
      ids.push(...enc.encode(text.slice(at, Math.max(at, s.start))), ...Array<number>(pieces(s)).fill(enc.maskId));
      at = Math.min(b, s.end);
    }
    ids.push(...enc.encode(text.slice(at, b)));
    return ids;
  };
  return {
    left: encodeRange(from, blank.start).slice(-SIDE_TOKENS),
    right: encodeRange(blank.end, to).slice(0, SIDE_TOKENS),
  };
}

/** Rows at most this long (special tokens included), the encoders' position limit. */
export const MAX_ROW_TOKENS = 512;

/**
 * The whole passage as one row with every blank masked (`pieces(span)` masks each), and where
 * each blank's masks are: the first decoding step of all blanks in one short pass. Null when the
 * passage does not fit in one row (the caller falls back to a window per blank).
 */
export function packedRow(enc: Encoder, text: string, blanks: readonly Span[], pieces: (span: Span) => number): { row: IdRow; masksOf: number[][] } | null {
  const ids = [...enc.prefix];
  const masksOf: number[][] = [];
  let at = 0;
  for (const b of blanks) {
    ids.push(...enc.encode(text.slice(at, b.start)));
    const n = pieces(b);
    masksOf.push(Array.from({ length: n }, (_, j) => ids.length + j));
    ids.push(...Array<number>(n).fill(enc.maskId));
    at = b.end;
  }
  ids.push(...enc.encode(text.slice(at)), ...enc.suffix);
  return ids.length <= MAX_ROW_TOKENS ? { row: { ids, at: masksOf.flat() }, masksOf } : null;
}

/** A row with the blank filled by `fill`; `null` pieces are masks, and their positions are wanted. */
export function filledRow(enc: Encoder, ctx: BlankContext, fill: readonly (number | null)[]): IdRow {
  const start = enc.prefix.length + ctx.left.length;
  return {
    ids: [...enc.prefix, ...ctx.left, ...fill.map((id) => id ?? enc.maskId), ...ctx.right, ...enc.suffix],
    at: fill.flatMap((id, j) => (id === null ? [start + j] : [])),
  };
}

/** Rows for the pseudo-log-likelihood of `pieces` in the blank: one per piece, that piece masked. */
export function pllRows(enc: Encoder, ctx: BlankContext, pieces: readonly number[]): IdRow[] {
  return pieces.map((_, i) =>
    filledRow(
      enc,
      ctx,
      pieces.map((id, j) => (j === i ? null : id)),
    ),
  );
}

/** Sums the rows' log-probabilities of the pieces they masked: PLL = Σᵢ log p(pᵢ | the rest). */
export function pllOf(pieces: readonly number[], rows: readonly Float32Array[][]): number {
  return pieces.reduce((sum, id, i) => sum + (rows[i]?.[0]?.[id] ?? -Infinity), 0);
}
