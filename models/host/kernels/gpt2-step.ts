// GPT-2 outside onnxruntime: a decoding step (one new token on top of a past) and a prompt pass
// (several tokens at once). The q8 linear layers run in Sesame's int8 kernel, which reads weights
// much faster than onnxruntime-web's GEMM at one row (docs/benchmarks.md) and takes a prompt's
// rows a few at a time per pass over the weights; the attention over the past runs in the same
// module's SIMD where the keys and values lie (kv-state.ts, attention.ts), GELU in the module
// too, and the rest (embeddings, LayerNorm) in plain loops over a few thousand floats.
//
// The arithmetic is the export's: every linear layer quantises its input as the graph's
// DynamicQuantizeLinear does (a prompt's rows together, as one tensor) and sums exactly, so the
// kernel's part is the graph's bit for bit. LayerNorm, softmax and the attention sums are
// float32 results of double-precision loops, so logits differ from the session's in the last
// bits; a greedy token can differ only where two logits are that close.
import type { GemvThreads } from './gemv-threads';
import { Int8Kernel, type LaidOut } from './int8-kernel';
import type { Embedding, Gpt2Weights, Norm } from './weights';
import type { Extension, KvShape, KvState } from './kv-state';
import { addRows, concatRows, embed, layerNorm, layerNormRows, ownEmbedding, sharedTable } from './rows';

/**
 * Prompt rows a linear layer takes in one pass over its weights (`Gpt2Decoder.prompt`): the
 * weights are read once per PROMPT_ROWS rows. Each row costs the layer 4 bytes per output and 2
 * per input in its memory (~1.8 MB for distilgpt2's six layers at 8).
 */
export const PROMPT_ROWS = 8;

interface Layer {
  ln1: Norm;
  attn: Int8Kernel;
  attnProj: Int8Kernel;
  ln2: Norm;
  fc: Int8Kernel;
  proj: Int8Kernel;
}

/** What the graph does not say: read from the model's config.json. */
export interface Gpt2Config {
  n_head: number;
  layer_norm_epsilon?: number;
  activation_function?: string;
}

/**
 * A GPT-2's weights as the step reads them: the linear layers in one kernel memory (transposed
 * there: throws when that memory cannot be had), the embedding tables and norms as owned
 * copies. Built while the model file is at hand, so that none of the file's bytes outlive the load.
 */
export class Gpt2Body {
  readonly width: number;
  readonly layers: Layer[];
  readonly wte: Embedding;
  readonly wpe: Embedding;
  readonly lnF: Norm;

  /** Whether the token embedding is read from the tied head's table in its kernel memory (no copy of its own). */
  readonly wteShared: boolean;

  /**
   * `threads`: worker threads the linear layers' products are split over. `head`: the model's
   * head in Sesame's kernel; when it is tied to `transformer.wte.weight_quantized` (the hub's
   * files), the token embedding is read from its table instead of a copy (38.6 MB for GPT-2).
   * `laidOut`: its layers' memory is filled from a kernel image afterwards (host/lm/kernel-image.ts).
   */
  constructor(w: Gpt2Weights, threads?: GemvThreads, head?: Int8Kernel, laidOut?: LaidOut) {
    this.width = w.width;
    const shared = sharedTable(w.wte, head, 'transformer.wte.weight_quantized');
    this.wteShared = shared !== undefined;
    this.wte = shared ?? ownEmbedding(w.wte);
    this.wpe = ownEmbedding(w.wpe);
    this.lnF = w.lnF;
    const kernels = Int8Kernel.group(
      w.layers.flatMap((l) => [l.attn, l.attnProj, l.fc, l.proj]),
      threads,
      PROMPT_ROWS,
      laidOut ? { laidOut } : {},
    );
    this.layers = w.layers.map((l, i) => {
      const linear = (j: number) => kernels[4 * i + j]!;
      return { ln1: l.ln1, attn: linear(0), attnProj: linear(1), ln2: l.ln2, fc: linear(2), proj: linear(3) };
    });
  }

  /** Its linear layers in their group's order (`Int8Kernel.image` takes them so). */
  kernels(): Int8Kernel[] {
    return this.layers.flatMap((l) => [l.attn, l.attnProj, l.fc, l.proj]);
  }
}

export class Gpt2Decoder {
  readonly layers: Layer[];
  readonly width: number;
  readonly heads: number;
  readonly headSize: number;
  private readonly epsilon: number;
  private readonly wte: Embedding;
  private readonly wpe: Embedding;
  private readonly lnF: Norm;
  private readonly body: Gpt2Body;

  constructor(body: Gpt2Body, config: Gpt2Config) {
    if ((config.activation_function ?? 'gelu_new') !== 'gelu_new') throw new Error(`activation ${config.activation_function} is not GPT-2's`);
    if (body.width % config.n_head !== 0) throw new Error(`${config.n_head} heads do not divide width ${body.width}`);
    if ((body.width / config.n_head) % 8 !== 0) throw new Error(`head size ${body.width / config.n_head} is not a multiple of 8 (the attention's SIMD)`);
    ({ layers: this.layers, width: this.width, wte: this.wte, wpe: this.wpe, lnF: this.lnF } = body);
    this.body = body;
    this.heads = config.n_head;
    this.headSize = body.width / config.n_head;
    this.epsilon = config.layer_norm_epsilon ?? 1e-5;
  }

  /** The most threads any of its products runs on now. */
  get threads(): number {
    return Math.max(1, ...this.kernels().map((k) => k.threads));
  }

