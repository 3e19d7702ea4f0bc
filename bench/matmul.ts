// The machine's limit: one MatMul (fp32, and int8 as the q8 files do it) as an ONNX model built in memory (onnx-buf protobuf),
// run by onnxruntime-node (native MLAS kernels) here, and by onnxruntime-web (the same WASM
// runtime the extension ships) in a cross-origin-isolated browser page (see browser.ts).
import { create, toBinary } from '@bufbuild/protobuf';
import { AttributeProto_AttributeType, ModelProtoSchema, TensorProto_DataType } from 'onnx-buf';

export interface MatmulShape {
  m: number;
  k: number;
  n: number;
}

/** Transformer-sized: 256 tokens × hidden 768 × feed-forward 3072 (0.4 GFLOP per run at quick size). */
export function matmulShape(quick: boolean): MatmulShape {
  return quick ? { m: 128, k: 768, n: 1024 } : { m: 256, k: 768, n: 3072 };
}

/**
 * One-token decoding's limit: a one-row int8 product whose weights are as large as those a
 * distilgpt2-size step reads (6 layers' linears + the LM head, 81 MB; 3 MB quick). A step is
 * memory-bound, so its rate reads as weight bytes per second against this one.
 */
export function gemvShape(quick: boolean): MatmulShape {
  return quick ? { m: 1, k: 768, n: 4096 } : { m: 1, k: 768, n: 105_600 };
}

/** Weight bytes per second of a one-row int8 product: 2 FLOPs (one multiply-add) per weight byte. */
export function gemvGBps(gflops: number): number {
  return gflops / 2;
}

export function matmulFlops(s: MatmulShape): number {
  return 2 * s.m * s.k * s.n;
}

function valueInfo(name: string, dims: number[]) {
  return {
    name,
    type: {
      value: {
        case: 'tensorType' as const,
        value: {
          elemType: TensorProto_DataType.FLOAT,
          shape: { dim: dims.map((d) => ({ value: { case: 'dimValue' as const, value: BigInt(d) } })) },
        },
      },
    },
  };
}

export type MatmulKind = 'fp32' | 'int8';

/**
 * fp32: C = A · B. int8: the dynamic quantisation pattern of the q8 model files
 * (DynamicQuantizeLinear on A, MatMulInteger with int8 weights, Cast, scale). B is a constant
 * initializer in both, as model weights are (so the runtimes may pre-pack it). Opset 13, IR 7.
 */
export function matmulModel(s: MatmulShape, kind: MatmulKind = 'fp32'): Uint8Array {
  const seedRandom = (i: number): number => (((Math.imul(i + 1, 2654435761) >>> 0) % 2001) - 1000) / 1000;
  const values = kind === 'fp32' ? new Float32Array(s.k * s.n) : new Int8Array(s.k * s.n);
  const amplitude = kind === 'fp32' ? 0.05 : 127;
  for (let i = 0; i < values.length; i++) values[i] = kind === 'fp32' ? seedRandom(i) * amplitude : Math.round(seedRandom(i) * amplitude);
  const weights = new Uint8Array(values.buffer);
  const B = {
    name: 'B',
    dims: [BigInt(s.k), BigInt(s.n)],
    dataType: kind === 'fp32' ? TensorProto_DataType.FLOAT : TensorProto_DataType.INT8,
    rawData: weights,
  };
  const node =
    kind === 'fp32'
      ? [{ opType: 'MatMul', input: ['A', 'B'], output: ['C'], name: 'matmul' }]
      : [
          { opType: 'DynamicQuantizeLinear', input: ['A'], output: ['Aq', 'As', 'Azp'], name: 'quant' },
          { opType: 'MatMulInteger', input: ['Aq', 'B', 'Azp'], output: ['Ci'], name: 'matmul' },
          {
            opType: 'Cast',
            input: ['Ci'],
            output: ['Cf'],
            name: 'cast',
            attribute: [{ name: 'to', type: AttributeProto_AttributeType.INT, i: BigInt(TensorProto_DataType.FLOAT) }],
          },
          { opType: 'Mul', input: ['Cf', 'As'], output: ['C'], name: 'scale' },
        ];
  const model = create(ModelProtoSchema, {
    irVersion: 7n,
    producerName: 'sesame-bench',
    opsetImport: [{ domain: '', version: 13n }],
    graph: {
      name: `matmul-${kind}`,
      node,
      initializer: [B],
      input: [valueInfo('A', [s.m, s.k])],
      output: [valueInfo('C', [s.m, s.n])],
    },
  });
  return toBinary(ModelProtoSchema, model);
}

export function randomInput(s: MatmulShape): Float32Array {
  const a = new Float32Array(s.m * s.k);
  for (let i = 0; i < a.length; i++) a[i] = Math.random() - 0.5;
  return a;
}

export interface PeakResult {
  kind: MatmulKind;
  threads: number;
  /** Milliseconds per MatMul, every run. */
  ms: number[];
  medianGflops: number;
  bestGflops: number;
}

interface OrtNode {
  InferenceSession: {
    create(
      bytes: Uint8Array,
      options: Record<string, unknown>,
    ): Promise<{
      run(feeds: Record<string, unknown>): Promise<unknown>;
      release(): Promise<void>;
    }>;
  };
  Tensor: new (type: string, data: Float32Array, dims: number[]) => unknown;
}

/** MatMul rate of onnxruntime-node with `threads` intra-op threads. */
export async function nativePeak(s: MatmulShape, kind: MatmulKind, threads: number, runs: number): Promise<PeakResult> {
  const ort = (await import('onnxruntime-node')) as unknown as OrtNode;
  const session = await ort.InferenceSession.create(matmulModel(s, kind), { intraOpNumThreads: threads, interOpNumThreads: 1 });
  const feeds = { A: new ort.Tensor('float32', randomInput(s), [s.m, s.k]) };
  await session.run(feeds);
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await session.run(feeds);
    ms.push(performance.now() - t0);
  }
  await session.release();
  return peakOf(s, kind, threads, ms);
}

export function peakOf(s: MatmulShape, kind: MatmulKind, threads: number, ms: number[]): PeakResult {
  const sorted = [...ms].sort((x, y) => x - y);
  const mid = sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
  const best = sorted[0] ?? Number.NaN;
  return {
    kind,
    threads,
    ms: ms.map((v) => Math.round(v * 100) / 100),
    medianGflops: matmulFlops(s) / mid / 1e6,
    bestGflops: matmulFlops(s) / best / 1e6,
  };
}
