import { describe, expect, it } from 'vitest';
import { formatReading, markIndex, markSyllable, parseReading, zhuyinSyllable } from '@/models/shared/text/pinyin';

describe('tone marks from numbered pinyin', () => {
  it('puts the mark on a or e first, on the o of ou, else on the last vowel', () => {
    expect(['hao3', 'mei2', 'gou3', 'liu4', 'gui4', 'shuo1', 'xue2', 'jiong3', 'zhuang4', 'lüe4'].map(markSyllable)).toEqual([
      'hǎo',
      'méi',
      'gǒu',
      'liù',
      'guì',
      'shuō',
      'xué',
      'jiǒng',
      'zhuàng',
      'lüè',
    ]);
    expect(markIndex('shuai')).toBe(3);
  });

  it('reads ü however it is typed: CC-CEDICT "u:", "v", or ü itself', () => {
    expect(['lu:4', 'nu:3', 'lv4', 'nu:e4', 'Lu:3', 'lü2'].map(markSyllable)).toEqual(['lǜ', 'nǚ', 'lǜ', 'nüè', 'Lǚ', 'lǘ']);
  });

  it('writes the neutral tone without a mark', () => {
    expect(formatReading('ma1 ma5')).toBe('mā ma');
    expect(formatReading('shi2 hou5')).toBe('shí hou');
  });

  it('keeps the capital of proper names and marks it', () => {
    expect(formatReading('Ou1 yang2')).toBe('Ōu yáng');
    expect(formatReading('Er4 lian2')).toBe('Èr lián');
    expect(formatReading('Zhong1 guo2')).toBe('Zhōng guó');
  });

  it('writes erhua onto the syllable before it', () => {
    expect(formatReading('yi1 dian3 r5')).toBe('yī diǎnr');
    expect(formatReading('yi1 dian3 r5', 'zhuyin')).toBe('ㄧ ㄉㄧㄢˇㄦ');
    expect(formatReading('yi1 dian3 r5', 'numbers')).toBe('yi1 dian3 r5');
    expect(parseReading('yi1 dian3 r5').map((s) => s.joined)).toEqual([false, false, true]);
  });

  it('marks syllables without vowels on their m or n', () => {
    expect(['m2', 'n4', 'ng3', 'hm5'].map(markSyllable)).toEqual(['ḿ', 'ǹ', 'ňg', 'hm']);
  });

  it('keeps tokens that are not syllables and shows unknown readings as "?"', () => {
    expect(formatReading('T xu4')).toBe('T xù');
    expect(formatReading('yi1 ma3 dang1 xian1 , wan4 ma3 ben1 teng2')).toBe('yī mǎ dāng xiān , wàn mǎ bēn téng');
    expect(formatReading('A1 la1 · Bo2')).toBe('Ā lā · Bó');
    expect(parseReading('xx5 ren2').map((s) => [s.marked, s.tone])).toEqual([
      ['?', null],
      ['rén', 2],
    ]);
    expect(markSyllable('hello')).toBeNull();
  });

  it('gives each syllable its tone for colouring, null for other tokens', () => {
    expect(parseReading('ni3 hao3 , ma5').map((s) => s.tone)).toEqual([3, 3, null, 5]);
    expect(formatReading('  ')).toBe('');
  });
});

describe('zhuyin from numbered pinyin', () => {
  const zy = (s: string) => zhuyinSyllable(s);
  it('spells initials and finals, the y/w spellings undone', () => {
    expect(['zhong1', 'guo2', 'yi1', 'you3', 'yong4', 'yuan2', 'wu3', 'wei4', 'wen2', 'weng1'].map(zy)).toEqual([
      'ㄓㄨㄥ',
      'ㄍㄨㄛˊ',
      'ㄧ',
      'ㄧㄡˇ',
      'ㄩㄥˋ',
      'ㄩㄢˊ',
      'ㄨˇ',
      'ㄨㄟˋ',
      'ㄨㄣˊ',
      'ㄨㄥ',
    ]);
  });

  it('restores the abbreviated finals iu, ui, un and the ü after j, q, x', () => {
    expect(['liu2', 'gui4', 'dun4', 'xun2', 'ju4', 'que4', 'lu:4', 'nu:e4', 'jiong3'].map(zy)).toEqual([
      'ㄌㄧㄡˊ',
      'ㄍㄨㄟˋ',
      'ㄉㄨㄣˋ',
      'ㄒㄩㄣˊ',
      'ㄐㄩˋ',
      'ㄑㄩㄝˋ',
      'ㄌㄩˋ',
      'ㄋㄩㄝˋ',
      'ㄐㄩㄥˇ',
    ]);
  });

  it('writes zhi chi shi ri zi ci si with their initial alone', () => {
    expect(['zhi1', 'chi1', 'shi4', 'ri4', 'zi4', 'ci2', 'si4'].map(zy)).toEqual(['ㄓ', 'ㄔ', 'ㄕˋ', 'ㄖˋ', 'ㄗˋ', 'ㄘˊ', 'ㄙˋ']);
  });

  it('puts the neutral-tone dot before the syllable and no sign on the first tone', () => {
    expect(zy('ma5')).toBe('˙ㄇㄚ');
    expect(zy('ma1')).toBe('ㄇㄚ');
    expect(formatReading('ni3 hao3 ma5', 'zhuyin')).toBe('ㄋㄧˇ ㄏㄠˇ ˙ㄇㄚ');
  });

  it('spells er, interjections without vowels, and refuses what is not a syllable', () => {
    expect(['er2', 'm2', 'ng2', 'hng5'].map(zy)).toEqual(['ㄦˊ', 'ㄇˊ', 'ㄫˊ', '˙ㄏㄫ']);
    expect(zy('xyz1')).toBeNull();
    expect(zy('ma')).toBeNull();
    expect(formatReading('K ge1', 'zhuyin')).toBe('K ㄍㄜ');
  });
});
