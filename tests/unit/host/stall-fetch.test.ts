import { describe, expect, it } from 'vitest';
import { fetchWithStallTimeout } from '@/models/host/stall-fetch';

function streamingFetch(chunks: number, thenStall: boolean): typeof fetch {
  return async (_input, init) => {
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent < chunks) {
          sent++;
          controller.enqueue(new Uint8Array(10));
        } else if (!thenStall) controller.close();
        else init?.signal?.addEventListener('abort', () => controller.error(init.signal?.reason));
      },
    });
    return new Response(body, { headers: { 'content-length': String(chunks * 10) } });
  };
}

describe('stall timeout fetch', () => {
  it('passes complete bodies through with their headers', async () => {
    const f = fetchWithStallTimeout(streamingFetch(3, false), 1000);
    const res = await f('http://x/');
    expect(res.headers.get('content-length')).toBe('30');
    expect((await res.arrayBuffer()).byteLength).toBe(30);
  });

  it('fails a body that stops arriving, with a clear message', async () => {
    const f = fetchWithStallTimeout(streamingFetch(2, true), 50);
    const res = await f('http://x/');
    await expect(res.arrayBuffer()).rejects.toThrow(/stalled/);
  });

  it('fails when headers never come', async () => {
    const never: typeof fetch = (_i, init) => new Promise((_, reject) => init?.signal?.addEventListener('abort', () => reject(init.signal?.reason)));
    await expect(fetchWithStallTimeout(never, 50)('http://x/')).rejects.toThrow(/stalled/);
  });
});
