import { describe, expect, it } from 'vitest';
import { findOccurrences, lemmasOf } from '@/models/shared/text/occurrences';

const forms = (blocks: string[], word: string, inflections = true) => findOccurrences(blocks, word, { lang: 'en', inflections }).map((o) => o.text);

describe('English occurrences', () => {
  const page = [
    'The Bank raised rates. Two banks merged last year.',
    'She was banking on it, and he banked the fire. The bankrupt firm sold its embankment.',
    "We sat on the river bank's edge. BANK holidays are nice.",
  ];

  it('finds inflected forms, case-insensitively, in page order', () => {
    expect(forms(page, 'bank')).toEqual(['Bank', 'banks', 'banking', 'banked', 'bank', 'BANK']);
  });

  it('finds only the written form when inflections are off', () => {
    expect(forms(page, 'bank', false)).toEqual(['Bank', 'bank', 'BANK']);
    expect(forms(page, 'banks', false)).toEqual(['banks']);
  });

  it('matches whole words only', () => {
    const all = forms(page, 'bank');
    expect(all).not.toContain('bankrupt');
    expect(all.some((f) => f.toLowerCase().includes('embank'))).toBe(false);
    expect(forms(['Rupture in the bankrupt embankment.'], 'bank')).toEqual([]);
  });

  it('starts from any inflected form the reader selected', () => {
    expect(forms(page, 'Banking')).toEqual(forms(page, 'bank'));
    expect(forms(['They study; she studies; he studied it.'], 'study')).toEqual(['study', 'studies', 'studied']);
    expect(forms(['Stop it. He stopped and kept stopping.'], 'stops')).toEqual(['Stop', 'stopped', 'stopping']);
    expect(forms(['We make things; making them is fun.'], 'make')).toEqual(['make', 'making']);
  });

  it('does not treat derivations as inflections', () => {
    expect(lemmasOf('banker').has('bank')).toBe(false);
    expect(forms(['The banker and the bank.'], 'bank')).toEqual(['bank']);
  });

  it('reports block, offsets and the sentence around each use', () => {
    const found = findOccurrences(page, 'bank', { lang: 'en' });
    const merged = found[1]!;
    expect(merged).toMatchObject({ block: 0, text: 'banks' });
    expect(page[0]!.slice(merged.start, merged.end)).toBe('banks');
    expect(merged.sentence.text).toBe('Two banks merged last year.');
    expect(merged.sentence.text.slice(merged.sentence.start, merged.sentence.end)).toBe('banks');
    const possessive = found[4]!;
    expect(possessive.block).toBe(2);
    expect(possessive.text).toBe('bank');
    expect(possessive.sentence.text).toBe("We sat on the river bank's edge.");
    for (const o of found) expect(o.sentence.text.slice(o.sentence.start, o.sentence.end)).toBe(o.text);
  });

  it('cuts a long sentence around the word and stops at the limit', () => {
    const long = `${'word '.repeat(200)}bank ${'word '.repeat(200)}`;
    const [o] = findOccurrences([long], 'bank', { lang: 'en', sentenceChars: 100 });
    expect(o!.sentence.text.length).toBeLessThanOrEqual(100);
    expect(o!.sentence.truncated).toBe(true);
    expect(o!.sentence.text.slice(o!.sentence.start, o!.sentence.end)).toBe('bank');
    expect(findOccurrences(['bank bank bank bank'], 'bank', { lang: 'en', limit: 2 })).toHaveLength(2);
  });
});

describe('Chinese occurrences', () => {
  const zh = (blocks: string[], word: string) => findOccurrences(blocks, word, { lang: 'zh' });

  it('matches segmented words: 银行 is not in 行走, 行 is not in 银行 or 行走', () => {
    const page = ['我去银行存钱。', '他在路上行走。', '这家银行很大，银行里人很多。'];
    const banks = zh(page, '银行');
    expect(banks.map((o) => [o.block, o.start])).toEqual([
      [0, 2],
      [2, 2],
      [2, 7],
    ]);
    expect(zh(page, '行')).toEqual([]);
    expect(zh(page, '行走').map((o) => o.block)).toEqual([1]);
  });

  it('tells 打电话 from 打人', () => {
    const page = ['他拿起手机给妈妈打电话。', '他打人了。', '我要打电话给他。'];
    expect(zh(page, '打电话').map((o) => o.block)).toEqual([0, 2]);
    expect(zh(page, '打人').map((o) => o.block)).toEqual([1]);
    expect(zh(page, '打')).toEqual([]);
  });

  it('gives each use its own sentence', () => {
    const [first, second] = zh(['这家银行很大，银行里人很多。我不去银行。'], '银行').slice(1);
    expect(first!.sentence.text).toBe('这家银行很大，银行里人很多。');
    expect(first!.sentence.text.slice(first!.sentence.start, first!.sentence.end)).toBe('银行');
    expect(second!.sentence.text).toBe('我不去银行。');
  });
});
