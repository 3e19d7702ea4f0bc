// The model host under faults, with a fake loader: WebGPU missing, adapterless, failing to give a
// device, or losing it while a model loads or runs — the host switches to WASM and says why.
// Also its work counters (cancelled before a model was ready: not computed) and memory figure.
import { describe, expect, it } from 'vitest';
import type { GpuLike } from '@/models/host/backend';
import { type HostDeps, ModelHost } from '@/models/host/host';
import type { DeviceName, LoadedModel } from '@/models/host/lm/loader';
import { ModelCache } from '@/models/shared/model-files/model-cache';
import type { Diagnostics, HostMessage, ModelSpec, ServerMessage, ToolRequest } from '@/models/shared/protocol';
import { memoryCache } from '../../../scripts/model-source';

const GPT: ModelSpec = { id: 'fixtures/gpt', family: 'gpt2', dtype: 'q8' };
const BERT: ModelSpec = { id: 'fixtures/bert', family: 'bert', dtype: 'q8' };
const WORKING_GPU: GpuLike = { requestAdapter: async () => ({ requestDevice: async () => ({ destroy() {} }) }) };

type Loader = (spec: ModelSpec, device: DeviceName) => Promise<LoadedModel>;

function fakeModel(spec: ModelSpec, device: DeviceName, encode: () => number[] = () => []): LoadedModel {
  return { spec, device, tokenizer: { encode } as never, model: {} as never, inputNames: [], release: async () => undefined };
}

function host(gpu: GpuLike | undefined, load: Loader, extra: Partial<HostDeps> = {}) {
  const devices: DeviceName[] = [];
  const h = new ModelHost({
    kind: 'offscreen',
    cache: new ModelCache(memoryCache()),
    load: (spec, device) => {
      devices.push(device);
      return load(spec, device);
    },
    setRemoteHost: () => undefined,
    // No network here: the file listing is unavailable, so loads fall back to the default file names.
    fetch: () => Promise.reject(new TypeError('no network in unit tests')),
    gpu,
    threads: () => 1,
    ...extra,
  });
  let n = 0;
  const start = (request: ToolRequest, model?: ModelSpec) => {
    const id = `r${++n}`;
    const messages: ServerMessage[] = [];
    const message: HostMessage = {
      kind: 'run',
      id,
      request,
      config: { remoteHost: 'http://hub/', idleReleaseMs: 60_000, preferBackend: 'auto', ...(model ? { model } : {}) },
    };
    const done = h.handle(message, (m) => void messages.push(m)).then(() => messages.at(-1)!);
    return { id, done };
  };
  const run = (request: ToolRequest, model?: ModelSpec) => start(request, model).done;
  const status = async (memory?: boolean) => {
    const last = await run({ type: 'status', ...(memory ? { memory } : {}) });
    if (last.kind !== 'result' || last.result.type !== 'status') throw new Error(JSON.stringify(last));
    return last.result as Diagnostics;
  };
  return { h, devices, start, run, status };
}

const download = (spec: ModelSpec): ToolRequest => ({ type: 'models.download', modelId: spec.id });

