// Floating-point work of a forward pass, from the model dimensions (multiply-add = 2 FLOPs).
//
// Per layer and token: Q, K, V, O projections 4·h² and the feed-forward 2·h·i multiply-adds;
// attention scores and mixing 2·c·h per token attending over c positions. Heads: BERT's
// masked-LM head (dense h² + decoder h·V) runs on every position, as the ONNX exports compute
// logits for all tokens; GPT-2's LM head is h·V per position fed. Embedding lookups, layer norms,
// softmax and GELU are left out (a few percent). That is ~2·params·tokens plus attention.
// With Sesame's int8 head (models/host/kernels, q8 on WASM) the head's decoder runs only on the rows
// a tool reads (GPT's last position, the masks), and each pass is also counted that way.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Dims {
  layers: number;
  hidden: number;
  intermediate: number;
  vocab: number;
}

export function dimsOf(hubRoot: string, modelId: string): Dims {
  const manifest = JSON.parse(readFileSync(join(hubRoot, 'manifest.json'), 'utf8')) as {
    models: Record<string, { dims: Dims }>;
  };
  const d = manifest.models[modelId]?.dims;
  if (!d) throw new Error(`${modelId} not in the fixture manifest`);
  return { layers: d.layers, hidden: d.hidden, intermediate: d.intermediate, vocab: d.vocab };
}

function layerMacsPerToken(d: Dims): number {
  return 4 * d.hidden * d.hidden + 2 * d.hidden * d.intermediate;
}

/** int8 weight bytes a q8 GPT decoding step reads: every layer's linears and the LM head (embeddings: one row). */
export function stepWeightBytes(d: Dims): number {
  return d.layers * layerMacsPerToken(d) + d.hidden * d.vocab;
}

export type Kind = 'mlm' | 'gpt';

interface TensorLike {
  dims: readonly number[];
  data?: ArrayLike<number | bigint>;
}

/** FLOPs of one forward call, from the shapes actually fed (padding included). */
export function forwardFlops(d: Dims, kind: Kind, batch: number, n: number, context: number): number {
  const perRow =
    kind === 'mlm'
      ? d.layers * (n * layerMacsPerToken(d) + 2 * n * n * d.hidden) + n * (d.hidden * d.hidden + d.hidden * d.vocab)
      : d.layers * (n * layerMacsPerToken(d) + 2 * n * context * d.hidden) + n * d.hidden * d.vocab;
  return 2 * batch * perRow;
}

export interface Work {
  flops: number;
  passes: number;
  /** Time inside the models' forward calls (session run + tensor glue), ms. */
  forwardMs: number;
  /** FLOPs of each forward call, in order. */
  perPass: number[];
  /** The same with the head's decoder only on the rows read (Sesame's int8 head kernel). */
  kernelHeadFlops: number;
  perPassKernelHead: number[];
  /** [batch, tokens] of each forward call. */
  shapes: [number, number][];
}

/**
 * Counts the work of every forward call of the models it watches (Sesame's, transformers.js
 * pipelines', @xenova's): wraps the instance's `forward` and reads the input shapes. Whatever a
 * tool does (one pass, several batches, iterative decoding), its FLOPs are what really ran.
 */
export class FlopMeter {
  private log: { flops: number; kernelHead: number; shape: [number, number]; ms: number }[] = [];

  /** `maskId`: the masked LM's [MASK] id, whose rows are the ones its tools read. */
  watch(model: unknown, dims: Dims, kind: Kind, maskId?: number): void {
    const m = model as { forward: (inputs: Record<string, unknown>, ...rest: unknown[]) => Promise<unknown>; __flopMeter?: boolean };
    if (!m || typeof m.forward !== 'function' || m.__flopMeter) return;
    const original = m.forward.bind(m);
    m.__flopMeter = true;
    m.forward = (inputs, ...rest) => {
      const ids = inputs?.input_ids as TensorLike | undefined;
      if (!ids?.dims?.length) return original(inputs, ...rest);
      const [batch, n] = ids.dims.length >= 2 ? [ids.dims[0]!, ids.dims[1]!] : [1, ids.dims[0]!];
      const context = (inputs.attention_mask as TensorLike | undefined)?.dims?.at(-1) ?? n;
      const flops = forwardFlops(dims, kind, batch, n, context);
      const read = kind === 'gpt' ? batch : maskId === undefined ? batch * n : countOf(ids, maskId);
      const kernelHead = flops - 2 * dims.hidden * dims.vocab * (batch * n - read);
      const entry = { flops, kernelHead, shape: [batch, n] as [number, number], ms: 0 };
      this.log.push(entry);
      const t0 = performance.now();
      return original(inputs, ...rest).finally(() => {
        entry.ms = performance.now() - t0;
      });
    };
  }

  async measure<T>(fn: () => Promise<T>): Promise<{ value: T; work: Work & { wallMs: number } }> {
    const from = this.log.length;
    const t0 = performance.now();
    const value = await fn();
    const wallMs = performance.now() - t0;
    const calls = this.log.slice(from);
    return {
      value,
      work: {
        flops: calls.reduce((s, c) => s + c.flops, 0),
        passes: calls.length,
        forwardMs: calls.reduce((s, c) => s + c.ms, 0),
        perPass: calls.map((c) => c.flops),
        kernelHeadFlops: calls.reduce((s, c) => s + c.kernelHead, 0),
        perPassKernelHead: calls.map((c) => c.kernelHead),
        shapes: calls.map((c) => c.shape),
        wallMs,
      },
    };
  }
}

function countOf(ids: TensorLike, id: number): number {
  let count = 0;
  for (const v of Array.from(ids.data ?? [])) if (Number(v) === id) count++;
  return count;
}
