import { describe, expect, it } from 'vitest';
import { rankGlosses, substituteOverlapScores } from '@/models/host/tools/sense/glosses/rank';
import type { Gloss } from '@/models/host/tools/sense/glosses/types';
import { readingForSense } from '@/models/host/tools/sense/reading';

const gloss = (reading: string, text: string, i: number): Gloss => ({
  id: `cc-cedict:行:${i}`,
  source: 'cc-cedict',
  headword: '行',
  reading,
  text,
  examples: [],
  synonyms: [],
});
const 行 = [
  gloss('xing2', 'to walk; to go; to travel', 1),
  gloss('xing2', 'capable; competent', 2),
  gloss('hang2', 'row; line', 3),
  gloss('hang2', '(bound form) line of business; trade; profession', 4),
];
// Substitutes a masked LM might put in 行's place, with their own English senses (as the sense
// tool looks them up) — made by hand here: fixture models have random weights.
const senses: Record<string, Gloss[]> = {
  列: [gloss('lie4', 'row; column; to arrange in a line', 0)],
  排: [gloss('pai2', 'row; line; rank', 0)],
  走: [gloss('zou3', 'to walk; to go; to run', 0)],
};
const rankFor = (substitutes: string[]) => {
  const scores = substituteOverlapScores(行, substitutes, (w) => senses[w] ?? []);
  const method = scores.some((s) => s > 0) ? ('substitute-overlap' as const) : ('dictionary-order' as const);
  return { ranked: rankGlosses(行, scores, method, Infinity), method };
};

describe("the reading in the sense reply, from the sense tool's ranking", () => {
  it('reads 行 as háng where the substitutes mean a row', () => {
    expect(readingForSense(行, rankFor(['列', '排']), null)).toEqual({ reading: 'hang2', by: 'context', others: ['xing2'] });
  });

  it('reads 行 as xíng where the substitutes mean going', () => {
    expect(readingForSense(行, rankFor(['走']), null)).toMatchObject({ reading: 'xing2', by: 'context' });
  });

  it('keeps the usual reading when the ranking is by dictionary order or absent', () => {
    expect(readingForSense(行, rankFor(['的']), null)).toMatchObject({ reading: 'xing2', by: 'dictionary' });
    expect(readingForSense(行, null, null)).toMatchObject({ reading: 'xing2', by: 'dictionary' });
  });

  it('reads an unknown word by its characters, and sends nothing when there is no reading', () => {
    expect(readingForSense([], null, 'mo2 xing2')).toEqual({ reading: 'mo2 xing2', by: 'characters', others: [] });
    expect(readingForSense([], null, null)).toBeUndefined();
  });

  it('bounds what it sends', () => {
    const many = Array.from({ length: 20 }, (_, i) => gloss(`x${'a'.repeat(300)}${i}`, `sense ${i}`, i));
    const out = readingForSense(many, null, null)!;
    expect(out.reading.length).toBe(200);
    expect(out.others).toHaveLength(8);
    expect(out.others.every((r) => r.length <= 200)).toBe(true);
  });
});
