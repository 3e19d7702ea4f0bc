import { describe, expect, it } from 'vitest';
import { runtimeWarmer, type SessionCreate, wasmOnlyIfFirst } from '@/models/host/warm-runtime';

function fakeCreate(fail = false) {
  const calls: { bytes: number; providers: string[] }[] = [];
  let released = 0;
  const create: SessionCreate = async (model, options) => {
    calls.push({ bytes: model.byteLength, providers: options.executionProviders });
    if (fail) throw new Error('no runtime');
    return { release: async () => void released++ };
  };
  return { create, calls, released: () => released };
}

describe('runtimeWarmer', () => {
  it('starts the WASM runtime once with a small session, and releases it', async () => {
    const f = fakeCreate();
    const warm = runtimeWarmer(f.create);
    await Promise.all([warm('wasm'), warm('wasm')]);
    await warm('wasm');
    expect(f.calls).toHaveLength(1);
    expect(f.calls[0]!.providers).toEqual(['wasm']);
    expect(f.calls[0]!.bytes).toBeGreaterThan(0);
    expect(f.calls[0]!.bytes).toBeLessThan(200);
    expect(f.released()).toBe(1);
  });

  it('leaves WebGPU and Node alone (their sessions are created by the load only)', async () => {
    const f = fakeCreate();
    const warm = runtimeWarmer(f.create);
    await warm('webgpu');
    await warm('cpu');
    expect(f.calls).toHaveLength(0);
  });

  it('swallows a failure: the model load meets it and reports it', async () => {
    const f = fakeCreate(true);
    const warm = runtimeWarmer(f.create);
    await expect(warm('wasm')).resolves.toBeUndefined();
    expect(f.calls).toHaveLength(1);
  });
});

describe('wasmOnlyIfFirst', () => {
  it('a host whose first load is on WASM starts the build without WebGPU, before warming', async () => {
    const order: string[] = [];
    const warm = wasmOnlyIfFirst(
      async (device) => void order.push(`warm ${device}`),
      () => void order.push('wasm only'),
    );
    await warm('wasm');
    await warm('wasm');
    expect(order).toEqual(['wasm only', 'warm wasm', 'warm wasm']);
  });

  it('a first load on WebGPU keeps the asyncify build, for its fallback to WASM too', async () => {
    const order: string[] = [];
    const warm = wasmOnlyIfFirst(
      async (device) => void order.push(`warm ${device}`),
      () => void order.push('wasm only'),
    );
    await warm('webgpu');
    await warm('wasm');
    expect(order).toEqual(['warm webgpu', 'warm wasm']);
  });
});
