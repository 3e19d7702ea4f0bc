import { describe, expect, it } from 'vitest';
import { sentenceAround, windowAround } from '@/models/shared/text/context';
import { detectLang, langOfSelection } from '@/models/shared/text/lang';
import { segmentWords, wordAt } from '@/models/shared/text/segment';
import { StreamDecoder } from '@/models/host/tools/complete/stream-decoder';
import { cleanSubstitutes, englishStem, isInflectionOf } from '@/models/host/tools/sense/clean-substitutes';
import { chooseBlanks, seededRandom } from '@/models/host/tools/cloze/cloze-blanks';
import { beamOverMasks } from '@/models/host/tools/sense/substitutes';
import { logSoftmax, topIndices } from '@/models/host/lm/masked-lm';
import { isSensitiveField } from '@/models/page/sensitive';

describe('language and segmentation', () => {
  it('detects the dominant script', () => {
    expect(detectLang('the river bank')).toBe('en');
    expect(detectLang('我去银行')).toBe('zh');
    expect(detectLang('用 WebGPU 跑模型')).toBe('zh');
    expect(detectLang('12345 !!!')).toBeNull();
    expect(langOfSelection('123', 'deposit 123 at the bank')).toBe('en');
  });

  it('segments Chinese into words, not characters', () => {
    const words = segmentWords('我今天去银行存钱', 'zh')
      .filter((s) => s.isWord)
      .map((s) => s.text);
    expect(words).toContain('银行');
    expect(wordAt('我今天去银行存钱', 5, 'zh')?.text).toBe('银行');
  });
});

describe('context windows', () => {
  it('keeps short text whole and cuts long text around the target', () => {
    expect(windowAround('a bank b', 2, 6, 100)).toEqual({ text: 'a bank b', start: 2, end: 6, truncated: false });
    const long = `${'Filler sentence here. '.repeat(200)}The bank is here. ${'More words follow. '.repeat(200)}`;
    const at = long.indexOf('bank');
    const w = windowAround(long, at, at + 4, 300);
    expect(w.truncated).toBe(true);
    expect(w.text.length).toBeLessThanOrEqual(300);
    expect(w.text.slice(w.start, w.end)).toBe('bank');
    const all = windowAround(long, 0, long.length, 300);
    expect(all).toMatchObject({ start: 0, end: 300, truncated: true });
    expect(all.text).toBe(long.slice(0, 300));
  });

  it('finds the sentence around a word', () => {
    const text = 'First one. She went to the bank today! Last.';
    const at = text.indexOf('bank');
    const s = sentenceAround(text, at, at + 4);
    expect(s.text).toBe('She went to the bank today!');
    expect(s.text.slice(s.start, s.end)).toBe('bank');
  });
});

describe('substitute cleaning', () => {
  it('stems English inflections', () => {
    expect(englishStem('banks')).toBe('bank');
    expect(englishStem('banking')).toBe('bank');
    expect(englishStem('running')).toBe('run');
    expect(isInflectionOf('Banked', 'bank', 'en')).toBe(true);
    expect(isInflectionOf('shore', 'bank', 'en')).toBe(false);
  });

  it('drops pieces, punctuation, specials and the word itself', () => {
    const raw = [
      { text: '##s', score: 0.3 },
      { text: 'bank', score: 0.2 },
      { text: 'banks', score: 0.1 },
      { text: ',', score: 0.1 },
      { text: '[UNK]', score: 0.05 },
      { text: 'shore', score: 0.04 },
      { text: 'Shore', score: 0.03 },
      { text: 'lender', score: 0.02 },
      { text: 'ʸ', score: 0.02 },
      { text: 'x', score: 0.02 },
      { text: 'банк', score: 0.02 },
      { text: 'café', score: 0.01 },
    ];
    expect(cleanSubstitutes(raw, 'bank', 'en', 5).map((s) => s.text)).toEqual(['shore', 'lender', 'café']);
    expect(
      cleanSubstitutes(
        [
          { text: '银行', score: 1 },
          { text: '商店', score: 0.5 },
        ],
        '银行',
        'zh',
        5,
      ).map((s) => s.text),
    ).toEqual(['商店']);
  });

  it('ranks joint candidates over several masks', () => {
    const row = (probs: number[]) => logSoftmax(Float32Array.from(probs.map(Math.log)));
    const tokens = ['商', '银', '店', '行'];
    const out = beamOverMasks([row([0.6, 0.4, 0, 0]), row([0, 0, 0.3, 0.7])], (i) => tokens[i]!, 4);
    expect(out[0]!.text).toBe('商行');
    expect(out[0]!.score).toBeCloseTo(0.42, 5);
    expect(out.map((o) => o.text)).toEqual(['商行', '银行', '商店', '银店']);
    expect(topIndices(Float32Array.from([1, 5, 3, 9, 2]), 3)).toEqual([3, 1, 2]);
  });
});

