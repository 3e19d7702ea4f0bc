// What the kernel tests (tests/integration/host/kernels/) share: how close two outputs are, the
// masked-LM requests the host answers with the head or the encoder in Sesame's kernels, and a hub
// serving a fixture with its config changed.
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { expect, vi } from 'vitest';
// @ts-expect-error plain ESM helper without types
import { startHubServer } from './hub-server.mjs';

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

/**
 * A loopback hub serving fixture `id` (its tokenizer, config and q8 file) as `sesame-fixtures/<as>`
 * with `change` applied to its config.json: a model whose graph runs as before but whose config
 * Sesame's decoder or encoder refuses.
 */
export async function changedConfigHub(id: string, as: string, change: Record<string, unknown>): Promise<{ url: string; close(): Promise<void> }> {
  const root = mkdtempSync(join(tmpdir(), 'sesame-hub-'));
  const from = `.fixtures/hub/sesame-fixtures/${id}`;
  const to = join(root, 'sesame-fixtures', as);
  const files = readdirSync(from, { recursive: true, encoding: 'utf8' }).filter(
    (f) => statSync(join(from, f)).isFile() && (f === 'onnx/model_quantized.onnx' || !f.startsWith('onnx')) && f !== 'config.json',
  );
  for (const file of files) {
    mkdirSync(dirname(join(to, file)), { recursive: true });
    copyFileSync(join(from, file), join(to, file));
  }
  writeFileSync(join(to, 'config.json'), JSON.stringify({ ...JSON.parse(readFileSync(join(from, 'config.json'), 'utf8')), ...change }));
  const hub = await startHubServer({ root });
  return {
    url: hub.url,
    close: async () => {
      await hub.close();
      rmSync(root, { recursive: true, force: true });
    },
  };
}
