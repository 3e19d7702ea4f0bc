import { describe, expect, it } from 'vitest';
import { chooseBackend, fallBackToWasm } from '@/models/host/backend';

const device = { destroy() {} };

describe('backend choice', () => {
  it('uses WebGPU when an adapter and device are given', async () => {
    const gpu = { requestAdapter: async () => ({ requestDevice: async () => device }) };
    expect(await chooseBackend(gpu, 'auto')).toEqual({ backend: 'webgpu', adapter: true });
  });

  it('falls back to WASM, saying why, when WebGPU is missing, adapterless or failing', async () => {
    expect((await chooseBackend(undefined, 'auto')).note).toMatch(/not available/);
    const none = await chooseBackend({ requestAdapter: async () => null }, 'auto');
    expect(none).toMatchObject({ backend: 'wasm', adapter: false });
    expect(none.note).toMatch(/No WebGPU adapter/);
    const throws = await chooseBackend({ requestAdapter: async () => Promise.reject(new Error('blocked')) }, 'auto');
    expect(throws.note).toContain('blocked');
    const noDevice = await chooseBackend({ requestAdapter: async () => ({ requestDevice: async () => Promise.reject(new Error('lost')) }) }, 'auto');
    expect(noDevice).toMatchObject({ backend: 'wasm', adapter: true });
    expect(noDevice.note).toContain('lost');
  });

  it('honours a WASM preference and records a runtime fallback', async () => {
    const gpu = { requestAdapter: async () => ({ requestDevice: async () => device }) };
    expect((await chooseBackend(gpu, 'wasm')).backend).toBe('wasm');
    const after = fallBackToWasm({ backend: 'webgpu', adapter: true }, new Error('device lost'));
    expect(after).toMatchObject({ backend: 'wasm', adapter: true });
    expect(after.note).toMatch(/device lost.*WASM/);
  });
});
