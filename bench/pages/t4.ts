// Baseline page for the browser half: plain transformers.js 4.3.1 pipelines (the onnxruntime-web
// build the extension ships, WASM), loading the fixture models from the loopback hub. Bundled by
// bench/run.mjs for the browser and served cross-origin isolated, like the offscreen document.
import { BaseStreamer, env, pipeline } from '@huggingface/transformers';
import { type Baseline, exposeBaseline, type Generator, type Pipe, pointAt } from './baseline';

class Silent extends BaseStreamer {
  override put(): void {}
  override end(): void {}
}

const baseline: Baseline = {
  version: '@huggingface/transformers 4.3.1',
  async setup(hubUrl) {
    pointAt(env, hubUrl, '/ort/');
  },
  async generator(id, dtype, files): Promise<Generator> {
    const gen = (await pipeline('text-generation', id, { dtype, device: 'wasm', ...files })) as unknown as Pipe;
    return {
      run: (prompt, maxNewTokens, options) => gen(prompt, { max_new_tokens: maxNewTokens, ...options, streamer: new Silent() }),
      dispose: async () => void (await gen.dispose?.()),
    };
  },
  async senseNaive(id, dtype) {
    const fillMask = (await pipeline('fill-mask', id, { dtype, device: 'wasm' })) as unknown as Pipe;
    const extract = (await pipeline('feature-extraction', id, { dtype, device: 'wasm' })) as unknown as Pipe;
    return {
      run: async (masked, plain) => {
        for (let i = 0; i < masked.length; i++) {
          await fillMask(masked[i]!, { top_k: 10 });
          await extract(plain[i]!);
        }
      },
      dispose: async () => {
        await fillMask.dispose?.();
        await extract.dispose?.();
      },
    };
  },
};

exposeBaseline(baseline);
