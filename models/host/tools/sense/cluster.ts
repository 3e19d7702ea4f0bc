// Grouping a word's occurrence vectors into senses: cosine similarity, average-linkage
// agglomerative clustering, the number of senses chosen by silhouette. Deterministic: no random
// starts, and ties always go to the lowest indices.

export interface ClusterOptions {
  /** Most senses to consider (capped at n - 1). */
  maxClusters?: number;
  /** Below this best average silhouette the uses count as one sense. */
  minSilhouette?: number;
  /** At or above this average cosine between the two top-level groups the uses count as one sense. */
  agreeCosine?: number;
}

export interface Clustering {
  /** Occurrence indices per cluster, each ascending; clusters ordered by their first member. */
  clusters: number[][];
  /** Cluster index of every occurrence. */
  assignment: number[];
  /** Average silhouette of the chosen split (null when a single cluster was returned). */
  silhouette: number | null;
  /** Why this many clusters. */
  rule: 'too-few' | 'agreement' | 'no-structure' | 'silhouette';
}

export const DEFAULT_CLUSTER_OPTIONS: Required<ClusterOptions> = {
  maxClusters: 6,
  // Kaufman & Rousseeuw read an average silhouette of 0.25 or less as "no substantial structure".
  minSilhouette: 0.25,
  // Silhouette alone splits any cloud when n is small; uses whose most different groups are
  // still this similar read as paraphrases of one sense.
  agreeCosine: 0.92,
};

export function clusterSenses(vectors: readonly Float32Array[], options: ClusterOptions = {}): Clustering {
  const o = { ...DEFAULT_CLUSTER_OPTIONS, ...options };
  const n = vectors.length;
  const one = (rule: Clustering['rule']): Clustering => ({
    clusters: n > 0 ? [Array.from({ length: n }, (_, i) => i)] : [],
    assignment: new Array<number>(n).fill(0),
    silhouette: null,
    rule,
  });
  if (n < 3) return one('too-few');

  const sim = cosineMatrix(vectors);
  const merges = averageLinkage(sim);
  const top = merges.at(-1)!;
  if (top.similarity >= o.agreeCosine) return one('agreement');

  let best: { k: number; score: number; assignment: number[] } | null = null;
  for (let k = 2; k <= Math.min(o.maxClusters, n - 1); k++) {
    const assignment = cut(merges, n, k);
    const score = silhouette(sim, assignment, k);
    if (!best || score > best.score + 1e-12) best = { k, score, assignment };
  }
  if (!best || best.score < o.minSilhouette) return one('no-structure');
  return { clusters: groups(best.assignment, best.k), assignment: best.assignment, silhouette: best.score, rule: 'silhouette' };
}

export function cosineMatrix(vectors: readonly Float32Array[]): Float64Array[] {
  const norms = vectors.map((v) => Math.sqrt(dot(v, v)) || 1);
  return vectors.map((a, i) => Float64Array.from(vectors, (b, j) => (i === j ? 1 : dot(a, b) / (norms[i]! * norms[j]!))));
}

function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let j = 0; j < a.length; j++) s += a[j]! * b[j]!;
  return s;
}

interface Merge {
  a: number;
  b: number;
  similarity: number;
}

/**
 * UPGMA on similarities: repeatedly joins the two clusters with the highest mean pairwise
 * similarity. Cluster ids are the lowest member index, so ties resolve deterministically.
 */
function averageLinkage(sim: Float64Array[]): Merge[] {
  const n = sim.length;
  const size = new Array<number>(n).fill(1);
  const alive = new Array<boolean>(n).fill(true);
  const link = sim.map((row) => Float64Array.from(row));
  const merges: Merge[] = [];
  for (let step = 1; step < n; step++) {
    let a = -1;
    let b = -1;
    let bestSim = -Infinity;
    for (let i = 0; i < n; i++) {
      if (!alive[i]) continue;
      for (let j = i + 1; j < n; j++) {
        if (alive[j] && link[i]![j]! > bestSim) {
          bestSim = link[i]![j]!;
          a = i;
          b = j;
        }
      }
    }
    merges.push({ a, b, similarity: bestSim });
    for (let k = 0; k < n; k++) {
      if (!alive[k] || k === a || k === b) continue;
      const s = (link[a]![k]! * size[a]! + link[b]![k]! * size[b]!) / (size[a]! + size[b]!);
      link[a]![k] = s;
      link[k]![a] = s;
    }
    size[a]! += size[b]!;
    alive[b] = false;
  }
  return merges;
}

