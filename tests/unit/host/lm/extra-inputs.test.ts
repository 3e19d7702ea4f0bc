// The inputs an encoder's session takes beyond the tokenizer's (lm/loader.ts `extraInputs`): zeros
// for ERNIE's task types, and the word embeddings when the lookup was taken out of the graph.
import { Tensor } from '@huggingface/transformers';
import { describe, expect, it } from 'vitest';
import type { Int8Kernel } from '@/models/host/kernels';
import { extraInputs } from '@/models/host/lm/loader';
import { WORD_EMBEDDINGS_INPUT } from '@/models/host/onnx';

const ids = new Tensor('int64', BigInt64Array.from([1n, 2n, 3n, 4n, 5n, 6n]), [2, 3]);
/** A head whose table row i is [i, i + 0.5]. */
const head = {
  k: 2,
  tableRows: (rows: ArrayLike<number | bigint>) => Float32Array.from(Array.from(rows).flatMap((r) => [Number(r), Number(r) + 0.5])),
} as unknown as Int8Kernel;

describe('extraInputs', () => {
  it('feeds the word embeddings from the head kernel when the session takes them, shaped [batch, sequence, k]', () => {
    const extra = extraInputs({ inputNames: ['input_ids', 'attention_mask', WORD_EMBEDDINGS_INPUT], head }, ids);
    expect(Object.keys(extra)).toEqual([WORD_EMBEDDINGS_INPUT]);
    const words = extra[WORD_EMBEDDINGS_INPUT]!;
    expect(words.type).toBe('float32');
    expect(words.dims).toEqual([2, 3, 2]);
    expect(Array.from(words.data as Float32Array)).toEqual([1, 1.5, 2, 2.5, 3, 3.5, 4, 4.5, 5, 5.5, 6, 6.5]);
  });

  it('gives zeros for other integer inputs, and no word embeddings to a session that does its own lookup', () => {
    const extra = extraInputs({ inputNames: ['input_ids', 'attention_mask', 'task_type_ids'], head }, ids);
    expect(Object.keys(extra)).toEqual(['task_type_ids']);
    expect(Array.from(extra.task_type_ids!.data as BigInt64Array)).toEqual(Array(6).fill(0n));
  });

  it('refuses a session that takes the word embeddings without a head to read them from', () => {
    expect(() => extraInputs({ inputNames: [WORD_EMBEDDINGS_INPUT], head: undefined }, ids)).toThrow(/no head kernel/);
  });
});
