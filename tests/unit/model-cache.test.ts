import { describe, expect, it } from 'vitest';
import { cacheKeyFor, ModelCache, parseModelFileUrl } from '@/models/model-cache';
import { planImport } from '@/models/local-import';
import { memoryCache } from '../../scripts/model-source';


describe('model cache', () => {
  it('parses hub-layout URLs from any host and prefix', () => {
    expect(parseModelFileUrl('https://huggingface.co/Xenova/bert-base-uncased/resolve/main/onnx/model_quantized.onnx')).toEqual({
      model: 'Xenova/bert-base-uncased',
      revision: 'main',
      file: 'onnx/model_quantized.onnx',
    });
    expect(parseModelFileUrl('http://127.0.0.1:8/mirror/hf/org/name/resolve/v1/config.json')?.model).toBe('org/name');
    expect(parseModelFileUrl('https://x/org/name/resolve/main/../secret')).toBeNull();
    expect(parseModelFileUrl('not a url')).toBeNull();
  });

  it('stores complete files under a host-independent key, rejects short bodies', async () => {
    const mem = memoryCache();
    const cache = new ModelCache(mem);
    const url = 'http://127.0.0.1:9/org/m/resolve/main/onnx/model.onnx';
    expect(await cache.match(url)).toBeUndefined();
    expect(cache.wasMissing('org/m', 'onnx/model.onnx')).toBe(true);
    await expect(cache.put(url, new Response('abc', { headers: { 'content-length': '10' } }))).rejects.toThrow(/Incomplete/);
    expect(mem.map.size).toBe(0);
    await cache.put(url, new Response('0123456789', { headers: { 'content-length': '10' } }));
    const hit = await cache.match('https://huggingface.co/org/m/resolve/main/onnx/model.onnx');
    expect(await hit?.text()).toBe('0123456789');
    cache.forgetMisses('org/m');
    expect(cache.wasMissing('org/m', 'onnx/model.onnx')).toBe(false);
  });

  it('lists, deletes per model and clears', async () => {
    const cache = new ModelCache(memoryCache());
    await cache.store('org/a', 'config.json', new TextEncoder().encode('{}').buffer);
    await cache.store('org/a', 'onnx/model.onnx', new ArrayBuffer(100));
    await cache.store('org/b', 'onnx/model.onnx', new ArrayBuffer(50));
    expect((await cache.list()).map((m) => [m.id, m.bytes, m.files.length])).toEqual([
      ['org/a', 102, 2],
      ['org/b', 50, 1],
    ]);
    expect(await cache.deleteModel('org/a')).toBe(102);
    expect((await cache.list()).map((m) => m.id)).toEqual(['org/b']);
    expect(await cache.clear()).toBe(50);
    expect(await cache.list()).toEqual([]);
    expect(cacheKeyFor({ model: 'o/n', revision: 'main', file: 'a.json' })).toMatch(/^https:\/\/.+\/o\/n\/resolve\/main\/a\.json$/);
  });

  it('plans a local folder import and explains what is missing', () => {
    const file = (p: string) => ({ name: p.split('/').pop()!, webkitRelativePath: p });
    expect(planImport([file('my bert/config.json'), file('my bert/onnx/model.onnx')])).toMatchObject({
      id: 'local/my-bert',
      files: [{ path: 'config.json' }, { path: 'onnx/model.onnx' }],
    });
    expect(() => planImport([file('x/onnx/model.onnx')])).toThrow(/config.json/);
    expect(() => planImport([file('x/config.json')])).toThrow(/onnx/);
    expect(() => planImport([])).toThrow(/empty/);
  });
});
