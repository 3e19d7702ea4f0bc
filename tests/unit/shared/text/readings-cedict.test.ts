// The stages of choosing a reading before the model, measured on real text: the sentence
// segmented as the page segments it, the segmented word looked up in the bundled CC-CEDICT (a
// word it lacks read by its characters, from the compact dictionary). Words whose entries agree
// on a reading are settled there; words with several readings are left to the context (the
// model's ranking, not measurable with random-weight fixtures: their usual reading is counted).
import { beforeAll, describe, expect, it } from 'vitest';
import { isRight, type WordStageOutcome, wordStage } from '../../../../scripts/polyphone-word-stage';
import { POLYPHONE_SENTENCES } from '../../../fixtures/polyphone-sentences';

type Outcome = WordStageOutcome;

let outcomes: Outcome[] = [];

beforeAll(async () => {
  outcomes = await wordStage();
}, 120_000);

const right = isRight;

const share = (list: Outcome[]) => list.filter(right).length / Math.max(1, list.length);

describe('polyphones read before the model (bundled CC-CEDICT, Intl.Segmenter)', () => {
  it('reads nearly every character whose word has one reading as the sentence means it', () => {
    const settled = outcomes.filter((o) => o.choice?.by === 'word');
    expect(settled.length).toBeGreaterThanOrEqual(POLYPHONE_SENTENCES.length / 2);
    // 一行 "a travelling party" (yī xíng) is all CC-CEDICT has for 一行; in 这一行 it means "this trade".
    expect(settled.filter((o) => !right(o)).map((o) => o.word)).toEqual(['一行']);
  });

  it('leaves to the context only words with several readings, and reads unknown words by their characters', () => {
    const open = outcomes.filter((o) => o.choice?.by === 'dictionary');
    expect(open.length).toBeGreaterThan(0);
    expect(open.every((o) => o.choice!.others.length > 0)).toBe(true);
    expect(outcomes.every((o) => o.choice !== null)).toBe(true);
    const by = (source: string) => outcomes.filter((o) => o.choice?.by === source);
    const summary = Object.fromEntries(['word', 'characters', 'dictionary'].map((s) => [s, `${by(s).filter(right).length}/${by(s).length}`]));
    console.log(`polyphone readings right, by stage: ${JSON.stringify(summary)}, all ${outcomes.filter(right).length}/${outcomes.length}`);
    console.log(`left to the context: ${open.map((o) => `${o.word}→${o.expected}${right(o) ? '' : ' (usual reading wrong)'}`).join(' ')}`);
    expect(share(by('word'))).toBeGreaterThan(0.9);
  });

  it('gets the figure docs/reading-aids.md and `npm run eval:polyphones` quote for the stages before the model: 40 of 51', () => {
    expect(outcomes.filter(right).length).toBe(40);
    expect(outcomes).toHaveLength(51);
  });
});