/** Cluster labels after the first n - k merges, numbered by first member. */
function cut(merges: readonly Merge[], n: number, k: number): number[] {
  const parent = Array.from({ length: n }, (_, i) => i);
  const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i]!)));
  for (const m of merges.slice(0, n - k)) parent[find(m.b)] = find(m.a);
  const ids = new Map<number, number>();
  return Array.from({ length: n }, (_, i) => {
    const root = find(i);
    if (!ids.has(root)) ids.set(root, ids.size);
    return ids.get(root)!;
  });
}

/** Mean silhouette with cosine distance; a singleton's silhouette is 0. */
export function silhouette(sim: readonly Float64Array[], assignment: readonly number[], k: number): number {
  const n = assignment.length;
  const sizes = new Array<number>(k).fill(0);
  for (const c of assignment) sizes[c]!++;
  let total = 0;
  for (let i = 0; i < n; i++) {
    const own = assignment[i]!;
    if (sizes[own]! < 2) continue;
    const dist = new Array<number>(k).fill(0);
    for (let j = 0; j < n; j++) if (j !== i) dist[assignment[j]!]! += 1 - sim[i]![j]!;
    const a = dist[own]! / (sizes[own]! - 1);
    let b = Infinity;
    for (let c = 0; c < k; c++) if (c !== own && sizes[c]! > 0) b = Math.min(b, dist[c]! / sizes[c]!);
    const denom = Math.max(a, b);
    total += denom > 0 ? (b - a) / denom : 0;
  }
  return total / n;
}

function groups(assignment: readonly number[], k: number): number[][] {
  const out = Array.from({ length: k }, () => [] as number[]);
  assignment.forEach((c, i) => out[c]!.push(i));
  return out;
}

export interface SenseLabel {
  /** Occurrence indices in this sense. */
  members: number[];
  /** The most frequent substitutes across its members, most frequent first. */
  label: string[];
  /** Whether it holds the selected occurrence. */
  selected: boolean;
}

/**
 * Names each cluster by the substitutes its members share: a substitute scores by how many
 * members list it, then by its mean rank in their lists. A word already heading a larger
 * cluster's label is passed over when the cluster has another, so senses read differently.
 * Clusters come largest first.
 */
export function labelClusters(
  clusters: readonly (readonly number[])[],
  substitutesPerOccurrence: readonly (readonly string[])[],
  options: { selected?: number; size?: number } = {},
): SenseLabel[] {
  const size = options.size ?? 3;
  const ordered = [...clusters].sort((x, y) => y.length - x.length || (x[0] ?? 0) - (y[0] ?? 0));
  const heads = new Set<string>();
  return ordered.map((members) => {
    const stats = new Map<string, { text: string; count: number; rankSum: number }>();
    for (const m of members) {
      const seen = new Set<string>();
      (substitutesPerOccurrence[m] ?? []).forEach((s, rank) => {
        const key = s.trim().toLowerCase();
        if (!key || seen.has(key)) return;
        seen.add(key);
        const st = stats.get(key) ?? { text: s.trim(), count: 0, rankSum: 0 };
        st.count++;
        st.rankSum += rank;
        stats.set(key, st);
      });
    }
    const ranked = [...stats.entries()]
      .sort(([a, x], [b, y]) => y.count - x.count || x.rankSum / x.count - y.rankSum / y.count || (a < b ? -1 : a > b ? 1 : 0))
      .map(([key]) => key);
    const fresh = ranked.find((w) => !heads.has(w));
    const keys = (fresh ? [fresh, ...ranked.filter((w) => w !== fresh)] : ranked).slice(0, size);
    if (keys[0]) heads.add(keys[0]);
    return {
      members: [...members],
      label: keys.map((k) => stats.get(k)!.text),
      selected: options.selected !== undefined && members.includes(options.selected),
    };
  });
}
