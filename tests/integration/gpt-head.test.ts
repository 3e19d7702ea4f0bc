// The last-position LM head added to GPT-2 exports (models/tools/gpt-head.ts), checked on every
// dtype of the fixture on onnxruntime-node, and through the model host.
import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Diagnostics, ModelSpec, ResultOf } from '@/models/protocol';
import { fetchLastLogitsOnly, LAST_LOGITS, planLastLogits } from '@/models/tools/gpt-head';
import type { OrtSession } from '@/models/host/model-rewrite';
// @ts-expect-error plain ESM helper without types
import { startHubServer } from '../support/hub-server.mjs';
import { nodeHost } from '../support/node-host';

const ID = 'sesame-fixtures/tiny-gpt2';
const onnx = (file: string) => new Uint8Array(readFileSync(`.fixtures/hub/${ID}/onnx/${file}`));
const config = JSON.parse(readFileSync(`.fixtures/hub/${ID}/config.json`, 'utf8')) as { n_head: number; n_embd: number; vocab_size: number };

function withTail(bytes: Uint8Array, tail: Uint8Array): Uint8Array {
  const out = new Uint8Array(bytes.byteLength + tail.byteLength);
  out.set(bytes);
  out.set(tail, bytes.byteLength);
  return out;
}

/** A 7-token prompt from an empty past, for every input the session declares. */
function prompt(session: ort.InferenceSession): Record<string, ort.Tensor> {
  const ids = [464, 3290, 318, 257, 1332, 286, 262];
  const ints = (v: number[]) => new ort.Tensor('int64', BigInt64Array.from(v, BigInt), [1, v.length]);
  const feeds: Record<string, ort.Tensor> = { input_ids: ints(ids), attention_mask: ints(ids.map(() => 1)), position_ids: ints(ids.map((_, i) => i)) };
  const headSize = config.n_embd / config.n_head;
  for (const name of session.inputNames) {
    if (name.startsWith('past_key_values')) feeds[name] = new ort.Tensor('float32', new Float32Array(0), [1, config.n_head, 0, headSize]);
  }
  return feeds;
}

describe('last-position LM head', () => {
  const cases = [
    { file: 'model.onnx', head: ['MatMul'], tolerance: 1e-4 },
    // Dynamic quantization scales the one row by its own range rather than the whole pass's.
    { file: 'model_quantized.onnx', head: ['DynamicQuantizeLinear', 'MatMulInteger', 'Cast', 'Mul', 'Mul'], tolerance: 0.05 },
    { file: 'model_q4.onnx', head: ['MatMulNBits'], tolerance: 1e-4 },
  ];
  it.each(cases)('$file: logits_last is the last row of logits, and a run fetching it skips the full head', async ({ file, head, tolerance }) => {
    const bytes = onnx(file);
    const plan = planLastLogits(bytes);
    if (!plan.ok) throw new Error(plan.reason);
    expect(plan.head).toEqual(head);
    const session = await ort.InferenceSession.create(withTail(bytes, plan.tail));
    expect(session.outputNames).toContain(LAST_LOGITS);
    const out = await session.run(prompt(session));
    const all = out.logits!.data as Float32Array;
    const last = out[LAST_LOGITS]!;
    expect(last.dims).toEqual([1, 1, config.vocab_size]);
    const row = all.subarray(6 * config.vocab_size, 7 * config.vocab_size);
    const scale = Math.max(...Array.from(row, Math.abs));
    let worst = 0;
    (last.data as Float32Array).forEach((v, i) => (worst = Math.max(worst, Math.abs(v - row[i]!))));
    expect(worst / scale).toBeLessThan(tolerance);
    // The host's restriction: only the last row and the keys/values come back.
    expect(fetchLastLogitsOnly(session as unknown as OrtSession)).toBe(true);
    const trimmed = await session.run(prompt(session));
    expect(Object.keys(trimmed).sort()).toEqual(session.outputNames.filter((n) => n !== 'logits').sort());
    expect(Array.from(trimmed[LAST_LOGITS]!.data as Float32Array)).toEqual(Array.from(last.data as Float32Array));
    expect(Array.from(trimmed['present.1.value']!.data as Float32Array)).toEqual(Array.from(out['present.1.value']!.data as Float32Array));
    await session.release();
  });

  it('adds nothing to a model that has it, and refuses graphs without a logits output', () => {
    const bytes = onnx('model.onnx');
    const plan = planLastLogits(bytes);
    if (!plan.ok) throw new Error(plan.reason);
    const again = planLastLogits(withTail(bytes, plan.tail));
    expect(again.ok && again.tail.byteLength).toBe(0);
    expect(planLastLogits(new Uint8Array([1, 2, 3])).ok).toBe(false);
  });
});

describe('the host gives GPT sessions the trimmed head', () => {
  let hub: { url: string; close(): Promise<void> };
  let h: ReturnType<typeof nodeHost>;
  beforeAll(async () => {
    hub = await startHubServer({ root: '.fixtures/hub' });
    h = nodeHost(hub.url);
  });
  afterAll(async () => {
    await hub?.close();
  });

  it.each(['fp32', 'q8'] as const)('%s: the first load (from the network) and a load from the cache both compute the last row only', async (dtype) => {
    const spec: ModelSpec = { id: ID, family: 'gpt2', dtype };
    const req = { type: 'complete' as const, prompt: 'The bank of the river was', maxNewTokens: 8 };
    const first = (await h.run(req, spec)).result as ResultOf<'complete'>;
    const status = (await h.run({ type: 'status' })).result as Diagnostics;
    expect(status.loaded.find((m) => m.id === ID && m.dtype === dtype)?.layers).toBe('logits of the last position only');
    // A second host on the same cache loads the file from it, rewritten as it is read.
    const second = nodeHost(hub.url, h.cacheStore);
    const again = (await second.run(req, spec)).result as ResultOf<'complete'>;
    const secondStatus = (await second.run({ type: 'status' })).result as Diagnostics;
    expect(secondStatus.loaded.find((m) => m.id === ID)?.layers).toBe('logits of the last position only');
    expect(again.alternatives).toEqual(first.alternatives);
    expect(first.alternatives[0]!.length).toBeGreaterThan(0);
  });
});