describe('WebGPU faults: the host uses WASM and says so', () => {
  const wasmOnly: Loader = async (spec, device) => fakeModel(spec, device);

  for (const [name, gpu, note] of [
    ['navigator.gpu missing', undefined, /not available/],
    ['requestAdapter gives null', { requestAdapter: async () => null }, /No WebGPU adapter/],
    ['requestAdapter throws', { requestAdapter: () => Promise.reject(new Error('blocked by policy')) }, /adapter request failed \(blocked by policy\)/],
    [
      'requestDevice throws',
      { requestAdapter: async () => ({ requestDevice: () => Promise.reject(new Error('device limits')) }) },
      /device request failed \(device limits\)/,
    ],
  ] as const) {
    it(`${name}: loads on WASM only`, async () => {
      const t = host(gpu, wasmOnly);
      expect(await t.run(download(GPT), GPT)).toMatchObject({ kind: 'result', result: { type: 'models.download' } });
      expect(t.devices).toEqual(['wasm']);
      const status = await t.status();
      expect(status).toMatchObject({ backend: 'wasm', loaded: [{ id: GPT.id, backend: 'wasm' }] });
      expect(status.backendNote).toMatch(note);
    });
  }

  it('the device is lost while a model loads on WebGPU: the load is retried on WASM', async () => {
    const t = host(WORKING_GPU, async (spec, device) => {
      if (device === 'webgpu') throw new Error('GPUDevice was lost: device lost (reason: unknown)');
      return fakeModel(spec, device);
    });
    expect(await t.run(download(GPT), GPT)).toMatchObject({ kind: 'result' });
    expect(t.devices).toEqual(['webgpu', 'wasm']);
    const status = await t.status();
    expect(status).toMatchObject({ backend: 'wasm', webgpuAdapter: true, loaded: [{ backend: 'wasm' }] });
    expect(status.backendNote).toMatch(/WebGPU failed \(GPUDevice was lost.*\); switched to WASM/);
    // For good: the next model goes straight to WASM.
    await t.run(download(BERT), BERT);
    expect(t.devices).toEqual(['webgpu', 'wasm', 'wasm']);
  });

  it('the device is lost while a model runs on WebGPU: the request is answered from WASM', async () => {
    const t = host(WORKING_GPU, async (spec, device) =>
      fakeModel(spec, device, () => {
        if (device === 'webgpu') throw new Error('Device lost during dispatch');
        return [];
      }),
    );
    // The WASM model's answer: the fake tokenizer gives no tokens, so "nothing to continue".
    expect(await t.run({ type: 'complete', prompt: 'Hello', maxNewTokens: 2 }, GPT)).toMatchObject({ kind: 'error', error: { code: 'empty-input' } });
    expect(t.devices).toEqual(['webgpu', 'wasm']);
    expect((await t.status()).backendNote).toMatch(/Device lost during dispatch.*WASM/);
  });

  it('a model that cannot load for its own reasons is not blamed on the GPU: a clear error naming it', async () => {
    const t = host(WORKING_GPU, async () => {
      throw new Error('Failed to load model because protobuf parsing failed.');
    });
    const last = await t.run(download(GPT), GPT);
    expect(last).toMatchObject({ kind: 'error', error: { code: 'model-load' } });
    expect(last.kind === 'error' && last.error.message).toMatch(/Could not load model fixtures\/gpt: .*protobuf/);
    expect(t.devices).toEqual(['webgpu']);
    expect((await t.status()).backend).toBe('webgpu');
  });
});

describe('a model that fails to load', () => {
  it('a corrupt file: a clear error naming the model, its cached files dropped so a retry downloads them again', async () => {
    const store = memoryCache();
    const cache = new ModelCache(store);
    await cache.store(GPT.id, 'onnx/model_quantized.onnx', new TextEncoder().encode('not a model').buffer as ArrayBuffer);
    await cache.store(BERT.id, 'onnx/model_quantized.onnx', new ArrayBuffer(8));
    let corrupt = true;
    const t = host(
      undefined,
      async (spec, device) => {
        if (corrupt) throw new Error("Can't create a session. ERROR_CODE: 7, ERROR_MESSAGE: Failed to load model because protobuf parsing failed.");
        return fakeModel(spec, device);
      },
      { cache },
    );
    const last = await t.run(download(GPT), GPT);
    expect(last).toMatchObject({ kind: 'error', error: { code: 'model-load' } });
    expect(last.kind === 'error' && last.error.message).toMatch(/^Could not load model fixtures\/gpt: .*protobuf parsing failed/);
    expect((await cache.list()).map((m) => m.id)).toEqual([BERT.id]);
    corrupt = false;
    expect(await t.run(download(GPT), GPT)).toMatchObject({ kind: 'result' });
  });

  it('an unsupported model keeps its files (nothing to gain from downloading it again)', async () => {
    const cache = new ModelCache(memoryCache());
    await cache.store(GPT.id, 'onnx/model_quantized.onnx', new ArrayBuffer(8));
    const t = host(
      undefined,
      async () => {
        throw new Error('Could not find an implementation for SuperOp(1) node with name x');
      },
      { cache },
    );
    expect(await t.run(download(GPT), GPT)).toMatchObject({ kind: 'error', error: { code: 'model-load' } });
    expect((await cache.list()).map((m) => m.id)).toEqual([GPT.id]);
  });
});

