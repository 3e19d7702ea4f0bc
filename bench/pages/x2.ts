// Baseline page for the browser half: @xenova/transformers 2.17.2 with its own onnxruntime-web
// 1.14 (WASM), on the same fixture files from the loopback hub.
// @ts-expect-error 2.17.2 ships no types for its source entry
import { env, pipeline } from '@xenova/transformers/dist/transformers.js';
import { type Baseline, exposeBaseline, type Generator, type Pipe, pointAt } from './baseline';

const baseline: Baseline = {
  version: '@xenova/transformers 2.17.2',
  async setup(hubUrl) {
    pointAt(env, hubUrl, '/ort14/');
  },
  async generator(id, dtype, files): Promise<Generator> {
    // It looks for decoder_model_merged(_quantized).onnx unless told the file's name (v3 fixtures: `model`).
    const gen = (await pipeline('text-generation', id, { quantized: dtype === 'q8', ...files })) as Pipe;
    return {
      run: (prompt, maxNewTokens, options) => gen(prompt, { max_new_tokens: maxNewTokens, ...options }),
      dispose: async () => void (await gen.dispose?.()),
    };
  },
};

exposeBaseline(baseline);
