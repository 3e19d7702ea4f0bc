// A BERT (or ERNIE) masked LM's encoder outside onnxruntime (issue #21: the session's heap grows
// by a fifth for a batch and never gives it back). The q8 linear layers run in Sesame's int8
// kernel, several rows to one pass over the weights and split over its threads, each thread
// scaling back (and for the inner layer, activating: the module's `geluErf`) the outputs it
// computed; the attention over a text's own tokens (`attendText`, float32 as the graph's), the
// residual adds and LayerNorms (`addNorm`) in the same module's SIMD; the embeddings in a plain loop.
//
// The arithmetic is the export's for one text at a time: a batch's texts run unpadded, side by
// side, every linear layer quantising each text's rows as the graph's DynamicQuantizeLinear
// quantises a one-text input, and summing exactly; each text attends to its own tokens. So a
// text's outputs are the session's for that text alone, whatever it is batched with (the
// session's batch shares one quantisation, padding rows included), and padding costs nothing. LayerNorm,
// softmax and erf (the module's `geluErf`) are float work of our own, so the outputs agree with the session's to
// float32 rounding, not bit for bit (tests/integration/host/kernels/bert-encoder.test.ts).
import { type GemvKernel, ownKernel, PAGE } from './gemv-module';
import type { GemvThreads } from './gemv-threads';
import { Int8Kernel, type LaidOut } from './int8-kernel';
import { embed, ownEmbedding, sharedTable } from './rows';
import type { BertWeights, Embedding, Int8Weights, Norm } from './weights';

/**
 * Input rows a linear layer takes to one pass over its weights: the more, the fewer hand-offs to
 * the kernel threads (Node, two threads: 32 rows 1.18× faster than 8). The layers share the
 * room (`Int8Kernel.group`'s `oneProductAtATime`): ~0.6 MB for bert-base.
 */
export const ENCODER_ROWS = 32;

interface Layer {
  /** Queries, keys and values side by side: one product for the three (they read the same quantised input). */
  qkv: Int8Kernel;
  attnOut: Int8Kernel;
  ln1: Norm;
  fc: Int8Kernel;
  proj: Int8Kernel;
  ln2: Norm;
}

/** What the graph does not say: read from the model's config.json. */
export interface BertConfig {
  num_attention_heads: number;
  layer_norm_eps?: number;
  hidden_act?: string;
}

/** One pass's inputs: [batch][sequence] ids, mask and token types, flat; `rows`: the flat rows whose hidden states it returns. */
export interface EncoderFeeds {
  batch: number;
  sequence: number;
  ids: ArrayLike<bigint | number>;
  mask: ArrayLike<bigint | number>;
  tokenTypes?: ArrayLike<bigint | number>;
  rows: readonly number[];
}

export interface EncoderPass {
  /** The LM head's input for every row ([batch · sequence][width]): the head's transform's output. */
  headInput: Float32Array;
  /** Every hidden state (the embeddings', then each layer's) at `rows`, [rows][width] each. */
  hidden: Float32Array[];
}

/**
 * A BERT's weights as the encoder reads them: the linear layers in one kernel memory (throws when
 * it cannot be had), the small tables and norms as owned copies, and the word embeddings read
 * from the tied head's table where the head is tied to them (no copy).
 */
export class BertBody {
  readonly width: number;
  readonly layers: Layer[];
  readonly transform: Int8Kernel;
  readonly word: Embedding;
  readonly wordShared: boolean;
  readonly position: Embedding;
  readonly tokenType: Embedding;
  readonly taskType: Embedding | undefined;
  readonly lnE: Norm;
  readonly lnT: Norm;

  /** `laidOut`: its layers' memory is filled from a kernel image afterwards (their weights' `data` is empty: host/lm/kernel-image.ts). */
  constructor(w: BertWeights, threads?: GemvThreads, head?: Int8Kernel, laidOut?: LaidOut) {
    this.width = w.width;
    const shared = sharedTable(w.word, head, `${w.wordName}_quantized`);
    this.wordShared = shared !== undefined;
    this.word = shared ?? ownEmbedding(w.word);
    this.position = ownEmbedding(w.position);
    this.tokenType = ownEmbedding(w.tokenType);
    this.taskType = w.taskType && ownEmbedding(w.taskType);
    this.lnE = w.lnE;
    this.lnT = w.lnT;
    const kernels = Int8Kernel.group(
      [...w.layers.flatMap((l) => [sideBySide([l.query, l.key, l.value]), l.attnOut, l.fc, l.proj]), w.transform],
      threads,
      ENCODER_ROWS,
      { oneProductAtATime: true, blocks: true, ...(laidOut ? { laidOut } : {}) },
    );
    this.layers = w.layers.map((l, i) => {
      const linear = (j: number) => kernels[4 * i + j]!;
      return { qkv: linear(0), attnOut: linear(1), ln1: l.ln1, fc: linear(2), proj: linear(3), ln2: l.ln2 };
    });
    this.transform = kernels.at(-1)!;
  }