describe('host counters and memory', () => {
  it('a request cancelled while its model loads is not computed; the next one is', async () => {
    let release!: () => void;
    const gate = new Promise<void>((ok) => (release = ok));
    const t = host(undefined, async (spec, device) => {
      await gate;
      return fakeModel(spec, device);
    });
    const first = t.start(download(BERT), BERT);
    await t.h.handle({ kind: 'cancel', id: first.id }, () => undefined);
    release();
    expect(await first.done).toMatchObject({ kind: 'error', error: { code: 'cancelled' } });
    expect(await t.run(download(BERT), BERT)).toMatchObject({ kind: 'result' });
    expect((await t.status()).work).toEqual({ requests: 2, computed: 1, cancelled: 1 });
  });

  it('reports what the gate rejected, and memory only when asked', async () => {
    const t = host(undefined, async (spec, device) => fakeModel(spec, device), { rejected: () => 3, measureMemory: async () => 12_345_678 });
    const plain = await t.status();
    expect(plain.rejected).toBe(3);
    expect(plain.memoryBytes).toBeUndefined();
    expect((await t.status(true)).memoryBytes).toBe(12_345_678);
  });
});

describe('a model that cannot be stored (storage full)', () => {
  const quotaStore = () => {
    const store = memoryCache();
    store.put = async () => {
      throw Object.assign(new Error('The quota has been exceeded.'), { name: 'QuotaExceededError' });
    };
    return store;
  };

  it('the cache does not throw into transformers.js (which swallows it or fails the load) but remembers why, once', async () => {
    const cache = new ModelCache(quotaStore());
    await cache.put('https://huggingface.co/fixtures/gpt/resolve/main/onnx/model_quantized.onnx', new Response('0123'));
    expect(cache.takeWriteFailure('fixtures/gpt')).toMatch(/no storage space left.*QuotaExceededError/);
    expect(cache.takeWriteFailure('fixtures/gpt')).toBeUndefined();
  });

  it('a download that could not be stored is an error saying so; status reports it until the model is stored', async () => {
    const cache = new ModelCache(quotaStore());
    const t = host(
      undefined,
      async (spec, device) => {
        // What transformers.js does with a downloaded file: puts it in the cache (and goes on).
        await cache.put(`https://huggingface.co/${spec.id}/resolve/main/onnx/model_quantized.onnx`, new Response('0123'));
        return fakeModel(spec, device);
      },
      { cache },
    );
    const last = await t.run(download(GPT), GPT);
    expect(last).toMatchObject({
      kind: 'error',
      error: {
        code: 'download',
        message: expect.stringMatching(/fixtures\/gpt was downloaded but not stored: .*QuotaExceededError.*downloaded again each time/),
      },
    });
    expect((await t.status()).storeFailures).toEqual([{ model: GPT.id, message: expect.stringMatching(/not stored/) }]);
  });
});

describe('the runtime starts as a load begins (issue #21)', () => {
  it('warmRuntime is asked for the load’s device before the model is loaded, not waited for', async () => {
    const order: string[] = [];
    let finishWarm = (): void => {};
    const t = host(
      undefined,
      async (spec, device) => {
        order.push(`load ${device}`);
        return fakeModel(spec, device);
      },
      {
        warmRuntime: (device) => {
          order.push(`warm ${device}`);
          return new Promise<void>((ok) => (finishWarm = ok));
        },
      },
    );
    expect(await t.run(download(GPT), GPT)).toMatchObject({ kind: 'result' });
    expect(order).toEqual(['warm wasm', 'load wasm']);
    finishWarm();
  });
});
