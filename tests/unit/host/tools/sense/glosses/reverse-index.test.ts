import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ShardLoader } from '@/models/host/tools/sense/glosses/types';
import {
  CEDICT_REVERSE_SHARDS,
  EXACT,
  englishKeys,
  isCedictReverseShard,
  itemKey,
  lookupEquivalents,
  PARTIAL,
  reverseShard,
} from '@/models/host/tools/sense/glosses/reverse-index';
import { buildCedictReverseShards, cedictReverseAssets, cedictReverseDir } from '../../../../../../scripts/cedict-reverse-asset';

const inMemory =
  (shards: Record<string, unknown>): ShardLoader =>
  async (name) =>
    shards[name];
const words = (list: { headword: string }[]) => list.map((g) => g.headword);

describe('English keys of a CC-CEDICT definition', () => {
  it('keys each item, labels, pinyin and a leading "to" dropped', () => {
    expect(itemKey('(bound form) to walk')).toBe('walk');
    expect(itemKey('CL:家[jia1]')).toBeNull();
    expect(itemKey('variant of 乾|干[gan1]')).toBeNull();
    expect(englishKeys('bank; shore; (literary) coast')).toEqual([
      { key: 'bank', kind: EXACT },
      { key: 'shore', kind: EXACT },
      { key: 'coast', kind: EXACT },
    ]);
  });

  it('keys a short phrase exactly and its content words partially, a description not at all', () => {
    expect(englishKeys('river bank')).toEqual([
      { key: 'river bank', kind: EXACT },
      { key: 'river', kind: PARTIAL },
      { key: 'bank', kind: PARTIAL },
    ]);
    expect(englishKeys('to put money into the bank account')).toEqual([]);
    expect(englishKeys('surname Xing')).toEqual([]);
  });

  it('spreads keys over the shards', () => {
    const used = new Set(['bank', 'walk', 'model', 'run', 'house', 'tree', 'water', 'fire', 'car', 'road'].map(reverseShard));
    expect(used.size).toBeGreaterThan(5);
    expect(reverseShard('bank')).toMatch(/^\d\d$/);
  });
});

describe('Chinese equivalents of an English word (hand-made dictionary)', () => {
  const entries: [string, string, string, string | string[]][] = [
    ['河岸', '河岸', 'he2 an4', 'river bank'],
    ['澨', '澨', 'shi4', 'bank'],
    ['銀行', '银行', 'yin2 hang2', 'bank'],
    ['岸', '岸', 'an4', ['bank; shore; beach; coast', 'lofty']],
    ['存', '存', 'cun2', ['to exist', 'to deposit; to bank']],
    ['司馬', '司马', 'Si1 ma3', 'Bank (name)'],
  ];
  const counts = new Map([
    ['银行', 5000],
    ['岸', 800],
    ['河岸', 50],
    ['存', 900],
  ]);
  const shards = buildCedictReverseShards(entries, counts);
  const lookup = (w: string) => lookupEquivalents(w, inMemory(shards));

  it('lists exact matches before partial ones, words in use before unseen ones, main senses first, then frequency', async () => {
    // 岸 (main sense) before the more frequent 存 (a later sense); 存 (in use) before 澨 (never seen).
    expect(words(await lookup('bank'))).toEqual(['银行', '岸', '存', '澨', '河岸']);
    const found = await lookup('bank');
    expect(found.map((g) => g.match)).toEqual(['exact', 'exact', 'exact', 'exact', 'partial']);
    expect(found[0]).toMatchObject({ source: 'cc-cedict', headword: '银行', traditional: '銀行', reading: 'yin2 hang2', text: 'bank' });
    expect(found[1]).toMatchObject({ traditional: '岸', text: 'bank; shore; beach; coast' });
  });

  it('finds inflected forms by their base form, and leaves proper names out', async () => {
    expect(words(await lookup('Banks'))).toEqual(words(await lookup('bank')));
    expect(words(await lookup('bank')).includes('司马')).toBe(false);
    expect(await lookup('constructor')).toEqual([]);
    expect(await lookup('  ')).toEqual([]);
  });

  it('rejects a damaged shard with a clear message', async () => {
    expect(isCedictReverseShard({ v: 1, w: { bank: [['银行', '', 'yin2 hang2', 'bank', 7]] } })).toBe(false);
    const broken = Object.fromEntries(Object.keys(shards).map((k) => [k, { v: 1, w: { bank: 'x' } }]));
    await expect(lookupEquivalents('bank', inMemory(broken))).rejects.toThrow(/CC-CEDICT reverse index asset is damaged/);
  });
});

describe('the shipped reverse index, built from cc-cedict', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await cedictReverseDir();
  }, 120_000);
  const fromDisk: ShardLoader = async (name) => JSON.parse(readFileSync(join(dir, `${name}.json`), 'utf8')) as unknown;

  it('is sharded into small files under cedict-reverse/', async () => {
    const sizes = readdirSync(dir).map((f) => statSync(join(dir, f)).size);
    expect(sizes).toHaveLength(CEDICT_REVERSE_SHARDS);
    expect(Math.max(...sizes)).toBeLessThan(512 * 1024);
    expect(sizes.reduce((a, b) => a + b, 0)).toBeLessThan(14 * 1024 * 1024);
    expect((await cedictReverseAssets())[0]?.relativeDest).toBe('cedict-reverse/00.json');
  });

  it('gives the everyday words first', async () => {
    expect(words(await lookupEquivalents('bank', fromDisk)).slice(0, 2)).toEqual(['银行', '岸']);
    expect(words(await lookupEquivalents('computer', fromDisk)).slice(0, 2)).toEqual(['电脑', '计算机']);
    expect(words(await lookupEquivalents('beautiful', fromDisk))).toContain('美丽');
  });
});
