import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { defaultLayerWeights, lastLayerOnly, mixLayers, softmax } from '@/models/host/tools/sense/layer-mix';
import { accuracy, cosinesFor, fitLayerWeights, fitThreshold, layerCosines, pairGrams, parseWic, rocAuc, wordSpan } from '@/models/host/tools/sense/wic';
import { seededRandom } from '@/models/host/tools/cloze/cloze-blanks';

const word = (t: { text: string; start: number; end: number }) => t.text.slice(t.start, t.end);

describe('parsing WiC', () => {
  it('reads the i-j index format and maps token indices to character offsets', () => {
    const data = 'bank\tN\t4-1\tShe went to the bank to pay .\tThe bank   closed .\nplay\tV\t1-0\tWe play chess .\tPlayed well !\n';
    const pairs = parseWic(data, 'T\nF\n');
    expect(pairs).toHaveLength(2);
    expect(pairs[0]).toMatchObject({ lemma: 'bank', pos: 'N', same: true, a: { start: 16, end: 20 }, b: { start: 4, end: 8 } });
    expect(pairs.map((p) => [word(p.a), word(p.b)])).toEqual([
      ['bank', 'bank'],
      ['play', 'Played'],
    ]);
    expect(pairs[1]!.same).toBe(false);
  });

  it('accepts one index for both sentences, CRLF, a BOM, blank lines and punctuation stuck to the word', () => {
    const data = '\uFEFFlight\tN\t2\tThe red light, again.\tA soft light fell .\r\n\r\n';
    const [pair] = parseWic(data, 'f\r\n');
    expect(word(pair!.a)).toBe('light');
    expect(word(pair!.b)).toBe('light');
    expect(pair!.a).toMatchObject({ start: 8, end: 13 });
    expect(pair!.same).toBe(false);
    expect(wordSpan('«bank»', 0)).toEqual({ start: 1, end: 5 });
    expect(wordSpan('a ... b', 1)).toEqual({ start: 2, end: 5 });
    // UTF-16 offsets: the emoji counts two.
    expect(wordSpan('😀 bank', 1)).toEqual({ start: 3, end: 7 });
  });

  it('rejects mismatched gold, bad labels, bad indices and short lines', () => {
    const line = 'bank\tN\t0-0\tbank one\tbank two';
    expect(() => parseWic(`${line}\n${line}\n`, 'T\n', 'dev')).toThrow('dev: 1 gold labels for 2 pairs');
    expect(() => parseWic(line, 'yes')).toThrow(/expected T or F/);
    expect(() => parseWic(line.replace('0-0', '0-5'), 'T')).toThrow(/line 1: token 5 is out of range \(2 tokens\)/);
    expect(() => parseWic(line.replace('0-0', 'x'), 'T')).toThrow(/bad index field/);
    expect(() => parseWic('bank\tN\t0-0\tbank', 'T')).toThrow(/5 tab-separated fields/);
  });

  it('parses the fixture splits, every target a form of the lemma', () => {
    for (const [split, n] of [
      ['train', 12],
      ['dev', 8],
      ['test', 8],
    ] as const) {
      const dir = `tests/fixtures/wic/${split}/${split}`;
      const pairs = parseWic(readFileSync(`${dir}.data.txt`, 'utf8'), readFileSync(`${dir}.gold.txt`, 'utf8'), split);
      expect(pairs).toHaveLength(n);
      expect(pairs.filter((p) => p.same)).toHaveLength(n / 2);
      const stem = (s: string) => s[0]!.toLowerCase(); // ran · run, lit · light
      for (const p of pairs) for (const t of [p.a, p.b]) expect(stem(word(t))).toBe(stem(p.lemma));
    }
  });
});

