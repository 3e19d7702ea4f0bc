// Whole-word answers for blanks that take several masks (word pieces, or Chinese characters):
// iterative filling (most-confident-first, or left to right) with a small beam, every blank and
// beam of a step in one batch, then the finished candidates re-ranked by pseudo-log-likelihood.
// `independent` fills each mask on its own from one pass (the piece-level baseline).
import type { LoadedModel } from '../../lm/loader';
import type { ClozeDecoder, Lang } from '../../../shared/protocol';
import { topIndices } from '../../lm/masked-lm';
import { type BlankContext, type Encoder, filledRow, pllOf, pllRows } from './blank-context';
import { forwardRows, type PassCounter } from './mlm-batch';

/** Masks per blank at most; longer words are not chosen as blanks. */
export const MAX_PIECES = 6;

export interface BlankToDecode {
  ctx: BlankContext;
  pieces: number;
}

/**
 * The first step's log-probabilities, per blank and mask, when the caller already has them
 * (all blanks masked in one packed row); otherwise each blank's window is run.
 */
export type FirstStep = Float32Array[][];

export interface Answer {
  ids: number[];
  text: string;
  /** log score used for ranking: PLL for the whole-word decoders, summed independent log-probs otherwise. */
  score: number;
}

// ---------------------------------------------------------------- which tokens may fill a mask

interface PieceFilter {
  first: Uint8Array;
  next: Uint8Array;
}
const filters = new WeakMap<Encoder, Partial<Record<Lang, PieceFilter>>>();
const HAN_CHAR = /^\p{Script=Han}$/u;
const WORD_START = /^[\p{Ll}\p{Lu}\p{Lt}]+$/u;
const WORD_CONTINUATION = /^##[\p{Ll}\p{Lu}\p{Lt}]+$/u;

/** Vocabulary masks: Chinese masks take single Han characters; English a word start, then `##` pieces (cased letters only). */
export function pieceFilter(enc: Encoder, vocabSize: number, lang: Lang): PieceFilter {
  const byLang = filters.get(enc) ?? {};
  filters.set(enc, byLang);
  const cached = byLang[lang];
  if (cached) return cached;
  const first = new Uint8Array(vocabSize);
  const next = new Uint8Array(vocabSize);
  for (let id = 0; id < vocabSize; id++) {
    const token = enc.token(id);
    if (lang === 'zh') first[id] = next[id] = HAN_CHAR.test(token) ? 1 : 0;
    else {
      first[id] = WORD_START.test(token) ? 1 : 0;
      next[id] = WORD_CONTINUATION.test(token) ? 1 : 0;
    }
  }
  byLang[lang] = { first, next };
  return byLang[lang];
}

const allowed = (f: PieceFilter, position: number): Uint8Array => (position === 0 ? f.first : f.next);

/** The `k` best allowed ids of a log-probability row, best first. */
export function topAllowed(row: Float32Array, k: number, ok: Uint8Array): number[] {
  const masked = new Float32Array(row.length);
  for (let i = 0; i < row.length; i++) masked[i] = ok[i] ? row[i]! : -Infinity;
  return topIndices(masked, k).filter((id) => ok[id]);
}

/** How many allowed ids the row rates above `id` (0 = the model's first choice). */
export function rankAmong(row: Float32Array, id: number, ok: Uint8Array): number {
  const v = row[id]!;
  let rank = 0;
  for (let i = 0; i < row.length; i++) if (ok[i] && row[i]! > v) rank++;
  return rank;
}

/** Best joint sequences over independent mask rows (left-to-right beam). */
export function beamIndependent(rows: Float32Array[], width: number, f: PieceFilter): { ids: number[]; score: number }[] {
  let beams: { ids: number[]; score: number }[] = [{ ids: [], score: 0 }];
  rows.forEach((row, position) => {
    const top = topAllowed(row, width, allowed(f, position));
    beams = beams
      .flatMap((b) => top.map((id) => ({ ids: [...b.ids, id], score: b.score + row[id]! })))
      .sort((a, b) => b.score - a.score)
      .slice(0, width);
  });
  return beams;
}

