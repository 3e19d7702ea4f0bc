// The keys/values of Sesame's own decoding step (gpt2-decoder.ts), kept in buffers with room to
// grow so that a step appends one position instead of copying the whole past as the graph's
// Concat does. The layout per layer is the graph's [heads][tokens][head size] with `capacity`
// token slots, so it converts to and from the session's past tensors with one copy.
//
// A state is a length over a shared store. Alternatives continue from one prompt state: the first
// to append writes the free slots; a later one, finding them written, copies what it reads first
// (copy on write), so no state ever sees another's keys.
//
// A store's keys and values live in a WebAssembly memory of its own, with the kernel module on
// it, so that a step's attention reads them in SIMD where they lie (attention.ts).
import { Tensor } from '@huggingface/transformers';
import { type AttentionScratch, attendHead, attentionScratch, attentionScratchBytes } from './attention';
import { type GemvKernel, ownKernel } from './gemv-module';

export interface KvShape {
  layers: number;
  heads: number;
  headSize: number;
}

class KvStore {
  readonly keys: Float32Array[];
  readonly values: Float32Array[];
  private readonly kernel: GemvKernel;
  private readonly scratch: AttentionScratch;
  /** Slots written so far: a state shorter than this no longer owns the slots after it. */
  written = 0;

  constructor(
    readonly shape: KvShape,
    readonly capacity: number,
  ) {
    const size = shape.heads * capacity * shape.headSize;
    const arrays = 2 * shape.layers * size * 4;
    this.kernel = ownKernel(arrays + attentionScratchBytes(shape.headSize, capacity));
    const { buffer } = this.kernel.memory;
    this.keys = Array.from({ length: shape.layers }, (_, l) => new Float32Array(buffer, 4 * l * size, size));
    this.values = Array.from({ length: shape.layers }, (_, l) => new Float32Array(buffer, 4 * (shape.layers + l) * size, size));
    this.scratch = attentionScratch(buffer, arrays, shape.headSize, capacity);
  }

  /** One head's attention over layer `layer`'s first `tokens` slots (attention.ts `attendHead`). */
  attend(layer: number, head: number, tokens: number, scale: number, qkv: Float32Array, q: number, out: Float32Array, at: number): void {
    const offset = 4 * head * this.capacity * this.shape.headSize;
    attendHead(this.kernel, this.scratch, this.keys[layer]!.byteOffset + offset, this.values[layer]!.byteOffset + offset, tokens, scale, qkv, q, out, at);
  }

  /** A copy of the first `length` slots, with `capacity` slots. */
  copy(length: number, capacity: number): KvStore {
    const fresh = new KvStore(this.shape, capacity);
    for (let l = 0; l < this.shape.layers; l++) {
      copySlots(this.keys[l]!, this.capacity, fresh.keys[l]!, capacity, length, this.shape);
      copySlots(this.values[l]!, this.capacity, fresh.values[l]!, capacity, length, this.shape);
    }
    fresh.written = length;
    return fresh;
  }
}

export class KvState {
  private constructor(
    private readonly store: KvStore,
    readonly length: number,
  ) {}

  get shape(): KvShape {
    return this.store.shape;
  }

  /** A past of no tokens (a prompt from the start). */
  static empty(shape: KvShape): KvState {
    return new KvState(new KvStore(shape, grownCapacity(0)), 0);
  }

  /** A state holding the session's `present`/`past_key_values` tensors ([1][heads][tokens][head size] each). */
  static fromTensors(past: Record<string, Tensor>, shape: KvShape): KvState {
    const first = past['past_key_values.0.key'];
    const length = first ? first.dims[2]! : 0;
    const store = new KvStore(shape, grownCapacity(length));
    for (let l = 0; l < shape.layers; l++) {
      for (const [kind, into] of [
        ['key', store.keys[l]!],
        ['value', store.values[l]!],
      ] as const) {
        const tensor = past[`past_key_values.${l}.${kind}`];
        if (tensor?.type !== 'float32' || tensor.dims.join() !== [1, shape.heads, length, shape.headSize].join()) {
          throw new Error(`past_key_values.${l}.${kind} is not a float32 [1][${shape.heads}][${length}][${shape.headSize}] tensor`);
        }
        copySlots(tensor.data as Float32Array, length, into, store.capacity, length, shape);
      }
    }
    store.written = length;
    return new KvState(store, length);
  }

  /** The session's past tensors for this state. */
  toTensors(): Record<string, Tensor> {
    const { shape, length } = this;
    const out: Record<string, Tensor> = {};
    for (let l = 0; l < shape.layers; l++) {
      for (const [kind, from] of [
        ['key', this.store.keys[l]!],
        ['value', this.store.values[l]!],
      ] as const) {
        const data = new Float32Array(shape.heads * length * shape.headSize);
        copySlots(from, this.store.capacity, data, length, length, shape);
        out[`past_key_values.${l}.${kind}`] = new Tensor('float32', data, [1, shape.heads, length, shape.headSize]);
      }
    }
    return out;
  }

  /** The first `length` positions. */
  truncate(length: number): KvState {
    if (length > this.length || length < 0) throw new RangeError(`cannot cut a ${this.length}-token past to ${length}`);
    return length === this.length ? this : new KvState(this.store, length);
  }

  /**
   * Keys and values of every layer with `count` free slots after this state's positions, for
   * the caller to fill: this state's store when the slots are its own, else a copy.
   */
  extend(count = 1): Extension {
    const { store, length } = this;
    if (count < 1) throw new RangeError(`cannot extend a past by ${count} positions`);
    const owned = store.written === length && length + count <= store.capacity;
    const target = owned ? store : store.copy(length, length + count <= store.capacity ? store.capacity : grownCapacity(length + count));
    target.written = length + count;
    return {
      keys: target.keys,
      values: target.values,
      capacity: target.capacity,
      slot: length,
      state: new KvState(target, length + count),
      attend: (layer, head, scale, qkv, q, out, at, row = 0) => target.attend(layer, head, length + row + 1, scale, qkv, q, out, at),
    };
  }
}

export interface Extension {
  keys: Float32Array[];
  values: Float32Array[];
  capacity: number;
  /** The first free slot to write, also the count of slots before it. */
  slot: number;
  /** The state once the slots are written. */
  state: KvState;
  /**
   * One head's attention for free slot `row` (0 by default) over every slot up to and including
   * it (written first; later slots are not read: causal): softmax(q·kᵀ / scale) · v, the query
   * `qkv` from `q`, into `out` from `at`. The head size must be a multiple of 8.
   */
  attend(layer: number, head: number, scale: number, qkv: Float32Array, q: number, out: Float32Array, at: number, row?: number): void;
}

/** Room for a past of `length` and a generation's worth of steps after it. */
function grownCapacity(length: number): number {
  return Math.max(64, Math.ceil((length * 1.5) / 32) * 32);
}

function copySlots(from: Float32Array, fromCapacity: number, to: Float32Array, toCapacity: number, length: number, shape: KvShape): void {
  const span = length * shape.headSize;
  for (let h = 0; h < shape.heads; h++) {
    const source = h * fromCapacity * shape.headSize;
    to.set(from.subarray(source, source + span), h * toCapacity * shape.headSize);
  }
}
