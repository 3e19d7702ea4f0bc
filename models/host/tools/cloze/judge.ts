// Judging a learner's cloze answers. Pure: the model comes in as a scorer, so the rules are
// tested with made-up scores.
//
//   correct     the answer is the original word, after normalising case, full/half width
//               (NFKC), surrounding space and, for Chinese, traditional → simplified characters
//   acceptable  the model finds it nearly as likely in this context as the original: its
//               pseudo-log-likelihood is at most ln 4 nats below the original's (probability
//               ratio ≥ 1/4), or above it
//   wrong       anything else, and empty answers
import type { ClozeVerdict, Lang, Scored } from '../../../shared/protocol';

/** An answer within this many nats of the original's PLL is acceptable (ratio ≥ 0.25). */
export const ACCEPT_NATS = Math.log(4);

export interface Judgement {
  verdict: ClozeVerdict;
  /** PLL(answer) − PLL(original), nats; 0 when correct, null when there was nothing to score. */
  score: number | null;
  modelTop: Scored[];
}

export interface ScoreQuery {
  /** Texts whose PLL in this blank is wanted (the original first, when any). */
  texts: string[];
}

/**
 * Scores texts in their blanks and gives the model's own top answers per blank. Called once per
 * exercise with every blank, so the model work is one batch.
 */
export type ClozeScorer = (queries: ScoreQuery[]) => Promise<{ pll: number[]; top: Scored[] }[]>;

export type Simplifier = (text: string) => string;

/** The form an answer is scored in: NFKC, single spaces, Chinese in simplified characters. */
export function cleanAnswer(text: string, simplify?: Simplifier): string {
  const t = text.normalize('NFKC').replace(/\s+/gu, ' ').trim();
  return simplify ? simplify(t) : t;
}

/** The form answers are compared in: cleaned and case-folded. */
export function canonicalAnswer(text: string, simplify?: Simplifier): string {
  return cleanAnswer(text, simplify).toLowerCase();
}

const HAN = /\p{Script=Han}/u;

export async function judgeAnswers(
  originals: readonly string[],
  answers: readonly string[],
  lang: Lang,
  scorer: ClozeScorer,
  /** Loaded only when a Chinese answer differs from its original as typed. */
  loadSimplifier?: () => Promise<Simplifier>,
): Promise<Judgement[]> {
  const typed = (i: number) => answers[i] ?? '';
  const needsSimplifier =
    lang === 'zh' && loadSimplifier !== undefined && originals.some((o, i) => HAN.test(typed(i)) && canonicalAnswer(typed(i)) !== canonicalAnswer(o));
  const simplify = needsSimplifier ? await loadSimplifier!() : undefined;
  const plan = originals.map((original, i) => {
    const answer = cleanAnswer(typed(i), simplify);
    if (!answer) return { kind: 'empty' as const, texts: [] };
    if (canonicalAnswer(answer) === canonicalAnswer(original, simplify)) return { kind: 'correct' as const, texts: [] };
    return { kind: 'scored' as const, texts: [original, answer] };
  });
  const scored = await scorer(plan.map((p) => ({ texts: p.texts })));
  return plan.map((p, i) => {
    const modelTop = scored[i]?.top ?? [];
    if (p.kind === 'empty') return { verdict: 'wrong', score: null, modelTop };
    if (p.kind === 'correct') return { verdict: 'correct', score: 0, modelTop };
    const [original, answer] = scored[i]?.pll ?? [];
    if (original === undefined || answer === undefined || !Number.isFinite(answer)) return { verdict: 'wrong', score: null, modelTop };
    const score = Number.isFinite(original) ? answer - original : 0;
    return { verdict: score >= -ACCEPT_NATS ? 'acceptable' : 'wrong', score, modelTop };
  });
}