describe('threshold decision', () => {
  it('finds the separating threshold', () => {
    const fit = fitThreshold([0.9, 0.1, 0.8, 0.3, 0.7], [true, false, true, false, true]);
    expect(fit.accuracy).toBe(1);
    expect(fit.threshold).toBeCloseTo(0.5, 10);
    expect(accuracy([0.9, 0.1, 0.8, 0.3, 0.7], [true, false, true, false, true], fit.threshold)).toBe(1);
  });

  it('breaks ties deterministically: the lowest best gap, whatever the input order', () => {
    const scores = [0.1, 0.2, 0.3, 0.4];
    const labels = [false, true, false, true];
    expect(fitThreshold(scores, labels)).toEqual({ threshold: 0.15000000000000002, accuracy: 0.75 });
    expect(fitThreshold([...scores].reverse(), [...labels].reverse())).toEqual(fitThreshold(scores, labels));
    // Equal scores decide together.
    expect(fitThreshold([0.5, 0.5, 0.2], [true, false, false])).toEqual({ threshold: 0.35, accuracy: 2 / 3 });
  });

  it('handles the ends: all same, all different, no pairs', () => {
    expect(fitThreshold([0.2, 0.4], [true, true])).toMatchObject({ accuracy: 1 });
    expect(accuracy([0.2, 0.4], [true, true], fitThreshold([0.2, 0.4], [true, true]).threshold)).toBe(1);
    const none = fitThreshold([0.2, 0.4], [false, false]);
    expect(none.threshold).toBeGreaterThan(0.4);
    expect(accuracy([0.2, 0.4], [false, false], none.threshold)).toBe(1);
    expect(fitThreshold([], [])).toEqual({ threshold: 0, accuracy: 0 });
    expect(() => fitThreshold([0.1], [])).toThrow();
  });

  it('computes accuracy with ≥ and the ROC AUC with ties counted half', () => {
    expect(accuracy([0.5, 0.4], [true, false], 0.5)).toBe(1);
    expect(accuracy([0.5, 0.4], [false, true], 0.5)).toBe(0);
    expect(rocAuc([0.9, 0.1, 0.8, 0.3], [true, false, true, false])).toBe(1);
    expect(rocAuc([0.1, 0.9], [true, false])).toBe(0);
    expect(rocAuc([0.5, 0.5], [true, false])).toBe(0.5);
  });
});

/** Deterministic uniform numbers in [-1, 1) (mulberry32: cloze-blanks.ts `seededRandom`, scaled). */
function random(seed: number): () => number {
  const next = seededRandom(seed);
  return () => 2 * next() - 1;
}

const cos = (x: Float32Array, y: Float32Array) => x.reduce((s, v, j) => s + v * y[j]!, 0);

describe('layer weights from the Gram matrices', () => {
  const rnd = random(7);
  const vec = (width: number, scale = 1) => Float32Array.from({ length: width }, () => scale * rnd());

  it('gives the cosine of mixLayers and lastLayerOnly vectors', () => {
    const a = Array.from({ length: 4 }, (_, i) => vec(6, i + 1));
    const b = Array.from({ length: 4 }, () => vec(6));
    const g = [pairGrams(a, b)];
    const weights = [0.3, -1, 2, 0.5];
    expect(cosinesFor(g, weights)[0]).toBeCloseTo(cos(mixLayers(a, { weights }), mixLayers(b, { weights })), 5);
    expect(cosinesFor(g, defaultLayerWeights(4))[0]).toBeCloseTo(cos(mixLayers(a), mixLayers(b)), 5);
    expect(layerCosines(g, 3)[0]).toBeCloseTo(cos(lastLayerOnly(a), lastLayerOnly(b)), 5);
    expect(() => pairGrams(a, b.slice(1))).toThrow();
  });

  it('fits weights that put most mass on the one informative layer and beat the default', () => {
    // Five hidden states; layer 1 tells same from different sense but is small next to the
    // loud noise of the others, which the default mix (peaking at layer 3) mostly listens to.
    const informative = 1;
    const grams = [];
    const labels = [];
    for (let p = 0; p < 60; p++) {
      const same = p % 2 === 0;
      const sense = vec(16, 0.3);
      const a = [];
      const b = [];
      for (let l = 0; l < 5; l++) {
        if (l === informative) {
          const other = same ? sense : vec(16, 0.3);
          a.push(sense.map((x) => x + 0.05 * rnd()));
          b.push(other.map((x) => x + 0.05 * rnd()));
        } else {
          a.push(vec(16));
          b.push(vec(16));
        }
      }
      grams.push(pairGrams(a, b));
      labels.push(same);
    }
    const start = defaultLayerWeights(5);
    const before = fitThreshold(cosinesFor(grams, start), labels).accuracy;
    const fit = fitLayerWeights(grams, labels, { start });
    const shares = softmax(fit.weights);
    expect(shares.indexOf(Math.max(...shares))).toBe(informative);
    expect(shares[informative]).toBeGreaterThan(0.5);
    expect(fit.accuracy).toBe(1);
    expect(fit.accuracy).toBeGreaterThan(before + 0.15);
    expect(fit.auc).toBe(1);
    expect(fitThreshold(cosinesFor(grams, fit.weights), labels)).toEqual({ threshold: fit.threshold, accuracy: fit.accuracy });
    // Same data, same answer.
    expect(fitLayerWeights(grams, labels, { start }).weights).toEqual(fit.weights);
  });
});
