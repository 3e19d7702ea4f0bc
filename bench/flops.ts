// Floating-point work of a forward pass, from the model dimensions (multiply-add = 2 FLOPs).
//
// Per layer and token: Q, K, V, O projections 4·h² and the feed-forward 2·h·i multiply-adds;
// attention scores and mixing 2·c·h per token attending over c positions. Heads: BERT's
// masked-LM head (dense h² + decoder h·V) runs on every position, as the ONNX exports compute
// logits for all tokens; GPT-2's LM head is h·V per position fed. Embedding lookups, layer norms,
// softmax and GELU are left out (a few percent). That is ~2·params·tokens plus attention.
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

export type Kind = 'mlm' | 'gpt';

interface TensorLike {
  dims: readonly number[];
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
  /** [batch, tokens] of each forward call. */
  shapes: [number, number][];
}

/**
 * Counts the work of every forward call of the models it watches (Sesame's, transformers.js
 * pipelines', @xenova's): wraps the instance's `forward` and reads the input shapes. Whatever a
 * tool does (one pass, several batches, iterative decoding), its FLOPs are what really ran.
 */
export class FlopMeter {
  private log: { flops: number; shape: [number, number]; ms: number }[] = [];

  watch(model: unknown, dims: Dims, kind: Kind): void {
    const m = model as { forward: (inputs: Record<string, unknown>, ...rest: unknown[]) => Promise<unknown>; __flopMeter?: boolean };
    if (!m || typeof m.forward !== 'function' || m.__flopMeter) return;
    const original = m.forward.bind(m);
    m.__flopMeter = true;
    m.forward = (inputs, ...rest) => {
      const ids = inputs?.input_ids as TensorLike | undefined;
      if (!ids?.dims?.length) return original(inputs, ...rest);
      const [batch, n] = ids.dims.length >= 2 ? [ids.dims[0]!, ids.dims[1]!] : [1, ids.dims[0]!];
      const context = (inputs.attention_mask as TensorLike | undefined)?.dims?.at(-1) ?? n;
      const entry = { flops: forwardFlops(dims, kind, batch, n, context), shape: [batch, n] as [number, number], ms: 0 };
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
        shapes: calls.map((c) => c.shape),
        wallMs,
      },
    };
  }
}
