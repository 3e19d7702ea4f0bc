// `cloze.check` with a model: every blank's rows (the original and the answer, each as one
// row per piece for its PLL, plus the blank fully masked for the model's own top answers) go
// through the model in one batch.
import type { LoadedModel } from '../../lm/loader';
import { type Lang, type RequestOf, ToolError } from '../../../shared/protocol';
import { blankContext, encoderOf, filledRow, pllOf, pllRows } from './blank-context';
import { beamIndependent, joinPieces, MAX_PIECES, pieceFilter } from './decode';
import { type ClozeScorer, type Judgement, judgeAnswers, type Simplifier } from './judge';
import { forwardRows, type IdRow, type PassCounter } from './mlm-batch';

export const MODEL_TOP = 5;

export async function checkCloze(
  lm: LoadedModel,
  req: Pick<RequestOf<'cloze.check'>, 'text' | 'blanks' | 'answers'>,
  lang: Lang,
  counter: PassCounter,
  loadSimplifier?: () => Promise<Simplifier>,
): Promise<Judgement[]> {
  checkRequest(req);
  const enc = encoderOf(lm);
  const f = pieceFilter(enc, lm.tokenizer.get_vocab().size, lang);
  const originals = req.blanks.map((b) => enc.encode(b.answer).slice(0, MAX_PIECES));
  const contexts = req.blanks.map((b) => blankContext(enc, req.text, b, req.blanks, (s) => enc.encode(req.text.slice(s.start, s.end)).length || 1));
  const scorer: ClozeScorer = async (queries) => {
    const rows: IdRow[] = [];
    const take = (more: IdRow[]): [number, number] => {
      rows.push(...more);
      return [rows.length - more.length, rows.length];
    };
    const plan = queries.map((q, b) => {
      const ctx = contexts[b]!;
      const top = take([
        filledRow(
          enc,
          ctx,
          originals[b]!.map(() => null),
        ),
      ]);
      const texts = q.texts.map((text) => {
        const ids = enc.encode(text).slice(0, MAX_PIECES);
        // A one-piece text's PLL row is the fully masked row when the blank is one mask too.
        if (ids.length === 1 && originals[b]!.length === 1) return { ids, span: top };
        return { ids, span: ids.length ? take(pllRows(enc, ctx, ids)) : null };
      });
      return { top, texts };
    });
    const out = await forwardRows(lm, rows, counter);
    return plan.map(({ top, texts }) => ({
      top: beamIndependent(out[top[0]]!, MODEL_TOP, f).map((c) => ({ text: joinPieces(enc, c.ids, lang).slice(0, 200), score: Math.exp(c.score) })),
      pll: texts.map(({ ids, span }) => (span ? pllOf(ids, out.slice(span[0], span[1])) : -Infinity)),
    }));
  };
  return judgeAnswers(
    req.blanks.map((b) => b.answer),
    req.answers,
    lang,
    scorer,
    loadSimplifier,
  );
}

/** Blanks must be in order, apart, and hold the word they claim; one answer per blank. */
export function checkRequest(req: Pick<RequestOf<'cloze.check'>, 'text' | 'blanks' | 'answers'>): void {
  if (req.answers.length !== req.blanks.length) throw new ToolError('bad-request', 'One answer per blank is needed.');
  let last = 0;
  for (const b of req.blanks) {
    if (b.start < last || b.end <= b.start || b.end > req.text.length || req.text.slice(b.start, b.end) !== b.answer) {
      throw new ToolError('bad-request', 'The blanks do not match the passage.');
    }
    last = b.end;
  }
}