export function joinPieces(enc: Encoder, ids: readonly number[], lang: Lang): string {
  const tokens = ids.map((id) => enc.token(id));
  return lang === 'zh' ? tokens.join('') : tokens.map((t) => t.replace(/^##/, '')).join('');
}

// ---------------------------------------------------------------- decoding

interface Beam {
  fill: (number | null)[];
  logp: number;
}

export async function decodeBlanks(
  lm: LoadedModel,
  enc: Encoder,
  lang: Lang,
  blanks: readonly BlankToDecode[],
  decoder: ClozeDecoder,
  width: number,
  counter?: PassCounter,
  firstStep?: FirstStep,
): Promise<Answer[][]> {
  const f = pieceFilter(enc, lm.tokenizer.get_vocab().size, lang);
  const answer = (ids: number[], score: number): Answer => ({ ids, text: joinPieces(enc, ids, lang), score });
  if (decoder === 'independent') {
    const rows =
      firstStep ??
      (await forwardRows(
        lm,
        blanks.map((b) => filledRow(enc, b.ctx, Array(b.pieces).fill(null))),
        counter,
      ));
    return rows.map((r) => beamIndependent(r, width, f).map((b) => answer(b.ids, b.score)));
  }
  let beams: Beam[][] = blanks.map((b) => [{ fill: Array(b.pieces).fill(null), logp: 0 }]);
  let step = 0;
  // Each step fills one more mask of every unfinished beam of every blank, in one batch.
  for (;;) {
    const work = beams.flatMap((bs, b) => bs.flatMap((beam, k) => (beam.fill.includes(null) ? [{ b, k }] : [])));
    if (work.length === 0) break;
    const first = firstStep && step === 0 ? firstStep : null;
    step++;
    const rows =
      first ??
      (await forwardRows(
        lm,
        work.map(({ b, k }) => filledRow(enc, blanks[b]!.ctx, beams[b]![k]!.fill)),
        counter,
      ));
    const next = beams.map((bs) => bs.filter((beam) => !beam.fill.includes(null)));
    work.forEach(({ b, k }, w) => {
      const beam = beams[b]![k]!;
      const open = beam.fill.flatMap((id, j) => (id === null ? [j] : []));
      const probs = rows[w]!;
      let pick = 0;
      if (decoder === 'confident-first') {
        const best = open.map((j, i) => probs[i]![topAllowed(probs[i]!, 1, allowed(f, j))[0] ?? 0]!);
        pick = best.indexOf(Math.max(...best));
      }
      const row = probs[pick]!;
      for (const id of topAllowed(row, width, allowed(f, open[pick]!))) {
        next[b]!.push({ fill: beam.fill.map((x, j) => (j === open[pick] ? id : x)), logp: beam.logp + row[id]! });
      }
    });
    beams = next.map((bs) =>
      dedupe(bs)
        .sort((x, y) => y.logp - x.logp)
        .slice(0, width),
    );
  }
  // Re-rank finished candidates by PLL; a single-mask answer's PLL is its log-probability.
  const done = beams.map((bs) => bs.map((beam) => beam.fill as number[]));
  const queries = done.flatMap((cands, b) => cands.flatMap((ids, c) => (ids.length > 1 ? [{ b, c }] : [])));
  const pllRowsOf = queries.map(({ b, c }) => pllRows(enc, blanks[b]!.ctx, done[b]![c]!));
  const scored = await forwardRows(lm, pllRowsOf.flat(), counter);
  let at = 0;
  const pll = new Map<string, number>();
  queries.forEach(({ b, c }, q) => {
    const n = pllRowsOf[q]!.length;
    pll.set(`${b}:${c}`, pllOf(done[b]![c]!, scored.slice(at, at + n)));
    at += n;
  });
  return done.map((cands, b) => cands.map((ids, c) => answer(ids, pll.get(`${b}:${c}`) ?? beams[b]![c]!.logp)).sort((x, y) => y.score - x.score));
}

function dedupe(beams: Beam[]): Beam[] {
  const seen = new Set<string>();
  return beams.filter((b) => {
    const key = b.fill.join(',');
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
