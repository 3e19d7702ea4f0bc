// Masked-LM substitutes for one selected word in its context.
import type { LoadedModel } from '../../lm/loader';
import type { Lang, Scored } from '../../../shared/protocol';
import { windowAround } from '../../../shared/text/context';
import { cleanSubstitutes } from './clean-substitutes';
import { maskToken, predictMasks, tokenOf, topIndices } from '../../lm/masked-lm';

/** Characters of context kept around the word; ~4 chars a token keeps us under 512 tokens. */
export const CONTEXT_CHARS = 1200;

export interface SubstituteQuery {
  text: string;
  start: number;
  end: number;
  lang: Lang;
  topK: number;
}

/**
 * Masks the word (one mask per character for Chinese, whose vocabularies are per character;
 * one for an English word) and ranks candidates jointly over the masks by summed log-probability.
 */
export async function findSubstitutes(lm: LoadedModel, q: SubstituteQuery): Promise<{ word: string; substitutes: Scored[] }> {
  const win = windowAround(q.text, q.start, q.end, CONTEXT_CHARS);
  const word = win.text.slice(win.start, win.end).trim();
  const masks = q.lang === 'zh' ? [...word].length : 1;
  const mask = maskToken(lm);
  const masked = win.text.slice(0, win.start) + (q.lang === 'zh' ? mask.repeat(masks) : ` ${mask} `) + win.text.slice(win.end);
  const rows = await predictMasks(lm, [masked]);
  return {
    word,
    substitutes: substitutesFromRows(
      lm,
      rows.map((r) => r.logProbs),
      word,
      q.lang,
      q.topK,
    ),
  };
}

/** Cleaned whole-word substitutes from the log-probability rows of a word's masks. */
export function substitutesFromRows(lm: LoadedModel, rows: Float32Array[], word: string, lang: Lang, topK: number): Scored[] {
  const beams = beamOverMasks(rows, (id) => tokenOf(lm, id), topK * 4, lang === 'zh' ? isHanChar : undefined);
  return cleanSubstitutes(beams, word, lang, topK);
}

const HAN_CHAR = /^\p{Script=Han}$/u;
/** Chinese masks are filled with single Han characters, never word pieces or Latin tokens. */
export const isHanChar = (token: string): boolean => HAN_CHAR.test(token);

/**
 * Left-to-right beam over independent mask predictions; returns joined text and probability.
 * `accept` (optional) limits which tokens may fill a mask.
 */
export function beamOverMasks(rows: Float32Array[], token: (id: number) => string, width: number, accept?: (token: string) => boolean): Scored[] {
  let beams: { text: string; logp: number }[] = [{ text: '', logp: 0 }];
  for (const row of rows) {
    const next: { text: string; logp: number }[] = [];
    const top = accept
      ? topIndices(row, width * 8)
          .filter((id) => accept(token(id)))
          .slice(0, width)
      : topIndices(row, width);
    for (const beam of beams) {
      for (const id of top) next.push({ text: beam.text + token(id), logp: beam.logp + row[id]! });
    }
    next.sort((a, b) => b.logp - a.logp);
    beams = next.slice(0, width);
  }
  return beams.map((b) => ({ text: b.text, score: Math.exp(b.logp) }));
}
