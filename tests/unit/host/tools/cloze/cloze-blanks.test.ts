import { describe, expect, it } from 'vitest';
import { difficultyKey, OBVIOUS_RANK, RANK_LIMIT, spreadSubset, type WordFit } from '@/models/host/tools/cloze/difficulty';
import { chooseBlanks, contentCandidates, seededRandom } from '@/models/host/tools/cloze/cloze-blanks';
import { segmentWords } from '@/models/shared/text/segment';

const EN =
  'The farmer watched the sleepy cattle grazing near the old wooden barn while his daughter painted the distant mountains ' +
  'and the neighbours repaired their broken fences before the winter storms arrived from the northern valleys.';
const ZH = '他拿起手机给妈妈打电话，告诉她自己已经到家了。我们明天一起去图书馆学习历史，然后在公园散步。';

/** Made-up model ratings: rank and log-probability per word. */
const FITS: Record<string, WordFit> = {
  farmer: { rank: 0, logp: -0.2 },
  watched: { rank: 7, logp: -3 },
  sleepy: { rank: 120, logp: -9 },
  cattle: { rank: 1, logp: -0.9 },
  grazing: { rank: 20, logp: -4 },
  wooden: { rank: 2, logp: -1.5 },
  barn: { rank: 5, logp: -2.5 },
  daughter: { rank: 0, logp: -0.1 },
  painted: { rank: 30, logp: -4.5 },
  distant: { rank: 4, logp: -2.2 },
  mountains: { rank: 1, logp: -0.6 },
  neighbours: { rank: 60, logp: -8 },
  repaired: { rank: 9, logp: -3.5 },
  broken: { rank: 0, logp: -0.3 },
  fences: { rank: 11, logp: -3.9 },
  winter: { rank: 0, logp: -0.05 },
  storms: { rank: 15, logp: -3.1 },
  arrived: { rank: 2, logp: -1.1 },
  northern: { rank: 40, logp: -5 },
  valleys: { rank: 3, logp: -2 },
};
const fitOf = (word: string): WordFit => FITS[word] ?? { rank: RANK_LIMIT, logp: -20 };

