// A cloze exercise from a passage: blanks chosen (ranked by the model for easy/hard), then the
// model's whole-word answers for every blank, decoded in batches across blanks.
import { blankContext, type Encoder, encoderOf, packedRow } from './blank-context';
import { type Answer, type BlankToDecode, decodeBlanks, type FirstStep, MAX_PIECES } from './decode';
import { difficultyKey, spreadSubset } from './difficulty';
import { forwardRows, type PassCounter } from './mlm-batch';
import { wordFits } from './word-fit';
import type { LoadedModel } from '../../lm/loader';
import type { ClozeDecoder, ClozeDifficulty, ClozeResult, Lang } from '../../../shared/protocol';
import type { Segment } from '../../../shared/text/segment';
import { chooseBlanks, contentCandidates, seededRandom } from './cloze-blanks';
import { lemmasOf } from '../../../shared/text/occurrences';

export const CLOZE_CHARS = 2000;
/** Candidate words scored for easy/hard (one batch); longer passages are sampled evenly. */
export const SCORED_CANDIDATES = 48;
/** Answers shown per blank. */
export const TOP_ANSWERS = 5;

export interface ClozeOptions {
  difficulty?: ClozeDifficulty;
  decode?: ClozeDecoder;
  counter?: PassCounter;
  /** Words to blank first where they occur (lower-cased, as written). */
  focus?: readonly string[];
}

/** A word's pieces (cached), and whether the model can spell it in a bounded number of masks. */
export function wordPieces(lm: LoadedModel, enc: Encoder) {
  const cache = new Map<string, number[]>();
  const unk = lm.tokenizer.unk_token_id;
  const piecesOf = (word: string): number[] => {
    let ids = cache.get(word);
    if (!ids) cache.set(word, (ids = enc.encode(word)));
    return ids;
  };
  const eligible = (s: Segment): boolean => {
    const ids = piecesOf(s.text);
    return ids.length > 0 && ids.length <= MAX_PIECES && !ids.includes(unk);
  };
  return { piecesOf, eligible };
}

/** Decoder input for each blank: its context with the other blanks masked as the learner sees them. */
export function blanksToDecode(enc: Encoder, passage: string, blanks: readonly Segment[], piecesOf: (word: string) => number[]): BlankToDecode[] {
  const piecesAt = new Map(blanks.map((b) => [b.start, piecesOf(b.text).length]));
  return blanks.map((b) => ({
    ctx: blankContext(enc, passage, b, blanks, (s) => piecesAt.get(s.start) ?? 1),
    pieces: piecesAt.get(b.start)!,
  }));
}

export async function makeCloze(
  lm: LoadedModel,
  text: string,
  lang: Lang,
  count: number,
  seed: number,
  options: ClozeOptions = {},
): Promise<Pick<ClozeResult, 'text' | 'blanks'>> {
  const passage = text.slice(0, CLOZE_CHARS);
  const enc = encoderOf(lm);
  const { piecesOf, eligible } = wordPieces(lm, enc);
  const difficulty = options.difficulty ?? 'medium';
  let score: ((s: Segment) => number) | undefined;
  if (difficulty !== 'medium') {
    const words = contentCandidates(passage, lang)
      .map((c) => c.s)
      .filter(eligible);
    const sample = spreadSubset(words, SCORED_CANDIDATES, seededRandom(seed ^ 0x5bd1e995));
    const fits = await wordFits(lm, enc, lang, passage, sample, options.counter);
    score = (s) => {
      const fit = fits.get(s.start);
      return fit ? difficultyKey(fit, difficulty) : -Infinity;
    };
  }
  const focus = new Set(options.focus?.map((w) => w.toLowerCase()));
  // A due word counts in any inflected form (banks → bank), as its uses on a page do.
  const prefer = focus.size ? (s: Segment) => [...lemmasOf(s.text)].some((w) => focus.has(w)) : undefined;
  const blanks = chooseBlanks(passage, lang, count, seed, score, eligible, prefer);
  if (blanks.length === 0) return { text: passage, blanks: [] };
  const inputs = blanksToDecode(enc, passage, blanks, piecesOf);
  const first = await packedFirstStep(lm, enc, passage, blanks, inputs, options.counter);
  const answers = await decodeBlanks(lm, enc, lang, inputs, options.decode ?? 'confident-first', TOP_ANSWERS, options.counter, first);
  return {
    text: passage,
    blanks: blanks.map((b, i) => ({
      start: b.start,
      end: b.end,
      answer: b.text,
      pieces: inputs[i]!.pieces,
      candidates: answers[i]!.map(toScored),
    })),
  };
}

/**
 * Every blank's first step from one pass over the passage with all blanks masked (as the learner
 * sees it), instead of one window per blank; undefined when the passage is too long for one row.
 */
async function packedFirstStep(
  lm: LoadedModel,
  enc: Encoder,
  passage: string,
  blanks: readonly Segment[],
  inputs: readonly BlankToDecode[],
  counter: PassCounter | undefined,
): Promise<FirstStep | undefined> {
  const piecesAt = new Map(blanks.map((b, i) => [b.start, inputs[i]!.pieces]));
  const packed = packedRow(enc, passage, blanks, (s) => piecesAt.get(s.start) ?? 1);
  if (!packed) return undefined;
  const [rows] = await forwardRows(lm, [packed.row], counter);
  let at = 0;
  return packed.masksOf.map((masks) => rows!.slice(at, (at += masks.length)));
}

/** A candidate with its (pseudo-)probability. */
const toScored = (a: Answer) => ({ text: a.text.slice(0, 200), score: Math.exp(a.score) });
