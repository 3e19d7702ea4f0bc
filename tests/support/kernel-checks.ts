// What the kernel tests (tests/integration/host/kernels/) share: how close two outputs are, and
// the masked-LM requests the host answers with the head or the encoder in Sesame's kernels.
import { expect, vi } from 'vitest';

/** Largest |a − b| relative to the largest |a|. */
export function relativeError(a: Float32Array, b: Float32Array): number {
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < a.length; i++) {
    diff = Math.max(diff, Math.abs(a[i]! - b[i]!));
    scale = Math.max(scale, Math.abs(a[i]!));
  }
  return diff / scale;
}

/** Three uses of "bank" (two senses). */
export const BANK_SENTENCES = [
  'She went to the bank to deposit her salary.',
  'We had a picnic on the grassy bank of the river.',
  'The bank raised its interest rates again.',
];
export const bankUses = BANK_SENTENCES.map((text) => ({ text, start: text.indexOf('bank'), end: text.indexOf('bank') + 4 }));
/** The sense of the second use among all three, without glosses. */
export const senseRequest = {
  type: 'sense' as const,
  text: BANK_SENTENCES[1]!,
  start: bankUses[1]!.start,
  end: bankUses[1]!.end,
  occurrences: bankUses,
  selected: 1,
  glosses: false,
};
export const clozeRequest = {
  type: 'cloze' as const,
  text: 'The farmer watched the sleepy cattle grazing near the old wooden barn every morning.',
  blanks: 3,
  seed: 5,
};
export const clozeZhRequest = { type: 'cloze' as const, text: '他拿起手机给妈妈打电话，告诉她自己已经到家了。', blanks: 2, seed: 3 };

/** `withKernels()` makes no onnxruntime session; `withSession()`, the same load without them, makes one (so the spy sees sessions). */
export async function expectNoSession(withKernels: () => Promise<unknown>, withSession: () => Promise<unknown>): Promise<void> {
  const { InferenceSession } = await import('onnxruntime-node');
  const create = vi.spyOn(InferenceSession, 'create');
  try {
    await withKernels();
    expect(create).not.toHaveBeenCalled();
    await withSession();
    expect(create).toHaveBeenCalled();
  } finally {
    create.mockRestore();
  }
}
