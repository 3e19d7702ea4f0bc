// The first load after a download is served the cache's rewrite (issue #21): the ONNX file is
// downloaded into the cache before transformers.js loads it (hub/fetch-into-cache.ts).
import { describe, expect, it } from 'vitest';
import { type DownloadProgress, fetchIntoCache } from '@/models/host/hub/fetch-into-cache';
import { ModelCache, REVISION_HEADER } from '@/models/shared/model-files/model-cache';
import { memoryCache } from '../../../../scripts/model-source';

const URL = 'http://127.0.0.1:9/org/m/resolve/abc123/onnx/model_quantized.onnx';
const FILE = 'onnx/model_quantized.onnx';
const bytes = Uint8Array.from({ length: 1000 }, (_, i) => i % 251);

/** A response streamed in 100-byte chunks, as a download arrives. */
function streamed(body: Uint8Array, status = 200): Response {
  let at = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(out) {
      if (at >= body.length) return out.close();
      out.enqueue(body.slice(at, at + 100));
      at += 100;
    },
  });
  return new Response(status === 200 ? stream : null, { status, headers: { 'content-length': String(body.length) } });
}

describe('fetchIntoCache', () => {
  it('downloads a missing file into the cache, reporting its progress, and the next match is served it through the rewrite', async () => {
    const cache = new ModelCache(memoryCache());
    const seen: DownloadProgress[] = [];
    const urls: string[] = [];
    const fetchFile = async (url: string) => {
      urls.push(url);
      return streamed(bytes);
    };
    expect(await fetchIntoCache(cache, fetchFile, URL, FILE, (p) => void seen.push(p))).toBe(true);
    expect(urls).toEqual([URL]);
    expect(seen.map((p) => p.status)).toEqual(['initiate', 'download', ...Array(10).fill('progress'), 'done']);
    expect(seen.filter((p) => p.status === 'progress').at(-1)).toEqual({ file: FILE, status: 'progress', loaded: 1000, total: 1000 });
    // Noted as missing: the host reports this file's progress as a download.
    expect(cache.wasMissing('org/m', FILE)).toBe(true);
    const served: Response[] = [];
    cache.rewriteOnnxOf('org/m', async (r) => {
      served.push(r);
      return new Response('rewritten');
    });
    expect(await (await cache.match(URL))!.text()).toBe('rewritten');
    expect(new Uint8Array(await served[0]!.arrayBuffer())).toEqual(bytes);
    expect(served[0]!.headers.get(REVISION_HEADER)).toBe('abc123');
    expect(served[0]!.headers.get('content-length')).toBe('1000');
  });

  it('leaves a cached file alone, and a failed answer to transformers.js', async () => {
    const cache = new ModelCache(memoryCache());
    await cache.put(URL, new Response(bytes.slice()));
    let fetched = 0;
    expect(
      await fetchIntoCache(
        cache,
        async () => {
          fetched++;
          return streamed(bytes);
        },
        URL,
        FILE,
        () => {},
      ),
    ).toBe(false);
    expect(fetched).toBe(0);

    const empty = new ModelCache(memoryCache());
    expect(
      await fetchIntoCache(
        empty,
        async () => streamed(bytes, 404),
        URL,
        FILE,
        () => {},
      ),
    ).toBe(false);
    expect(await empty.has(URL)).toBe(false);
  });

  it('a download the browser could not store is served once from memory instead of downloaded again', async () => {
    const store = memoryCache();
    store.put = async () => {
      throw Object.assign(new Error('full'), { name: 'QuotaExceededError' });
    };
    const cache = new ModelCache(store);
    expect(
      await fetchIntoCache(
        cache,
        async () => streamed(bytes),
        URL,
        FILE,
        () => {},
      ),
    ).toBe(true);
    expect(cache.takeWriteFailure('org/m')).toMatch(/no storage space/);
    expect(new Uint8Array(await (await cache.match(URL))!.arrayBuffer())).toEqual(bytes);
    // Once: the bytes are not kept for later loads.
    expect(await cache.match(URL)).toBeUndefined();
  });

  it('a download cut short is not stored (the stream fails, the load reports it)', async () => {
    const cache = new ModelCache(memoryCache());
    const cut = new Response(
      new ReadableStream<Uint8Array>({
        start(out) {
          out.enqueue(bytes.slice(0, 100));
          out.error(new Error('network error'));
        },
      }),
      { headers: { 'content-length': '1000' } },
    );
    await expect(
      fetchIntoCache(
        cache,
        async () => cut,
        URL,
        FILE,
        () => {},
      ),
    ).rejects.toThrow(/network error/);
    expect(await cache.has(URL)).toBe(false);
  });
});
