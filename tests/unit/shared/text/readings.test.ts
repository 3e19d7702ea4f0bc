import { describe, expect, it } from 'vitest';
import { chooseReading, type ReadingSense } from '@/models/shared/text/readings';

let n = 0;
const sense = (reading: string, text: string): ReadingSense => ({ id: `s${++n}`, reading, text });

// 行 as CC-CEDICT files it: the usual reading's entries first, then the others, the surname,
// and a reading that belongs to another word.
const xing = [sense('xing2', 'to walk; to go'), sense('xing2', 'capable; competent')];
const hang = [sense('hang2', 'row; line'), sense('hang2', '(bound form) line of business; trade; profession')];
const 行 = [...xing, ...hang, sense('Xing2', 'surname Xing'), sense('heng2', 'used in 道行[dao4 heng2]')];

describe('choosing the reading of a Chinese word', () => {
  it("takes a word's own reading when its entries agree, with the characters' other readings not shown", () => {
    expect(chooseReading([sense('yin2 hang2', 'bank')], null)).toEqual({ reading: 'yin2 hang2', by: 'word', others: [] });
  });

  it('takes the reading of the sense the context ranks best', () => {
    const ranked = [
      { id: hang[1]!.id, score: 0.8 },
      { id: xing[0]!.id, score: 0.2 },
      { id: xing[1]!.id, score: 0 },
    ];
    expect(chooseReading(行, ranked)).toEqual({ reading: 'hang2', by: 'context', others: ['xing2', 'heng2'] });
    const walking = [
      { id: xing[0]!.id, score: 0.5 },
      { id: hang[0]!.id, score: 0.1 },
    ];
    expect(chooseReading(行, walking)?.reading).toBe('xing2');
  });

  it('keeps the usual reading when the context ranks no reading above the others', () => {
    expect(chooseReading(行, null)).toMatchObject({ reading: 'xing2', by: 'dictionary' });
    const tied = [
      { id: xing[1]!.id, score: 0.3 },
      { id: hang[0]!.id, score: 0.3 },
    ];
    expect(chooseReading(行, tied)).toMatchObject({ reading: 'xing2', by: 'dictionary' });
    const nothing = 行.map((s) => ({ id: s.id, score: 0 }));
    expect(chooseReading(行, nothing)).toMatchObject({ reading: 'xing2', by: 'dictionary' });
    expect(chooseReading(行, [{ id: hang[0]!.id, score: Number.NaN }])).toMatchObject({ by: 'dictionary' });
  });

  it("does not read a word by a surname's or another word's reading, even when that sense ranks first", () => {
    const ranked = [
      { id: 行[5]!.id, score: 0.9 },
      { id: 行[4]!.id, score: 0.8 },
      { id: hang[0]!.id, score: 0.1 },
    ];
    expect(chooseReading(行, ranked)).toMatchObject({ reading: 'hang2', by: 'context' });
  });

  it('uses a name reading when the word has nothing else', () => {
    expect(chooseReading([sense('Chong2 qing4', 'Chongqing municipality')], null)).toMatchObject({ reading: 'Chong2 qing4', by: 'word' });
  });

  it("falls back to the characters' readings for a word the dictionary lacks, and to nothing", () => {
    expect(chooseReading([], null, 'mo2 xing2 hua4')).toEqual({ reading: 'mo2 xing2 hua4', by: 'characters', others: [] });
    expect(chooseReading([], null)).toBeNull();
    expect(chooseReading([{ id: 'x', text: 'no reading' }], null)).toBeNull();
  });

  it('compares readings without case', () => {
    const 长 = [sense('chang2', 'long'), sense('zhang3', 'chief; head'), sense('Chang2', 'surname Chang')];
    expect(chooseReading(长, [{ id: 长[1]!.id, score: 1 }])).toEqual({ reading: 'zhang3', by: 'context', others: ['chang2'] });
  });
});
