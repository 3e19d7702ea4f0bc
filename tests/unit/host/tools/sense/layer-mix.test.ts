import { describe, expect, it } from 'vitest';
import { defaultLayerWeights, l2Normalize, lastLayerOnly, meanRows, mixLayers, softmax } from '@/models/host/tools/sense/layer-mix';
import { paddingBuckets, substituteVectors } from '@/models/host/tools/sense/embed';

const norm = (v: Float32Array) => Math.hypot(...v);

describe('layer mix', () => {
  it('weights the middle-upper layers most by default and the embeddings least', () => {
    const w = softmax(defaultLayerWeights(13));
    expect(w.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 10);
    const top = w.indexOf(Math.max(...w));
    expect(top === 8 || top === 9).toBe(true);
    expect(w[0]).toBeLessThan(0.01);
    expect(w[0]).toBeLessThan(w[12]!);
    expect(w[12]).toBeLessThan(w[9]!);
  });

  it('is the softmax-weighted sum, normalised to unit length', () => {
    const layers = [Float32Array.of(1, 0, 0), Float32Array.of(0, 2, 0), Float32Array.of(0, 0, 4)];
    const weights = [0, Math.log(2), Math.log(5)];
    // softmax → 1/8, 2/8, 5/8
    const raw = mixLayers(layers, { weights, gamma: 2, normalize: false });
    expect([...raw].map((x) => +x.toFixed(6))).toEqual([0.25, 1, 5]);
    const unit = mixLayers(layers, { weights, gamma: 2 });
    expect(norm(unit)).toBeCloseTo(1, 6);
    const scale = Math.hypot(0.25, 1, 5);
    expect([...unit].map((x) => +x.toFixed(5))).toEqual([0.25 / scale, 1 / scale, 5 / scale].map((x) => +x.toFixed(5)));
    // γ cancels under normalisation.
    expect(mixLayers(layers, { weights, gamma: 7 })).toEqual(unit);
  });

  it('equal weights average the layers', () => {
    const layers = [Float32Array.of(2, 0), Float32Array.of(0, 2)];
    expect([...mixLayers(layers, { weights: [0, 0], normalize: false })]).toEqual([1, 1]);
  });

  it('takes the last layer alone for the ablation without touching the input', () => {
    const last = Float32Array.of(3, 4);
    const out = lastLayerOnly([Float32Array.of(1, 1), last]);
    expect([...out].map((x) => +x.toFixed(6))).toEqual([0.6, 0.8]);
    expect([...last]).toEqual([3, 4]);
  });

  it('refuses mismatched weights and empty input', () => {
    expect(() => mixLayers([])).toThrow();
    expect(() => mixLayers([Float32Array.of(1)], { weights: [1, 2] })).toThrow(/2 weights for 1/);
    expect(() => mixLayers([Float32Array.of(1), Float32Array.of(1, 2)], { weights: [0, 0] })).toThrow(/width/);
  });

  it('means the rows of a word piece span', () => {
    const data = Float32Array.of(1, 2, 3, 4, 5, 6, 7, 8); // 4 rows of width 2
    expect([...meanRows(data, 2, 1, 3)]).toEqual([4, 5]);
    expect(() => meanRows(data, 2, 2, 2)).toThrow();
  });

  it('leaves a zero vector zero', () => {
    expect([...l2Normalize(new Float32Array(3))]).toEqual([0, 0, 0]);
  });
});

describe('padding buckets', () => {
  it('groups similar lengths, keeps every index once, and is stable', () => {
    const lengths = [30, 5, 12, 5, 40, 11, 6];
    const buckets = paddingBuckets(lengths, 3);
    expect(buckets).toEqual([[1, 3, 6], [5, 2, 0], [4]]);
    expect(paddingBuckets([], 4)).toEqual([]);
  });

  it('cuts a bucket sooner where its lengths would add up past a budget, one length at least', () => {
    const lengths = [30, 5, 12, 5, 40, 11, 6];
    expect(paddingBuckets(lengths, 10, 30)).toEqual([[1, 3, 6, 5], [2], [0], [4]]);
    expect(paddingBuckets(lengths, 10).flat().sort()).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });
});

describe('substitute vectors', () => {
  const logs = (...p: number[]) => Float32Array.from(p, Math.log);

  it('compares uses by their predicted substitutes over the union of each top-k', () => {
    const rows = [[logs(0.7, 0.2, 0.05, 0.05)], [logs(0.6, 0.3, 0.05, 0.05)], [logs(0.05, 0.05, 0.2, 0.7)]];
    const v = substituteVectors(rows, 2);
    // Top-2 ids: {0,1}, {0,1}, {3,2} → union [0,1,2,3].
    expect(v.map((x) => x.length)).toEqual([4, 4, 4]);
    const cos = (a: Float32Array, b: Float32Array) => a.reduce((s, x, i) => s + x * b[i]!, 0);
    expect(cos(v[0]!, v[1]!)).toBeGreaterThan(0.95);
    expect(cos(v[0]!, v[2]!)).toBeLessThan(0.3);
    expect(norm(v[2]!)).toBeCloseTo(1, 6);
  });

  it('concatenates one block per mask (Chinese words) and is empty without masks', () => {
    const v = substituteVectors(
      [
        [logs(0.9, 0.1), logs(0.1, 0.9)],
        [logs(0.9, 0.1), logs(0.9, 0.1)],
      ],
      1,
    );
    expect(v[0]).toHaveLength(3);
    expect(substituteVectors([[], []])).toEqual([new Float32Array(0), new Float32Array(0)]);
  });
});
