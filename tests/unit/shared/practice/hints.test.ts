import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildCompactDict, chineseDict } from '@/models/shared/dict/chinese-dict';
import { buildHints as buildHintData, pinyinWithMarks, toneMark } from '@/models/shared/practice/hints';
import { hintText } from '@/components/practice/hint-text';
import { setUiLanguage } from '@/models/shared/i18n';

/** The hints as the practice page words them in English. */
const buildHints = (...args: Parameters<typeof buildHintData>) => buildHintData(...args).map(hintText);

describe('hints', () => {
  beforeEach(() => setUiLanguage('en'));
  afterEach(() => setUiLanguage('en'));

  it('marks pinyin tones on the right vowel', () => {
    expect(toneMark('hang2')).toBe('háng');
    expect(toneMark('xiong1')).toBe('xiōng');
    expect(toneMark('gou3')).toBe('gǒu');
    expect(toneMark('gui4')).toBe('guì');
    expect(toneMark('liu2')).toBe('liú');
    expect(toneMark('lv4')).toBe('lǜ');
    expect(toneMark('nu:3')).toBe('nǚ');
    expect(toneMark('ma5')).toBe('ma');
    expect(toneMark('Zhong1')).toBe('Zhōng');
    expect(toneMark('r5')).toBe('r');
    expect(pinyinWithMarks('yin2 hang2')).toBe('yínháng');
  });

  it('builds English hints from least to most revealing', () => {
    expect(buildHints('cattle', 'en')).toEqual(['6 letters', 'Starts with “c”']);
  });

  it('gives the first letter or character last, as written, never half a character', () => {
    expect(buildHints('Über', 'en').at(-1)).toBe('Starts with “Ü”');
    expect(buildHints('𝑥-ray', 'en')).toEqual(['5 letters', 'Starts with “𝑥”']);
    expect(buildHints('电话', 'zh', 'dian4 hua4').at(-1)).toBe('Starts with “电”');
    expect(buildHints('𠀀人', 'zh').at(-1)).toBe('Starts with “𠀀”');
  });

  it('builds Chinese hints with pinyin from the dictionary', () => {
    const dict = chineseDict(
      buildCompactDict([
        ['銀行', '银行', 'yin2 hang2'],
        ['行', '行', 'xing2'],
        ['行走', '行走', 'xing2 zou3'],
      ]),
    );
    expect(dict.pinyin('银行')).toBe('yin2 hang2');
    expect(buildHints('银行', 'zh', dict.pinyin('银行'))).toEqual(['2 characters', 'Pinyin: yínháng', 'Starts with “银”']);
    expect(buildHints('银行', 'zh', null)).toEqual(['2 characters', 'Starts with “银”']);
    expect(buildHintData('银行', 'zh', 'yin2 hang2')).toEqual([
      { kind: 'characters', n: 2 },
      { kind: 'pinyin', text: 'yínháng' },
      { kind: 'first', text: '银' },
    ]);
  });

  it('words hints in the UI language, with English plurals', () => {
    expect(buildHints('a', 'en')).toEqual(['1 letter', 'Starts with “a”']);
    setUiLanguage('zh_CN');
    expect(buildHints('银行', 'zh', 'yin2 hang2')).toEqual(['2 个字', '拼音：yínháng', '以“银”开头']);
    expect(buildHints('cattle', 'en')).toEqual(['6 个字母', '以“c”开头']);
  });
});

describe('the compact CC-CEDICT dictionary', () => {
  it('keeps per-character defaults and only the words that differ from them', () => {
    const d = buildCompactDict([
      ['乾', '干', 'gan1'],
      ['乾淨', '干净', 'gan1 jing4'],
      ['乾', '乾', 'Qian2'],
      ['乾坤', '乾坤', 'qian2 kun1'],
      ['行', '行', 'xing2'],
      ['行走', '行走', 'xing2 zou3'],
      ['銀行', '银行', 'yin2 hang2'],
      ['淨', '净', 'jing4'],
    ]);
    expect(d.chars.乾).toBe('干');
    expect(d.words).toEqual({ 乾坤: '乾坤' });
    expect(d.wordPinyin).toEqual({ 银行: 'yin2 hang2' }); // 乾坤 follows from its characters' readings
    const dict = chineseDict(d);
    expect(dict.toSimplified('乾淨')).toBe('干净');
    expect(dict.toSimplified('乾坤')).toBe('乾坤');
    expect(dict.pinyin('行走')).toBe('xing2 zou3');
    expect(dict.pinyin('银行')).toBe('yin2 hang2');
    expect(dict.pinyin('未知')).toBeNull();
  });
});
