// Measures the legacy merged decoder's surgery on a full-size file: `node_modules/.bin/vite-node
// scripts/measure-legacy.ts -- <flat q8 GPT-2 export>` merges the file as optimum does
// (tests/support/merged-decoder.ts: an If on use_cache_branch, a no-past else_branch), then times
// detachHead on the flat and the merged file, checks the detached head's logits against the
// merged graph's (bit for bit for an untied int8 head), and times one-token decoding steps: the
// merged graph with its head, the cut merged graph, and Sesame's step + head (one thread).
import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-node';
import { Gpt2Body, Gpt2Decoder } from '../models/host/kernels/gpt2-step';
import { readGpt2 } from '../models/host/onnx/gpt2-graph';
import { KvState } from '../models/host/kernels/kv-state';
import { detachHead, HEAD_INPUT } from '../models/host/onnx/head-graph';
import { Int8Kernel } from '../models/host/kernels/int8-kernel';
import { mergeDecoder } from '../tests/support/merged-decoder';

const path = process.argv.at(-1)!;
const config = JSON.parse(readFileSync(path.replace(/onnx\/[^/]+$/, 'config.json'), 'utf8')) as { n_head: number; n_embd: number; n_layer: number };
const headSize = config.n_embd / config.n_head;
const flat = new Uint8Array(readFileSync(path));
const time = <T>(f: () => T): [T, number] => {
  const t = performance.now();
  const r = f();
  return [r, performance.now() - t];
};
const merged = mergeDecoder(flat, { heads: config.n_head, headSize });
console.log(`flat ${flat.byteLength} B, merged ${merged.byteLength} B`);
for (const [name, bytes] of [
  ['flat', flat],
  ['merged', merged],
] as const) {
  const times: number[] = [];
  let result: ReturnType<typeof detachHead> | undefined;
  for (let i = 0; i < 3; i++) {
    const [r, ms] = time(() => detachHead(bytes));
    result = r;
    times.push(ms);
  }
  if (!result?.ok) throw new Error(result?.reason);
  console.log(`detachHead ${name}: ${times.map((t) => t.toFixed(0)).join(' / ')} ms, ${result.bytes.byteLength} B out, ${result.where ?? 'flat graph'}`);
}
const detached = detachHead(merged);
if (!detached.ok) throw new Error(detached.reason);
const head = Int8Kernel.of(detached.weights);
const read = readGpt2(detached.graph);
if (!read.ok) throw new Error(read.reason);
const decoder = new Gpt2Decoder(new Gpt2Body(read.weights, undefined, head), config as never);
const options = { intraOpNumThreads: 1, interOpNumThreads: 1 };
const full = await ort.InferenceSession.create(merged, options);
const cut = await ort.InferenceSession.create(detached.bytes, options);
const ints = (v: number[]) => new ort.Tensor('int64', BigInt64Array.from(v, BigInt), [1, v.length]);
const feeds = (ids: number[], past: Record<string, ort.Tensor> | undefined, start: number) => {
  const f: Record<string, ort.Tensor> = {
    input_ids: ints(ids),
    attention_mask: ints(Array.from({ length: start + ids.length }, () => 1)),
    position_ids: ints(ids.map((_, i) => start + i)),
    use_cache_branch: new ort.Tensor('bool', [past !== undefined], [1]),
  };
  for (let l = 0; l < config.n_layer; l++)
    for (const kv of ['key', 'value'])
      f[`past_key_values.${l}.${kv}`] = past?.[`present.${l}.${kv}`] ?? new ort.Tensor('float32', new Float32Array(0), [1, config.n_head, 0, headSize]);
  return f;
};
const vocab = detached.weights.n;
const prompt = [464, 3290, 318, 257, 1332, 13, 632, 373, 11, 290, 262, 1110, 286, 262, 614, 11];
let a = await full.run(feeds(prompt, undefined, 0));
const b = await cut.run(feeds(prompt, undefined, 0));
let exact = 0;
for (let row = 0; row < prompt.length; row++) {
  const want = (a.logits!.data as Float32Array).subarray(row * vocab, (row + 1) * vocab);
  const got = head.logits(b[HEAD_INPUT]!.data as Float32Array, row);
  if (got.every((v, j) => v === want[j])) exact++;
}
console.log(`prompt rows (else_branch) bit-exact: ${exact}/${prompt.length}`);
const argmax = (x: Float32Array) => x.reduce((best, v, i) => (v > x[best]! ? i : best), 0);
let state = KvState.fromTensors(
  Object.fromEntries(
    Object.entries(a)
      .filter(([k]) => k.startsWith('present'))
      .map(([k, v]) => [k.replace('present', 'past_key_values'), v]),
  ) as never,
  decoder.kvShape,
);
let token = argmax((a.logits!.data as Float32Array).slice(-vocab));
const t = { graph: [] as number[], cut: [] as number[], sesame: [] as number[] };
let same = 0;
let steps = 0;
for (let i = 0; i < 16; i++) {
  const at = prompt.length + i;
  let s = performance.now();
  const x = await full.run(feeds([token], a, at));
  t.graph.push(performance.now() - s);
  s = performance.now();
  await cut.run(feeds([token], a, at));
  t.cut.push(performance.now() - s);
  s = performance.now();
  const step = decoder.step(token, state);
  const ours = head.apply(step.hidden);
  t.sesame.push(performance.now() - s);
  steps++;
  if (argmax(ours) === argmax(x.logits!.data as Float32Array)) same++;
  state = step.past;
  a = x;
  token = argmax(x.logits!.data as Float32Array);
}
const med = (v: number[]) => [...v].sort((p, q) => p - q)[v.length >> 1]!.toFixed(1);
const range = (v: number[]) => `${Math.min(...v).toFixed(1)}–${Math.max(...v).toFixed(1)}`;
console.log(
  `one-token steps (then_branch), ${steps} steps, ms median (range): merged graph with head ${med(t.graph)} (${range(t.graph)}), cut merged graph ${med(t.cut)} (${range(t.cut)}), Sesame's step + head ${med(t.sesame)} (${range(t.sesame)}); same greedy token ${same}/${steps}`,
);
await full.release();
await cut.release();
head.release();
