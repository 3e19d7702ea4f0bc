import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { lookupChinese } from '@/models/host/tools/sense/glosses/cedict';
import { glossTarget, rankGlosses, substituteOverlapScores } from '@/models/host/tools/sense/glosses/rank';
import type { Gloss, ShardLoader } from '@/models/host/tools/sense/glosses/types';
import { lookupEnglish } from '@/models/host/tools/sense/glosses/wordnet';
import { cedictGlossDir } from '../../../../../../scripts/cedict-gloss-asset';
import { wordnetDir } from '../../../../../../scripts/wordnet-asset';

const gloss = (id: string, text: string, more: Partial<Gloss> = {}): Gloss => ({
  id,
  source: 'wordnet',
  headword: 'bank',
  pos: 'n',
  text,
  examples: [],
  synonyms: [],
  ...more,
});
const slice = ({ text, start, end }: { text: string; start: number; end: number }) => text.slice(start, end);

describe('rankGlosses', () => {
  const glosses = ['a', 'b', 'c', 'd', 'e'].map((id) => gloss(id, `sense ${id}`));

  it('sorts by score, highest first, and numbers the ranks', () => {
    const ranked = rankGlosses(glosses, [0.1, 0.9, 0.5, 0.3, 0.7], 'context-embedding');
    expect(ranked.map((g) => g.id)).toEqual(['b', 'e', 'c', 'd', 'a']);
    expect(ranked.map((g) => g.rank)).toEqual([1, 2, 3, 4, 5]);
    expect(ranked[0]).toMatchObject({ text: 'sense b', score: 0.9 });
  });

  it('keeps dictionary order on ties, NaN last, deterministically', () => {
    const scores = [0.5, 1, Number.NaN, 1, 0.5];
    const once = rankGlosses(glosses, scores, 'substitute-overlap').map((g) => g.id);
    expect(once).toEqual(['b', 'd', 'a', 'e', 'c']);
    expect(rankGlosses([...glosses], [...scores], 'substitute-overlap').map((g) => g.id)).toEqual(once);
    expect(rankGlosses(glosses, [0, 0, 0, 0, 0], 'substitute-overlap').map((g) => g.id)).toEqual(['a', 'b', 'c', 'd', 'e']);
  });

  it('keeps dictionary order for dictionary-order, and caps the list', () => {
    expect(rankGlosses(glosses, [0, 5, 0, 9, 0], 'dictionary-order').map((g) => g.id)).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(rankGlosses(glosses, [], 'dictionary-order').map((g) => g.score)).toEqual([0, 0, 0, 0, 0]);
    expect(rankGlosses(glosses, [1, 2, 3, 4, 5], 'context-embedding', 2).map((g) => g.id)).toEqual(['e', 'd']);
    const many = Array.from({ length: 30 }, (_, i) => gloss(`g${i}`, `sense ${i}`));
    expect(
      rankGlosses(
        many,
        many.map(() => 0),
        'substitute-overlap',
      ),
    ).toHaveLength(12);
  });

  it('refuses scores that do not match the glosses', () => {
    expect(() => rankGlosses(glosses, [1, 2], 'context-embedding')).toThrow(RangeError);
  });
});

describe('glossTarget', () => {
  it('points at the word, or an inflection of it, in an example', () => {
    const t = glossTarget(gloss('1', 'sloping land', { examples: ['a huge mound of earth', 'they pulled the canoe up on the Banks'] }), 'bank');
    expect(t).toEqual({ text: 'they pulled the canoe up on the Banks', start: 32, end: 37 });
    expect(slice(t)).toBe('Banks');
    const ran = glossTarget(gloss('2', 'move fast', { headword: 'run', examples: ["Don't run--you'll be out of breath"] }), 'ran');
    expect(slice(ran)).toBe('run');
  });

  it('puts the word in place of a synonym that an example uses', () => {
    const t = glossTarget(
      gloss('1', 'put into a bank account', { pos: 'v', synonyms: ['deposit', 'put in'], examples: ['She deposits her paycheck every month'] }),
      'banked',
    );
    expect(t.text).toBe('She banked her paycheck every month');
    expect(slice(t)).toBe('banked');
  });

  it('falls back to "word: definition"', () => {
    const t = glossTarget(gloss('1', 'a supply held in reserve', { examples: ['a supply for emergencies'] }), 'banks');
    expect(t).toEqual({ text: 'banks: a supply held in reserve', start: 0, end: 5 });
    expect(slice(glossTarget(gloss('2', '银行', { source: 'cc-cedict', headword: '银行' }), '银行'))).toBe('银行');
  });
});

