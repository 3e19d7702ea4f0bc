// Row arithmetic the kernels' layer stacks share (gpt2-step.ts, bert-encoder.ts): LayerNorm,
// residual adds and embedding lookups over float32 rows laid side by side, in plain loops
// (a few thousand floats a row; the products are the kernel's).
import type { Int8Kernel } from './int8-kernel';
import type { Embedding, Norm } from './weights';

/** `layerNorm` of each of the `count` rows of `x`, side by side. */
export function layerNormRows(x: Float32Array, count: number, n: Norm, epsilon: number, out: Float32Array = new Float32Array(x.length)): Float32Array {
  const width = x.length / count;
  for (let i = 0; i < count; i++) layerNormInto(x, i * width, width, n, epsilon, out);
  return out;
}

/** h[i] += rows[i], row by row (the residual). */
export function addRows(h: Float32Array, rows: readonly Float32Array[]): void {
  rows.forEach((row, i) => {
    const at = i * row.length;
    for (let j = 0; j < row.length; j++) h[at + j] = h[at + j]! + row[j]!;
  });
}

export function concatRows(rows: readonly Float32Array[]): Float32Array {
  const out = new Float32Array(rows.reduce((sum, r) => sum + r.length, 0));
  let at = 0;
  for (const row of rows) {
    out.set(row, at);
    at += row.length;
  }
  return out;
}

export function layerNorm(x: Float32Array, n: Norm, epsilon: number): Float32Array {
  return layerNormInto(x, 0, x.length, n, epsilon, new Float32Array(x.length));
}

/** The LayerNorm of x[at…at + width) into out[at…) (out may be x): mean and variance in doubles. */
function layerNormInto(x: Float32Array, at: number, width: number, n: Norm, epsilon: number, out: Float32Array): Float32Array {
  const end = at + width;
  let mean = 0;
  for (let i = at; i < end; i++) mean += x[i]!;
  mean /= width;
  let variance = 0;
  for (let i = at; i < end; i++) variance += (x[i]! - mean) * (x[i]! - mean);
  variance /= width;
  const inv = 1 / Math.sqrt(variance + epsilon);
  const { weight, bias } = n;
  for (let i = 0; i < width; i++) out[at + i] = (x[at + i]! - mean) * inv * weight[i]! + bias[i]!;
  return out;
}

export function embed(table: Embedding, row: number): Float32Array {
  const { width } = table;
  if (table.kind === 'float') return table.data.slice(row * width, (row + 1) * width);
  const out = new Float32Array(width);
  const bytes = table.data.subarray(row * width, (row + 1) * width);
  for (let i = 0; i < width; i++) {
    const q = table.signed ? (bytes[i]! << 24) >> 24 : bytes[i]!;
    out[i] = (q - table.zeroPoint) * table.scale;
  }
  return out;
}

/** The table's own copy: the graph's tensors are views into the whole model file. */
export function ownEmbedding(table: Embedding): Embedding {
  // A table left out of a kernel image because a head's table was read instead (kernel-image.ts).
  if (table.data.length === 0 && table.rows * table.width > 0) throw new Error('the embedding table is not in the kernel image');
  return { ...table, data: table.data.slice() } as Embedding;
}

/**
 * A tied head's table as an embedding lookup (`name`: the initializer the head is tied to), when
 * it is the same table with the same quantisation: read in the head's kernel memory instead of
 * a copy of its own (38.6 MB for GPT-2's, 22.4 MiB for BERT's).
 */
export function sharedTable(table: Embedding, head: Int8Kernel | undefined, name: string): Embedding | undefined {
  if (table.kind !== 'int8' || head?.tiedTo !== name) return undefined;
  const view = head.tableView();
  if (!view || view.rows !== table.rows || view.width !== table.width || view.scale !== table.scale) return undefined;
  if (view.zeroPoint !== table.zeroPoint - (table.signed ? 0 : 128)) return undefined;
  return { kind: 'int8', width: table.width, rows: table.rows, data: view.data, signed: true, scale: view.scale, zeroPoint: view.zeroPoint };
}