  /** Lets the kernel threads drop its layers (int8-kernel.ts `release`). */
  release(): void {
    for (const k of this.kernels()) k.release();
  }

  /** Its linear layers, in Sesame's kernel. */
  kernels(): Int8Kernel[] {
    return this.body.kernels();
  }

  /** The keys/values a step reads and appends. */
  get kvShape(): KvShape {
    return { layers: this.layers.length, heads: this.heads, headSize: this.headSize };
  }

  get positions(): number {
    return this.wpe.rows;
  }

  /**
   * Feeds `token` at position `past.length` and returns the final LayerNorm's output for it
   * (the LM head's input) and the past with its keys/values appended.
   */
  step(token: number, past: KvState): { hidden: Float32Array; past: KvState } {
    const { width, heads, headSize } = this;
    if (token < 0 || token >= this.wte.rows) throw new RangeError(`token ${token} is not in the vocabulary`);
    if (past.length >= this.positions) throw new RangeError(`position ${past.length} is past the model's ${this.positions}`);
    const h = this.inputRow(token, past.length);
    const next = past.extend();
    const attended = new Float32Array(width);
    const scale = Math.sqrt(headSize);
    // The layers' outputs are views of their memory's scratch (`applyInPlace`), each used before the next product.
    for (let l = 0; l < this.layers.length; l++) {
      const layer = this.layers[l]!;
      const qkv = layer.attn.applyInPlace(layerNorm(h, layer.ln1, this.epsilon));
      this.storeKeysValues(next, l, qkv, 0);
      for (let head = 0; head < heads; head++) next.attend(l, head, scale, qkv, head * headSize, attended, head * headSize);
      const a = layer.attnProj.applyInPlace(attended);
      for (let i = 0; i < width; i++) h[i] = h[i]! + a[i]!;
      // GELU's tanh form, 0.5·x·(1 + tanh u) as x − x / (e^{2u} + 1), in the module (`gelu`): both ends stay finite.
      const f = layer.fc.applyInPlace(layerNorm(h, layer.ln2, this.epsilon), 'gelu');
      const m = layer.proj.applyInPlace(f);
      for (let i = 0; i < width; i++) h[i] = h[i]! + m[i]!;
    }
    return { hidden: layerNorm(h, this.lnF, this.epsilon), past: next.state };
  }

  /**
   * Feeds `ids` at positions `past.length`… in one pass (a prompt): each linear layer quantises
   * its rows together, as the graph's DynamicQuantizeLinear quantises its whole input, and reads
   * its weights once per PROMPT_ROWS rows; each row attends to the past and to the rows before
   * it. Returns the final LayerNorm's output for every id ([ids][width]: a q8 head quantises
   * them together, as the graph's does, and reads the last row) and the past with every id's
   * keys/values appended. One id is exactly `step`.
   */
  prompt(ids: readonly number[], past: KvState): { hidden: Float32Array; past: KvState } {
    const { width, heads, headSize } = this;
    const count = ids.length;
    if (count === 0) throw new RangeError('a prompt needs at least one token');
    for (const id of ids) if (id < 0 || id >= this.wte.rows) throw new RangeError(`token ${id} is not in the vocabulary`);
    if (past.length + count > this.positions) throw new RangeError(`positions up to ${past.length + count - 1} are past the model's ${this.positions}`);
    const all = Array.from({ length: count }, (_, i) => i);
    const h = new Float32Array(count * width);
    ids.forEach((id, i) => h.set(this.inputRow(id, past.length + i), i * width));
    const next = past.extend(count);
    const attended = new Float32Array(count * width);
    const scale = Math.sqrt(headSize);
    for (let l = 0; l < this.layers.length; l++) {
      const layer = this.layers[l]!;
      const qkv = layer.attn.rows(layerNormRows(h, count, layer.ln1, this.epsilon), all);
      // Every row's keys and values first; row i then reads the slots up to its own.
      qkv.forEach((row, i) => this.storeKeysValues(next, l, row, i));
      qkv.forEach((row, i) => {
        for (let head = 0; head < heads; head++) next.attend(l, head, scale, row, head * headSize, attended, i * width + head * headSize, i);
      });
      addRows(h, layer.attnProj.rows(attended, all));
      const f = layer.fc.rows(layerNormRows(h, count, layer.ln2, this.epsilon), all, 'gelu');
      addRows(h, layer.proj.rows(concatRows(f), all));
    }
    return { hidden: layerNormRows(h, count, this.lnF, this.epsilon), past: next.state };
  }

  /** A token's embedding plus its position's: a layer stack's input row. */
  private inputRow(token: number, position: number): Float32Array {
    const h = embed(this.wte, token);
    const p = embed(this.wpe, position);
    for (let i = 0; i < this.width; i++) h[i] = h[i]! + p[i]!;
    return h;
  }

  /** One row's keys and values (from its qkv: [q | k | v], each heads × head size) into free slot `row` of layer `layer`. */
  private storeKeysValues(next: Extension, layer: number, qkv: Float32Array, row: number): void {
    const { width, heads, headSize } = this;
    for (let head = 0; head < heads; head++) {
      const slot = head * next.capacity * headSize + (next.slot + row) * headSize;
      next.keys[layer]!.set(qkv.subarray(width + head * headSize, width + (head + 1) * headSize), slot);
      next.values[layer]!.set(qkv.subarray(2 * width + head * headSize, 2 * width + (head + 1) * headSize), slot);
    }
  }
}
