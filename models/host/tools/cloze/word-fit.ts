// How predictable each candidate word is in its passage: every candidate masked (all its pieces)
// in its own short window of the unmasked passage, all candidates in one batch.
import type { LoadedModel } from '../../lm/loader';
import type { Lang } from '../../../shared/protocol';
import type { Segment } from '../../../shared/text/segment';
import { blankContext, type Encoder, filledRow } from './blank-context';
import { beamIndependent, pieceFilter, rankAmong } from './decode';
import { RANK_LIMIT, type WordFit } from './difficulty';
import { forwardRows, type PassCounter } from './mlm-batch';

export async function wordFits(
  lm: LoadedModel,
  enc: Encoder,
  lang: Lang,
  passage: string,
  words: readonly Segment[],
  counter?: PassCounter,
): Promise<Map<number, WordFit>> {
  const f = pieceFilter(enc, lm.tokenizer.get_vocab().size, lang);
  const pieces = words.map((w) => enc.encode(w.text));
  const rows = await forwardRows(
    lm,
    words.map((w, i) =>
      filledRow(
        enc,
        blankContext(enc, passage, w),
        pieces[i]!.map(() => null),
      ),
    ),
    counter,
  );
  const fits = new Map<number, WordFit>();
  words.forEach((w, i) => {
    const ids = pieces[i]!;
    const r = rows[i]!;
    const logp = ids.reduce((sum, id, j) => sum + r[j]![id]!, 0);
    let rank: number;
    if (ids.length === 1) rank = rankAmong(r[0]!, ids[0]!, f.first);
    else {
      const beam = beamIndependent(r, RANK_LIMIT, f).findIndex((b) => b.ids.every((id, j) => id === ids[j]));
      rank = beam < 0 ? RANK_LIMIT : beam;
    }
    fits.set(w.start, { logp, rank });
  });
  return fits;
}
