import { describe, expect, it } from 'vitest';
import { BytesResponse } from '@/models/host/lm/bytes-response';

describe('BytesResponse', () => {
  it('is a Response with its headers and status, whose body stream yields the very bytes (no copy)', async () => {
    const bytes = new Uint8Array([1, 2, 3, 4]);
    const r = new BytesResponse(bytes, { status: 200, headers: { 'content-length': '4' } });
    expect(r).toBeInstanceOf(Response);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-length')).toBe('4');
    expect(r.bodyUsed).toBe(false);
    const reader = r.body.getReader();
    const first = await reader.read();
    expect(first.value).toBe(bytes);
    expect((await reader.read()).done).toBe(true);
    expect(r.bodyUsed).toBe(true);
    await expect(r.arrayBuffer()).rejects.toThrow(/consumed/);
  });

  it('arrayBuffer() gives the buffer the bytes fill, and a copy of a view into a larger one', async () => {
    const whole = new Uint8Array([5, 6, 7]);
    expect(await new BytesResponse(whole, {}).arrayBuffer()).toBe(whole.buffer);
    const view = new Uint8Array([0, 1, 2, 3, 4, 5, 6, 7]).subarray(2, 5);
    const out = await new BytesResponse(view, {}).arrayBuffer();
    expect(out).not.toBe(view.buffer);
    expect([...new Uint8Array(out)]).toEqual([2, 3, 4]);
  });

  it('reads as transformers.js reads a cached file with progress (body reader into its own buffer)', async () => {
    const bytes = Uint8Array.from({ length: 1000 }, (_, i) => i & 255);
    const r = new BytesResponse(bytes, { headers: { 'content-length': '1000' } });
    const out = new Uint8Array(Number(r.headers.get('content-length')));
    let loaded = 0;
    const reader = r.body.getReader();
    for (let c = await reader.read(); !c.done; c = await reader.read()) {
      out.set(c.value, loaded);
      loaded += c.value.length;
    }
    expect(out).toEqual(bytes);
  });
});