  /** Its linear layers in their group's order (`Int8Kernel.image` takes them so). */
  kernels(): Int8Kernel[] {
    return [...this.layers.flatMap((l) => [l.qkv, l.attnOut, l.fc, l.proj]), this.transform];
  }
}

export class BertEncoder {
  readonly layers: Layer[];
  readonly width: number;
  readonly heads: number;
  readonly headSize: number;
  private readonly epsilon: number;
  private readonly body: BertBody;
  private readonly work: EncoderWork;

  constructor(body: BertBody, config: BertConfig) {
    if ((config.hidden_act ?? 'gelu') !== 'gelu') throw new Error(`activation ${config.hidden_act} is not BERT's`);
    const heads = config.num_attention_heads;
    if (!(heads > 0) || body.width % heads !== 0) throw new Error(`${heads} heads do not divide width ${body.width}`);
    if ((body.width / heads) % 16 !== 0) throw new Error(`head size ${body.width / heads} is not a multiple of 16 (the attention's SIMD)`);
    this.body = body;
    this.layers = body.layers;
    this.width = body.width;
    this.heads = heads;
    this.headSize = body.width / heads;
    this.epsilon = config.layer_norm_eps ?? 1e-12;
    this.work = new EncoderWork(heads, this.headSize, this.positions);
  }

  /** The memory its attention and LayerNorms work in (it grows with the longest text: ~1 MiB up to 64 tokens of bert-base, 6.2 MiB for 512). */
  get workMemory(): WebAssembly.Memory {
    return this.work.memory;
  }

  /** Its linear layers, in Sesame's kernel. */
  kernels(): Int8Kernel[] {
    return this.body.kernels();
  }

  /** The most threads any of its products runs on now. */
  get threads(): number {
    return Math.max(1, ...this.kernels().map((k) => k.threads));
  }

  /** Lets the kernel threads drop its layers (int8-kernel.ts `release`). */
  release(): void {
    for (const k of this.kernels()) k.release();
  }

  /** How its products run: "relaxed SIMD" (all), "relaxed SIMD for r of n linear layers", or "SIMD128" (int8-kernel.ts `relaxed`). */
  get instructions(): string {
    const all = this.kernels();
    const relaxed = all.filter((k) => k.relaxed).length;
    return relaxed === 0 ? 'SIMD128' : relaxed === all.length ? 'relaxed SIMD' : `relaxed SIMD for ${relaxed} of ${all.length} linear layers`;
  }

  get positions(): number {
    return this.body.position.rows;
  }

  /**
   * One pass over a padded batch. Each text runs unpadded, its rows quantised as one tensor (as
   * the graph quantises a batch of one text): its outputs do not depend on the texts beside it,
   * and no padding row is computed. `rows` are flat padded rows (batch · sequence + position) the
   * mask keeps. `pause` is awaited between layers (the host lets its other messages through
   * there: a pass of a dozen texts takes a few hundred milliseconds).
   */
  async run(feeds: EncoderFeeds, pause?: () => Promise<void>): Promise<EncoderPass> {
    const { batch, sequence } = feeds;
    const { width, epsilon, body } = this;
    if (batch * sequence === 0) throw new RangeError('an encoder pass needs at least one token');
    if (sequence > this.positions) throw new RangeError(`${sequence} tokens are past the model's ${this.positions} positions`);
    // Each kept token's place among the texts laid end to end (−1 for padding), and where each text starts.
    const place = new Int32Array(batch * sequence).fill(-1);
    const starts: number[] = [];
    let count = 0;
    for (let b = 0; b < batch; b++) {
      const start = count;
      for (let t = 0; t < sequence; t++) if (Number(feeds.mask[b * sequence + t]) !== 0) place[b * sequence + t] = count++;
      if (count > start) starts.push(start);
    }
    if (count === 0) throw new RangeError('the mask leaves no token');
    const rows = feeds.rows.map((row) => {
      if (!Number.isInteger(row) || row < 0 || row >= batch * sequence) throw new RangeError(`row ${row} is not in a [${batch}][${sequence}] batch`);
      if (place[row]! < 0) throw new RangeError(`row ${row} is padding (the mask leaves it out)`);
      return place[row]!;
    });
    const { work } = this;
    const h = this.embeddings(feeds, place, count);
    work.addNorm(h, undefined, count, body.lnE, epsilon);
    const hidden = [gather(h, width, rows)];
    const attended = new Float32Array(count * width);
    // The products' outputs, reused layer after layer (a pass of many texts would otherwise allocate megabytes a layer).
    const inner = Math.max(...this.layers.map((l) => l.fc.n));
    const buffers = { qkv: new Float32Array(count * 3 * width), out: new Float32Array(count * width), inner: new Float32Array(count * inner) };
    for (const layer of this.layers) {
      if (pause) await pause();
      const qkv = layer.qkv.allRows(h, undefined, starts, buffers.qkv);
      starts.forEach((start, i) => work.attend(qkv, start, (starts[i + 1] ?? count) - start, attended));
      // Post-LayerNorm: each block's output is added to its input, then normalised.
      work.addNorm(h, layer.attnOut.allRows(attended, undefined, starts, buffers.out), count, layer.ln1, epsilon);
      work.addNorm(h, layer.proj.allRows(layer.fc.allRows(h, 'geluErf', starts, buffers.inner), undefined, starts, buffers.out), count, layer.ln2, epsilon);
      hidden.push(gather(h, width, rows));
    }
    const t = body.transform.allRows(h, 'geluErf', starts);
    work.addNorm(t, undefined, count, body.lnT, epsilon);
    // The head's input in the padded layout the tools index (padding rows zero: no tool reads them).
    const headInput = new Float32Array(batch * sequence * width);
    place.forEach((at, row) => {
      if (at >= 0) headInput.set(t.subarray(at * width, (at + 1) * width), row * width);
    });
    return { headInput, hidden };
  }

