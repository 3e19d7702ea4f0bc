// Sesame's GPT-2 decoding step alone, in Node (issue #21: decoding against the memory limit):
// distilgpt2's shapes with random int8 weights, the tied head over the token table, a 41-token
// past, then rounds of 31 steps; each round prints the time a step takes, split into the body and
// the head, against the same products run back to back without the JavaScript between them.
// Random weights: the figures are speed only. Run:
//   npx vite-node -c scripts/vite-node.config.ts bench/decode-step.ts [workers, default 1]
import { Tensor } from '@huggingface/transformers';
import { Gpt2Body, Gpt2Decoder, type Gpt2Weights, Int8Kernel, type Int8Weights, KvState, type Norm } from '@/models/host/kernels';
import { nodeThreads } from '@/tests/support/gemv-node-threads';
import { randomWeights, seeded } from '@/tests/support/int8-weights';

const WIDTH = 768;
const LAYERS = 6;
const HEADS = 12;
const VOCAB = 50257;
const POSITIONS = 1024;
const PAST = 41;
const STEPS = 31;
const ROUNDS = 5;

const random = seeded(3);
const norm = (): Norm => ({
  weight: Float32Array.from({ length: WIDTH }, () => 0.5 + random()),
  bias: Float32Array.from({ length: WIDTH }, () => random() - 0.5),
});
const linear = (k: number, n: number, seed: number): Int8Weights => randomWeights(k, n, false, false, true, seed);
const table = Uint8Array.from({ length: VOCAB * WIDTH }, () => Math.floor(random() * 256));
const weights: Gpt2Weights = {
  width: WIDTH,
  wte: { kind: 'int8', width: WIDTH, rows: VOCAB, data: table, signed: false, scale: 0.01, zeroPoint: 128 },
  wpe: { kind: 'float', width: WIDTH, rows: POSITIONS, data: Float32Array.from({ length: WIDTH * POSITIONS }, () => (random() - 0.5) * 0.1) },
  layers: Array.from({ length: LAYERS }, (_, i) => ({
    ln1: norm(),
    attn: linear(WIDTH, 3 * WIDTH, 10 + i),
    attnProj: linear(WIDTH, WIDTH, 20 + i),
    ln2: norm(),
    fc: linear(WIDTH, 4 * WIDTH, 30 + i),
    proj: linear(4 * WIDTH, WIDTH, 40 + i),
  })),
  lnF: norm(),
};

const workers = Number(process.argv[2] ?? 1);
const threads = workers > 0 ? nodeThreads(workers) : undefined;
const head = Int8Kernel.of(
  {
    data: table,
    signed: false,
    k: WIDTH,
    n: VOCAB,
    zeroPoint: Int32Array.of(128),
    scale: Float32Array.of(0.01),
    layout: 'nk',
    floatInput: true,
    tiedTo: 'transformer.wte.weight_quantized',
  },
  threads,
);
const decoder = new Gpt2Decoder(new Gpt2Body(weights, threads, head), { n_head: HEADS });
// The workers instantiate the kernels asynchronously: until then every product runs alone.
await new Promise((resolve) => setTimeout(resolve, 1500));

const empty: Record<string, Tensor> = {};
for (let l = 0; l < LAYERS; l++) {
  for (const kind of ['key', 'value']) empty[`past_key_values.${l}.${kind}`] = new Tensor('float32', new Float32Array(0), [1, HEADS, 0, WIDTH / HEADS]);
}
let past = KvState.fromTensors(empty, decoder.kvShape);
let token = 50;
for (let i = 0; i < PAST; i++) past = decoder.step(token, past).past;
const stepBytes = [...decoder.kernels(), head].reduce((sum, k) => sum + k.k * k.n, 0);

for (let round = 0; round < ROUNDS; round++) {
  let state = past;
  let body = 0;
  let tied = 0;
  for (let i = 0; i < STEPS; i++) {
    const t0 = performance.now();
    const step = decoder.step(token, state);
    const t1 = performance.now();
    head.apply(step.hidden);
    tied += performance.now() - t1;
    body += t1 - t0;
    state = step.past;
    token = (token * 31 + 7) % VOCAB;
  }
  const t = performance.now();
  for (let i = 0; i < STEPS; i++) for (const k of [...decoder.kernels(), head]) k.apply(new Float32Array(k.k).fill(0.1));
  const products = (performance.now() - t) / STEPS;
  const step = (body + tied) / STEPS;
  const gbps = (ms: number) => (stepBytes / ms / 1e6).toFixed(1);
  console.log(
    `${workers + 1} thread(s): ${step.toFixed(2)} ms a step (body ${(body / STEPS).toFixed(2)}, head ${(tied / STEPS).toFixed(2)}) = ${gbps(step)} GB/s; ` +
      `the products alone ${products.toFixed(2)} ms = ${gbps(products)} GB/s; the step at ${((100 * products) / step).toFixed(0)}% of them`,
  );
}
threads?.dispose();
process.exit(0);
