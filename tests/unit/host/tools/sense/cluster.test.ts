import { describe, expect, it } from 'vitest';
import { clusterSenses, cosineMatrix, labelClusters, silhouette } from '@/models/host/tools/sense/cluster';
import { seededRandom } from '@/models/host/tools/cloze/cloze-blanks';

/** `n` vectors of width `dim` scattered by `noise` around `centre`. */
function around(centre: number[], n: number, noise: number, random: () => number): Float32Array[] {
  return Array.from({ length: n }, () => Float32Array.from(centre, (c) => c + (random() - 0.5) * 2 * noise));
}

const axis = (dim: number, i: number, shared = 0) => Array.from({ length: dim }, (_, j) => (j === i ? 1 : shared));

describe('clusterSenses', () => {
  it('separates two clear groups and covers every occurrence exactly once', () => {
    const random = seededRandom(7);
    const a = around(axis(16, 0), 5, 0.1, random);
    const b = around(axis(16, 1), 4, 0.1, random);
    // Interleaved, as uses of two senses would be on a page.
    const vectors = [a[0]!, b[0]!, a[1]!, a[2]!, b[1]!, b[2]!, a[3]!, b[3]!, a[4]!];
    const groupOf = [0, 1, 0, 0, 1, 1, 0, 1, 0];
    const result = clusterSenses(vectors);
    expect(result.rule).toBe('silhouette');
    expect(result.clusters).toHaveLength(2);
    expect(result.silhouette).toBeGreaterThan(0.5);
    expect(result.clusters.flat().sort((x, y) => x - y)).toEqual(vectors.map((_, i) => i));
    for (const cluster of result.clusters) {
      expect(new Set(cluster.map((i) => groupOf[i])).size).toBe(1);
    }
    result.assignment.forEach((c, i) => expect(result.clusters[c]).toContain(i));
  });

  it('finds three senses when there are three', () => {
    const random = seededRandom(3);
    const vectors = [0, 1, 2].flatMap((g) => around(axis(12, g), 4, 0.1, random));
    const result = clusterSenses(vectors);
    expect(result.clusters).toEqual([
      [0, 1, 2, 3],
      [4, 5, 6, 7],
      [8, 9, 10, 11],
    ]);
  });

  it('returns one cluster when all uses agree', () => {
    // A strong shared direction (the word itself) with small per-use variation.
    const vectors = around(axis(32, 0, 0.3), 10, 0.05, seededRandom(11));
    const result = clusterSenses(vectors);
    expect(result.clusters).toEqual([vectors.map((_, i) => i)]);
    expect(result.assignment.every((c) => c === 0)).toBe(true);
    expect(['agreement', 'no-structure']).toContain(result.rule);
  });

  it('finds no structure in an isotropic cloud even below the agreement threshold', () => {
    const vectors = around(new Array(24).fill(0), 12, 1, seededRandom(5));
    const result = clusterSenses(vectors, { agreeCosine: 1.1 });
    expect(result.rule).toBe('no-structure');
    expect(result.clusters).toHaveLength(1);
  });

  it('keeps one or two uses together', () => {
    expect(clusterSenses([]).clusters).toEqual([]);
    const two = clusterSenses([Float32Array.of(1, 0), Float32Array.of(0, 1)]);
    expect(two).toMatchObject({ clusters: [[0, 1]], rule: 'too-few' });
  });

  it('is deterministic, whatever the order the same vectors arrive in', () => {
    const random = seededRandom(19);
    const vectors = [...around(axis(8, 0), 4, 0.2, random), ...around(axis(8, 1), 4, 0.2, random)];
    const first = clusterSenses(vectors);
    expect(clusterSenses(vectors)).toEqual(first);
    const reversed = clusterSenses([...vectors].reverse());
    const back = reversed.clusters.map((c) => c.map((i) => vectors.length - 1 - i).sort((x, y) => x - y));
    expect(back.sort((x, y) => x[0]! - y[0]!)).toEqual(first.clusters);
  });

  it('breaks exact ties towards the lowest indices', () => {
    const v = [Float32Array.of(1, 0), Float32Array.of(1, 0), Float32Array.of(1, 0), Float32Array.of(0, 1), Float32Array.of(0, 1)];
    expect(clusterSenses(v).clusters).toEqual([
      [0, 1, 2],
      [3, 4],
    ]);
  });
});

describe('silhouette', () => {
  it('is 1 for perfectly separated identical points and 0 for singletons', () => {
    const sim = cosineMatrix([Float32Array.of(1, 0), Float32Array.of(1, 0), Float32Array.of(0, 1), Float32Array.of(0, 1)]);
    expect(silhouette(sim, [0, 0, 1, 1], 2)).toBeCloseTo(1, 6);
    expect(silhouette(sim, [0, 1, 2, 3], 4)).toBe(0);
    expect(silhouette(sim, [0, 1, 0, 1], 2)).toBeLessThan(0);
  });
});

describe('labelClusters', () => {
  const substitutes = [
    ['lender', 'branch', 'firm'],
    ['shore', 'side', 'edge'],
    ['branch', 'lender', 'office'],
    ['side', 'shore', 'slope'],
    ['lender', 'office', 'branch'],
  ];

  it('labels each sense by the substitutes its members share, largest sense first', () => {
    const labels = labelClusters(
      [
        [1, 3],
        [0, 2, 4],
      ],
      substitutes,
    );
    expect(labels.map((l) => l.members)).toEqual([
      [0, 2, 4],
      [1, 3],
    ]);
    // "lender" and "branch" appear in all three lists; "lender" ranks higher on average.
    expect(labels[0]!.label).toEqual(['lender', 'branch', 'office']);
    expect(labels[1]!.label).toEqual(['shore', 'side', 'edge']);
    expect(labels.every((l) => !l.selected)).toBe(true);
  });

  it('marks the cluster holding the selected occurrence', () => {
    const labels = labelClusters(
      [
        [0, 2, 4],
        [1, 3],
      ],
      substitutes,
      { selected: 3 },
    );
    expect(labels.map((l) => l.selected)).toEqual([false, true]);
  });

  it('does not head two senses with the same word when another is available', () => {
    const labels = labelClusters(
      [
        [0, 1, 2],
        [3, 4],
      ],
      [['money'], ['money'], ['money'], ['money', 'cash'], ['money', 'cash']],
      { size: 2 },
    );
    expect(labels[0]!.label[0]).toBe('money');
    expect(labels[1]!.label).toEqual(['cash', 'money']);
  });

  it('counts a substitute once per member, ignoring case, and keeps its written form', () => {
    const labels = labelClusters([[0, 1]], [['Ufer', 'ufer', 'Hang'], ['hang']]);
    expect(labels[0]!.label).toEqual(['Hang', 'Ufer']);
  });
});