  /** Word + token type + position (+ ERNIE's task type 0) embeddings of each kept token (hidden state 0 once normalised). */
  private embeddings({ sequence, ids, tokenTypes }: EncoderFeeds, place: Int32Array, count: number): Float32Array {
    const { width, body } = this;
    const h = new Float32Array(count * width);
    const task = body.taskType && embed(body.taskType, 0);
    place.forEach((at, r) => {
      if (at < 0) return;
      const id = Number(ids[r]);
      if (!Number.isInteger(id) || id < 0 || id >= body.word.rows) throw new RangeError(`token ${id} is not in the vocabulary`);
      const type = tokenTypes ? Number(tokenTypes[r]) : 0;
      if (!Number.isInteger(type) || type < 0 || type >= body.tokenType.rows)
        throw new RangeError(`token type ${type} is not in the model's ${body.tokenType.rows}`);
      const e = embed(body.word, id);
      const tt = embed(body.tokenType, type);
      // Positions count from the text's start, padding or not (as position_ids = arange(sequence)).
      const p = embed(body.position, r % sequence);
      for (let i = 0; i < width; i++) e[i] = e[i]! + tt[i]!;
      for (let i = 0; i < width; i++) e[i] = e[i]! + p[i]!;
      if (task) for (let i = 0; i < width; i++) e[i] = e[i]! + task[i]!;
      h.set(e, at * width);
    });
    return h;
  }
}

/** Rows `EncoderWork.addNorm` takes into the module at a time. */
const NORM_ROWS = 32;

/**
 * The module's float work between an encoder's products, in a memory of its own: the residual
 * adds and LayerNorms of NORM_ROWS rows at a time, and one text's attention at a time (room for
 * the query-key-value rows and outputs of the longest text so far: the memory grows with it).
 */
class EncoderWork {
  private readonly kernel: GemvKernel;
  private readonly width: number;
  /** Tokens the text's room holds now. */
  private capacity = 0;
  /** One text's query-key-value rows, its attention's outputs, and one row's scores (views remade when the memory grows). */
  private text: Record<'qkv' | 'out' | 'scores', Float32Array> = { qkv: new Float32Array(0), out: new Float32Array(0), scores: new Float32Array(0) };
  /** `addNorm`'s rows, their residuals, and the norm's weight and bias. */
  private norm: Record<'rows' | 'residuals' | 'weight' | 'bias', Float32Array> = {
    rows: new Float32Array(0),
    residuals: new Float32Array(0),
    weight: new Float32Array(0),
    bias: new Float32Array(0),
  };

  get memory(): WebAssembly.Memory {
    return this.kernel.memory;
  }

  constructor(
    private readonly heads: number,
    private readonly headSize: number,
    private readonly positions: number,
  ) {
    this.width = heads * headSize;
    this.kernel = ownKernel(0);
    this.room(Math.min(positions, 64));
  }