describe('difficulty ranking', () => {
  it('puts obvious words first for easy, plausible-but-not-obvious ones first for hard', () => {
    const easy = (w: string) => difficultyKey(fitOf(w), 'easy');
    const hard = (w: string) => difficultyKey(fitOf(w), 'hard');
    expect(easy('winter')).toBeGreaterThan(easy('broken')); // both obvious, winter more probable
    expect(easy('wooden')).toBeGreaterThan(easy('valleys')); // rank 2 is in the easy band, rank 3 is not
    expect(easy('valleys')).toBeGreaterThan(easy('neighbours'));
    expect(hard('valleys')).toBeGreaterThan(hard('winter')); // rank 3 is in the hard band
    expect(hard('northern')).toBeGreaterThan(hard('arrived'));
    expect(hard('watched')).toBeGreaterThan(hard('grazing')); // both in band: the more plausible
    expect(hard('wooden')).toBeGreaterThan(hard('winter')); // out of band: nearer to it
    expect(hard('neighbours')).toBeLessThan(hard('painted'));
  });

  it('blanks the preferred words (words due for review) first, one per stratum, whatever the seed', () => {
    const words = contentCandidates(EN, 'en').map((c) => c.s.text);
    const due = new Set([words[1]!, words[words.length - 2]!]);
    for (const seed of [1, 2, 3, 4]) {
      const chosen = chooseBlanks(EN, 'en', 2, seed, undefined, undefined, (s) => due.has(s.text)).map((b) => b.text);
      expect(new Set(chosen)).toEqual(due);
    }
    // Without a preference the seed decides, and does not always land on them.
    const plain = [1, 2, 3, 4].map((seed) =>
      chooseBlanks(EN, 'en', 2, seed)
        .map((b) => b.text)
        .join(),
    );
    expect(plain.some((p) => p !== [...due].join())).toBe(true);
  });

  it('chooses blanks that fit the difficulty, still spread out and never adjacent', () => {
    const pick = (d: 'easy' | 'hard', seed = 1) => chooseBlanks(EN, 'en', 4, seed, (s) => difficultyKey(fitOf(s.text), d));
    const easy = pick('easy');
    const hard = pick('hard');
    expect(easy).toHaveLength(4);
    expect(hard).toHaveLength(4);
    for (const b of easy) expect(fitOf(b.text).rank).toBeLessThan(OBVIOUS_RANK);
    for (const b of hard) {
      expect(fitOf(b.text).rank).toBeGreaterThanOrEqual(OBVIOUS_RANK);
      expect(fitOf(b.text).rank).toBeLessThan(RANK_LIMIT);
    }
    const words = segmentWords(EN, 'en').filter((s) => s.isWord);
    for (const set of [easy, hard]) {
      const idx = set.map((b) => words.findIndex((w) => w.start === b.start));
      for (let i = 1; i < idx.length; i++) expect(idx[i]! - idx[i - 1]!).toBeGreaterThan(1);
      // Spread: one blank per quarter of the candidates.
      const cands = contentCandidates(EN, 'en').map((c) => c.s.start);
      set.forEach((b, k) => {
        const at = cands.indexOf(b.start);
        expect(at).toBeGreaterThanOrEqual(Math.floor((k * cands.length) / 4));
        expect(at).toBeLessThan(Math.floor(((k + 1) * cands.length) / 4));
      });
    }
  });

  it('is deterministic per seed, and the seed breaks ties between equal scores', () => {
    const flat = () => 0;
    expect(chooseBlanks(EN, 'en', 5, 9, flat)).toEqual(chooseBlanks(EN, 'en', 5, 9, flat));
    const seeds = new Set(
      Array.from({ length: 8 }, (_, s) =>
        chooseBlanks(EN, 'en', 5, s, flat)
          .map((b) => b.text)
          .join(),
      ),
    );
    expect(seeds.size).toBeGreaterThan(1);
    const scored = (seed: number) => chooseBlanks(EN, 'en', 4, seed, (s) => difficultyKey(fitOf(s.text), 'hard'));
    expect(scored(3)).toEqual(scored(3));
  });

  it('leaves out ineligible words (e.g. ones the model cannot spell)', () => {
    const out = chooseBlanks(EN, 'en', 6, 2, undefined, (s) => !s.text.startsWith('w'));
    expect(out.length).toBeGreaterThan(0);
    for (const b of out) expect(b.text.startsWith('w')).toBe(false);
  });

  it('makes Chinese blanks of whole segmented words, whatever the scores', () => {
    const byLength = chooseBlanks(ZH, 'zh', 4, 1, (s) => [...s.text].length);
    expect(byLength.length).toBeGreaterThan(1);
    const segments = segmentWords(ZH, 'zh');
    for (const b of byLength) {
      expect([...b.text].length).toBeGreaterThanOrEqual(2);
      expect(b.text).toMatch(/^\p{Script=Han}+$/u);
      expect(ZH.slice(b.start, b.end)).toBe(b.text);
      // A blank is exactly one segment: it starts and ends on word boundaries.
      expect(segments.some((s) => s.start === b.start && s.end === b.end)).toBe(true);
    }
  });

  it('samples long candidate lists evenly and reproducibly', () => {
    const items = Array.from({ length: 100 }, (_, i) => i);
    const a = spreadSubset(items, 10, seededRandom(5));
    expect(a).toHaveLength(10);
    expect(spreadSubset(items, 10, seededRandom(5))).toEqual(a);
    for (let i = 0; i < 10; i++) {
      expect(a[i]).toBeGreaterThanOrEqual(i * 10);
      expect(a[i]).toBeLessThan((i + 1) * 10);
    }
    expect(spreadSubset([1, 2], 10, seededRandom(1))).toEqual([1, 2]);
  });
});