describe('substituteOverlapScores', () => {
  it('scores the sense sharing words with the substitutes highest, earlier substitutes weighing more', () => {
    const glosses = [
      gloss('land', 'sloping land beside a river', { examples: ['they sat on the bank'] }),
      gloss('money', 'a financial institution that lends money', { synonyms: ['depository', 'lender'] }),
    ];
    const scores = substituteOverlapScores(glosses, ['lenders', 'rivers']);
    expect(scores[1]).toBeGreaterThan(scores[0]!);
    expect(scores[0]).toBeGreaterThan(0);
    expect(scores).toEqual([0.5, 1]);
    // The word itself, function words and labels score nothing.
    expect(substituteOverlapScores(glosses, ['bank', 'the', 'a'])).toEqual([0, 0]);
  });

  it('compares the English of Chinese substitutes through translate', () => {
    const glosses: Gloss[] = [
      { id: '1', source: 'cc-cedict', headword: '行', reading: 'xing2', text: '(bound form) to walk; to go; to travel', examples: [], synonyms: [] },
      { id: '2', source: 'cc-cedict', headword: '行', reading: 'xing2', text: 'capable; competent', examples: [], synonyms: [] },
    ];
    const dict: Record<string, string[]> = { 能干: ['capable; competent'], 走: ['to walk', 'to go'] };
    const translate = (w: string): Gloss[] => (dict[w] ?? []).map((text, i) => ({ ...glosses[0]!, id: `${w}${i}`, headword: w, text }));
    expect(substituteOverlapScores(glosses, ['能干', '走'], translate)).toEqual([0.5, 1]);
    expect(substituteOverlapScores(glosses, ['能干', '走'])).toEqual([0, 0]);
  });
});

describe('ranking real dictionary senses by substitutes', () => {
  const loader =
    (dir: string): ShardLoader =>
    async (name) =>
      JSON.parse(readFileSync(join(dir, `${name}.json`), 'utf8')) as unknown;
  let en: (w: string) => Promise<Gloss[]> = async () => [];
  let zh: (w: string) => Promise<Gloss[]> = async () => [];
  beforeAll(async () => {
    const [wordnet, cedict] = [loader(await wordnetDir()), loader(await cedictGlossDir())];
    en = (w) => lookupEnglish(w, wordnet);
    zh = (w) => lookupChinese(w, cedict);
  }, 120_000);

  it('English: river-bank substitutes pick the sloping land, money ones the institution', async () => {
    const bank = await en('bank');
    const top = (subs: string[]) => rankGlosses(bank, substituteOverlapScores(bank, subs), 'substitute-overlap')[0]!.text;
    expect(top(['shore', 'river', 'edge', 'side'])).toBe('sloping land (especially the slope beside a body of water)');
    expect(top(['lender', 'institution', 'company', 'firm'])).toMatch(/^a financial institution/);
  });

  it('Chinese: 行 after 能干/厉害 reads "capable", after 走/去 "to walk"', async () => {
    const xing = await zh('行');
    const top = async (subs: string[]) => {
      const translations = new Map(await Promise.all(subs.map(async (s) => [s, await zh(s)] as const)));
      const scores = substituteOverlapScores(xing, subs, (w) => translations.get(w) ?? []);
      return rankGlosses(xing, scores, 'substitute-overlap')[0]!.text;
    };
    expect(await top(['棒', '厉害', '能干'])).toBe('capable; competent');
    expect(await top(['走', '去', '跑'])).toBe('(bound form) to walk; to go; to travel');
    expect(await top(['业', '界'])).toBe('(bound form) line of business; trade; profession');
  });
});