  /** Room for a text of `tokens` (views over the memory remade: growing it detaches the old ones). */
  private room(tokens: number): void {
    if (tokens <= this.capacity) return;
    const { width, kernel } = this;
    const capacity = Math.min(this.positions, Math.max(tokens, 2 * this.capacity));
    const sizes = [NORM_ROWS * width, NORM_ROWS * width, width, width, capacity + 4, 3 * capacity * width, capacity * width];
    const bytes = 4 * sizes.reduce((sum, n) => sum + n, 0);
    kernel.memory.grow(Math.max(0, Math.ceil((bytes - kernel.memory.buffer.byteLength) / PAGE)));
    let at = 0;
    const [rows, residuals, weight, bias, scores, qkv, out] = sizes.map((n) => {
      const view = new Float32Array(kernel.memory.buffer, at, n);
      at += 4 * n;
      return view;
    }) as [Float32Array, Float32Array, Float32Array, Float32Array, Float32Array, Float32Array, Float32Array];
    this.norm = { rows, residuals, weight, bias };
    this.text = { qkv, out, scores };
    this.capacity = capacity;
  }

  /**
   * The attention of the text in rows `from`…`from + count − 1` of `qkv` ([rows][q | k | v]) over
   * its own tokens, every head (the module's `attendText`), into the same rows of `out` ([rows][width]).
   */
  attend(qkv: Float32Array, from: number, count: number, out: Float32Array): void {
    const { heads, headSize, width } = this;
    this.room(count);
    const { text } = this;
    text.qkv.set(qkv.subarray(3 * width * from, 3 * width * (from + count)));
    this.kernel.attendText(text.qkv.byteOffset, count, width, heads, headSize, Math.sqrt(headSize), text.scores.byteOffset, text.out.byteOffset);
    out.set(text.out.subarray(0, count * width), from * width);
  }

  /**
   * `count` rows of `h` in place: plus the same rows of `x` where given (the residual), then
   * LayerNorm — rows.ts's `layerNormRows` in the module's SIMD (its sums two lanes at a time).
   */
  addNorm(h: Float32Array, x: Float32Array | undefined, count: number, n: Norm, epsilon: number): void {
    const { width } = this;
    const { rows, residuals, weight, bias } = this.norm;
    weight.set(n.weight);
    bias.set(n.bias);
    for (let from = 0; from < count; from += NORM_ROWS) {
      const span = h.subarray(from * width, Math.min(count, from + NORM_ROWS) * width);
      rows.set(span);
      if (x) residuals.set(x.subarray(from * width, from * width + span.length));
      this.kernel.addNorm(rows.byteOffset, residuals.byteOffset, span.length / width, width, weight.byteOffset, bias.byteOffset, epsilon, x ? 1 : 0);
      span.set(rows.subarray(0, span.length));
    }
  }
}

/** Rows of [count][width] `x`, copied side by side. */
function gather(x: Float32Array, width: number, rows: readonly number[]): Float32Array {
  const out = new Float32Array(rows.length * width);
  rows.forEach((row, i) => out.set(x.subarray(row * width, (row + 1) * width), i * width));
  return out;
}

/** Linear layers that read the same input, as one: their outputs side by side (per-output zero points and scales where theirs differ). */
export function sideBySide(ws: readonly Int8Weights[]): Int8Weights {
  const { k, signed } = ws[0]!;
  if (ws.some((w) => w.k !== k || w.signed !== signed || (w.layout ?? 'kn') !== 'kn' || w.floatInput))
    throw new Error('the layers do not read one input alike');
  const n = ws.reduce((sum, w) => sum + w.n, 0);
  // Layers whose bytes are in a kernel image (none here) make one whose bytes are there too.
  const inImage = ws.every((w) => w.data.length === 0);
  const data = new Uint8Array(inImage ? 0 : k * n);
  for (let i = 0; i < k && !inImage; i++) {
    let at = i * n;
    for (const w of ws) {
      data.set(w.data.subarray(i * w.n, (i + 1) * w.n), at);
      at += w.n;
    }
  }
  const perOutput = <A extends Int32Array | Float32Array>(of: (w: Int8Weights) => A | undefined, make: (length: number) => A): A => {
    const out = make(n);
    let at = 0;
    for (const w of ws) {
      const values = of(w) ?? make(1);
      if (values.length === 1) out.fill(values[0]!, at, at + w.n);
      else out.set(values, at);
      at += w.n;
    }
    return out;
  };
  const zeroPoint = perOutput(
    (w) => w.zeroPoint,
    (l) => new Int32Array(l),
  );
  const scale = perOutput(
    (w) => w.scale,
    (l) => new Float32Array(l),
  );
  const uniform = (a: Int32Array | Float32Array) => a.every((v) => v === a[0]);
  const bias = ws.every((w) => w.bias)
    ? perOutput(
        (w) => w.bias,
        (l) => new Float32Array(l),
      )
    : undefined;
  if (!bias && ws.some((w) => w.bias)) throw new Error('some of the layers have a bias and some not');
  return {
    data,
    signed,
    k,
    n,
    zeroPoint: uniform(zeroPoint) ? zeroPoint.slice(0, 1) : zeroPoint,
    scale: uniform(scale) ? scale.slice(0, 1) : scale,
    ...(bias ? { bias } : {}),
  };
}
