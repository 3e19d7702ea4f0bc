// A cloze exercise from a passage: blanks chosen, then all blanks predicted in one pass.
import type { LoadedModel } from '../host/loader';
import type { ClozeResult, Lang } from '../protocol';
import { chooseBlanks } from './cloze-blanks';
import { beamOverMasks, isHanChar } from './substitutes';
import { maskToken, predictMasks, tokenOf } from './masked-lm';

export const CLOZE_CHARS = 2000;

export async function makeCloze(
  lm: LoadedModel,
  text: string,
  lang: Lang,
  count: number,
  seed: number,
): Promise<Pick<ClozeResult, 'text' | 'blanks'>> {
  const passage = text.slice(0, CLOZE_CHARS);
  const blanks = chooseBlanks(passage, lang, count, seed);
  if (blanks.length === 0) return { text: passage, blanks: [] };
  const mask = maskToken(lm);
  // Each blank gets as many masks as word pieces (English) or characters (Chinese): whole-word masking.
  const pieces = blanks.map((b) =>
    lang === 'zh' ? [...b.text].length : Math.max(1, lm.tokenizer.tokenize(b.text).length),
  );
  let masked = '';
  let at = 0;
  blanks.forEach((b, i) => {
    masked += passage.slice(at, b.start) + (lang === 'zh' ? mask.repeat(pieces[i]!) : ` ${Array(pieces[i]!).fill(mask).join(' ')} `);
    at = b.end;
  });
  masked += passage.slice(at);
  const rows = await predictMasks(lm, [masked]);
  const token = (id: number): string => tokenOf(lm, id);
  let row = 0;
  return {
    text: passage,
    blanks: blanks.map((b, i) => {
      const own = rows.slice(row, row + pieces[i]!).map((r) => r.logProbs);
      row += pieces[i]!;
      const joined = beamOverMasks(own, token, 5, lang === 'zh' ? isHanChar : undefined).map((c) => ({
        text: lang === 'zh' ? c.text : c.text.replace(/ ?##/g, ''),
        score: c.score,
      }));
      return { start: b.start, end: b.end, answer: b.text, candidates: joined };
    }),
  };
}