describe('cloze blank choice', () => {
  const text = 'The quick brown fox jumps over the lazy dog while the farmer watches the sleepy cattle grazing near the old barn.';
  it('is deterministic for a seed, picks content words, never adjacent', () => {
    const a = chooseBlanks(text, 'en', 4, 42);
    expect(chooseBlanks(text, 'en', 4, 42)).toEqual(a);
    expect(a).toHaveLength(4);
    for (const b of a) expect(['the', 'over', 'while', 'near']).not.toContain(b.text.toLowerCase());
    const words = segmentWords(text, 'en').filter((s) => s.isWord);
    const idx = a.map((b) => words.findIndex((w) => w.start === b.start));
    for (let i = 1; i < idx.length; i++) expect(idx[i]! - idx[i - 1]!).toBeGreaterThan(1);
  });

  it('chooses whole Chinese words of two or more characters', () => {
    const zh = chooseBlanks('我今天去银行存钱，然后在河边行走了一个小时。', 'zh', 3, 1);
    expect(zh.length).toBeGreaterThan(0);
    for (const b of zh) expect([...b.text].length).toBeGreaterThanOrEqual(2);
  });

  it('has a reproducible PRNG', () => {
    const r = seededRandom(7);
    const s = seededRandom(7);
    expect([r(), r(), r()]).toEqual([s(), s(), s()]);
  });
});

describe('streaming decoder', () => {
  it('never emits a broken multi-byte character', () => {
    // Byte-level pieces: "你" is E4 BD A0, split over two tokens.
    const pieces: Record<number, number[]> = { 1: [0x48, 0x69], 2: [0xe4, 0xbd], 3: [0xa0], 4: [0xf0, 0x9f], 5: [0x98, 0x80] };
    const decode = (ids: number[]) => new TextDecoder().decode(Uint8Array.from(ids.flatMap((i) => pieces[i]!)));
    const d = new StreamDecoder(decode);
    expect(d.push(1)).toBe('Hi');
    expect(d.push(2)).toBe('');
    expect(d.push(3)).toBe('你');
    expect(d.push(4)).toBe('');
    expect(d.push(5)).toBe('😀');
    expect(d.text).toBe('Hi你😀');
  });
});

describe('sensitive fields', () => {
  const field = (attrs: Record<string, string>, tagName = 'INPUT') => ({
    tagName,
    type: attrs.type,
    autocomplete: attrs.autocomplete,
    name: attrs.name,
    id: attrs.id,
    getAttribute: (n: string) => attrs[n] ?? null,
  });
  it('never touches passwords, one-time codes or payment fields', () => {
    expect(isSensitiveField(field({ type: 'password' }))).toBe(true);
    expect(isSensitiveField(field({ type: 'text', autocomplete: 'one-time-code' }))).toBe(true);
    expect(isSensitiveField(field({ type: 'text', autocomplete: 'cc-number' }))).toBe(true);
    expect(isSensitiveField(field({ type: 'text', name: 'otp' }))).toBe(true);
    expect(isSensitiveField(field({ type: 'text', name: 'comment' }))).toBe(false);
    expect(isSensitiveField(field({}, 'TEXTAREA'))).toBe(false);
  });
});
