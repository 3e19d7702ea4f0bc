import { describe, expect, it } from 'vitest';
import { gitBlobSha1Hex, sha256Hex } from '@/models/shared/model-files/file-hash';
import { cacheKeyFor, IntegrityError, ModelCache, parseModelFileUrl, REVISION_HEADER } from '@/models/shared/model-files/model-cache';
import type { ImageFiles } from '@/models/shared/model-files/image-files';
import { planImport } from '@/models/shared/model-files/local-import';
import { memoryCache } from '../../../../scripts/model-source';

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

  it("deletes a model's kernel images with it and clears them all; a store that fails to (no OPFS) deletes the files still", async () => {
    const calls: string[] = [];
    const images = (fail: boolean) =>
      ({
        deleteModel: async (model: string) => {
          calls.push(`delete ${model}`);
          if (fail) throw new DOMException('no OPFS here', 'SecurityError');
        },
        clear: async () => {
          calls.push('clear');
          if (fail) throw new DOMException('no OPFS here', 'SecurityError');
        },
      }) as unknown as ImageFiles;
    for (const fail of [false, true]) {
      calls.length = 0;
      const cache = new ModelCache(memoryCache(), images(fail));
      await cache.store('org/a', 'onnx/model.onnx', new ArrayBuffer(100));
      await cache.store('org/b', 'onnx/model.onnx', new ArrayBuffer(50));
      expect(await cache.deleteModel('org/a')).toBe(100);
      expect(await cache.clear()).toBe(50);
      expect(await cache.list()).toEqual([]);
      expect(calls).toEqual(['delete org/a', 'delete org/b', 'clear']);
    }
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

describe('model cache: pinned revisions and listed hashes', () => {
  const body = '{"model_type":"gpt2"}';
  const bytes = new TextEncoder().encode(body);
  const SHA = 'a'.repeat(40);
  const pinnedUrl = (file: string) => `http://127.0.0.1:9/org/m/resolve/${SHA}/${file}`;
  const respond = (text: string | Uint8Array<ArrayBuffer>) =>
    new Response(text, { headers: { 'content-length': String(typeof text === 'string' ? new TextEncoder().encode(text).length : text.length) } });

  it('keys files by model and file: a file downloaded at a commit is found under main, and one cached under main at the commit', async () => {
    const mem = memoryCache();
    const cache = new ModelCache(mem);
    await cache.put(pinnedUrl('config.json'), respond(body));
    expect([...mem.map.keys()]).toEqual([cacheKeyFor({ model: 'org/m', revision: 'main', file: 'config.json' })]);
    expect(await (await cache.match('https://huggingface.co/org/m/resolve/main/config.json'))?.text()).toBe(body);
    // The commit it came from is kept with it.
    expect((await mem.match(cacheKeyFor({ model: 'org/m', revision: 'main', file: 'config.json' })))?.headers.get(REVISION_HEADER)).toBe(SHA);

    // A model cached before pinning (under main, as every download was) is found at any commit: no miss, no download.
    const old = new ModelCache(memoryCache());
    await old.put('https://huggingface.co/org/m/resolve/main/onnx/model.onnx', respond('0123456789'));
    expect(await (await old.match(pinnedUrl('onnx/model.onnx')))?.text()).toBe('0123456789');
    expect(old.wasMissing('org/m', 'onnx/model.onnx')).toBe(false);
    // A miss at a commit is a miss of the file (the host reports its download progress).
    expect(await old.match(pinnedUrl('config.json'))).toBeUndefined();
    expect(old.wasMissing('org/m', 'config.json')).toBe(true);
  });

  it('finds a file stored under another revision segment too (a cache written with revision keys)', async () => {
    const mem = memoryCache();
    await mem.put(cacheKeyFor({ model: 'org/m', revision: 'v1', file: 'config.json' }), respond(body));
    const cache = new ModelCache(mem);
    expect(await (await cache.match(pinnedUrl('config.json')))?.text()).toBe(body);
    expect(cache.wasMissing('org/m', 'config.json')).toBe(false);
  });

  it('stores a pinned download whose hash matches the listing (SHA-256 or git blob id)', async () => {
    const mem = memoryCache();
    const cache = new ModelCache(mem);
    cache.pin('org/m', {
      revision: SHA,
      host: 'http://127.0.0.1:9/',
      files: new Map([
        ['config.json', { blobSha1: await gitBlobSha1Hex(bytes) }],
        ['onnx/model.onnx', { sha256: await sha256Hex(bytes) }],
      ]),
    });
    await cache.put(pinnedUrl('config.json'), respond(body));
    await cache.put(pinnedUrl('onnx/model.onnx'), respond(body));
    expect(mem.map.size).toBe(2);
    expect(cache.takeIntegrityFailure('org/m')).toBeUndefined();
  });

  it('refuses a pinned download that does not match the listing: not stored, the reason kept for the host', async () => {
    const mem = memoryCache();
    const cache = new ModelCache(mem);
    const wrong = bytes.slice();
    wrong[3] = 0x20;
    cache.pin('org/m', {
      revision: SHA,
      host: 'http://127.0.0.1:9/',
      files: new Map([
        ['onnx/model.onnx', { sha256: await sha256Hex(bytes) }],
        ['config.json', { blobSha1: await gitBlobSha1Hex(bytes) }],
      ]),
    });
    await expect(cache.put(pinnedUrl('onnx/model.onnx'), respond(wrong))).rejects.toThrow(IntegrityError);
    expect(mem.map.size).toBe(0);
    expect(cache.takeIntegrityFailure('org/m')).toMatch(
      /^onnx\/model\.onnx of org\/m from http:\/\/127\.0\.0\.1:9 does not match the hub's listing \(SHA-256 [0-9a-f]{12}…, the download's [0-9a-f]{12}…\); not stored\.$/,
    );
    expect(cache.takeIntegrityFailure('org/m')).toBeUndefined();
    await expect(cache.put(pinnedUrl('config.json'), respond(wrong))).rejects.toThrow(/config\.json of org\/m .*git blob SHA-1.*not stored/);
    expect(mem.map.size).toBe(0);
    // A file the listing gives no hash for, and a download at another revision (not the pinned one), are stored unchecked.
    await cache.put(pinnedUrl('tokenizer.json'), respond(wrong));
    await cache.put('http://127.0.0.1:9/org/m/resolve/main/onnx/model.onnx', respond(wrong));
    expect(mem.map.size).toBe(2);
  });
});

describe('model cache: requests of a pinned model', () => {
  const SHA = 'b'.repeat(40);
  it('sends resolve/main on the pinned host to the commit while the load runs, and nothing else', () => {
    const cache = new ModelCache(memoryCache());
    const main = 'http://127.0.0.1:9/org/m/resolve/main/tokenizer_config.json';
    expect(cache.pinnedUrl(main)).toBe(main);
    const unpin = cache.pin('org/m', { revision: SHA, host: 'http://127.0.0.1:9/', files: new Map() });
    expect(cache.pinnedUrl(main)).toBe(`http://127.0.0.1:9/org/m/resolve/${SHA}/tokenizer_config.json`);
    // Another model, another host (a mirror), another revision: as asked.
    for (const url of [
      'http://127.0.0.1:9/org/other/resolve/main/config.json',
      'https://mirror.example/org/m/resolve/main/config.json',
      'http://127.0.0.1:9/org/m/resolve/v2/config.json',
    ]) {
      expect(cache.pinnedUrl(url)).toBe(url);
    }
    // A second load pinning the same model meanwhile keeps it pinned when the first ends.
    const again = cache.pin('org/m', { revision: SHA, host: 'http://127.0.0.1:9', files: new Map() });
    unpin();
    expect(cache.pinnedUrl(main)).toContain(`/resolve/${SHA}/`);
    again();
    expect(cache.pinnedUrl(main)).toBe(main);
  });
});

describe('model cache: pinned downloads checked as they stream', () => {
  const SHA = 'c'.repeat(40);
  const url = (file: string) => `http://127.0.0.1:9/org/m/resolve/${SHA}/${file}`;
  const good = new TextEncoder().encode('the listed bytes of a model file, long enough to come in chunks '.repeat(50));
  /** A 200 response whose body comes in chunks of `size` bytes. */
  const chunked = (bytes: Uint8Array, size = 100) =>
    new Response(
      new ReadableStream<Uint8Array>({
        start(controller) {
          for (let at = 0; at < bytes.length; at += size) controller.enqueue(bytes.slice(at, at + size));
          controller.close();
        },
      }),
      { headers: { 'content-length': String(bytes.length) } },
    );

  async function pinned() {
    const cache = new ModelCache(memoryCache());
    cache.pin('org/m', {
      revision: SHA,
      host: 'http://127.0.0.1:9/',
      files: new Map([
        ['onnx/model.onnx', { sha256: await sha256Hex(good) }],
        ['tokenizer.json', { blobSha1: await gitBlobSha1Hex(good) }],
      ]),
    });
    return cache;
  }

  it('passes the listed bytes through unchanged, counts them, and put does not hash them again', async () => {
    const cache = await pinned();
    for (const file of ['onnx/model.onnx', 'tokenizer.json']) {
      const response = cache.checkedResponse(url(file), chunked(good));
      expect(response.headers.get('content-length')).toBe(String(good.length));
      const bytes = new Uint8Array(await response.arrayBuffer());
      expect(bytes).toEqual(good);
      await cache.put(url(file), new Response(bytes, { headers: { 'content-length': String(bytes.length) } }));
    }
    expect(cache.takeVerified('org/m')).toBe(2);
    expect((await cache.list())[0]!.files.map((f) => f.file).sort()).toEqual(['onnx/model.onnx', 'tokenizer.json']);
  });

  it('fails the body at its end when the bytes do not match: the reader never gets them whole', async () => {
    const cache = await pinned();
    const bad = good.slice();
    bad[bad.length - 1] = bad[bad.length - 1]! ^ 1;
    for (const file of ['onnx/model.onnx', 'tokenizer.json']) {
      const reader = cache.checkedResponse(url(file), chunked(bad)).body!.getReader();
      let read = 0;
      const drained = (async () => {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) return read;
          read += value.length;
        }
      })();
      await expect(drained).rejects.toThrow(new RegExp(`^${file.replace('.', '\\.')} of org/m from http://127\\.0\\.0\\.1:9 does not match the hub's listing`));
      expect(cache.takeIntegrityFailure('org/m')).toMatch(/not stored\.$/);
    }
    expect(cache.takeVerified('org/m')).toBe(0);
  });

  it('leaves alone what it has no hash for: other files, other revisions, errors, byte ranges', async () => {
    const cache = await pinned();
    const plain = chunked(good);
    expect(cache.checkedResponse(url('config.json'), plain)).toBe(plain);
    const main = chunked(good);
    expect(cache.checkedResponse('http://127.0.0.1:9/org/m/resolve/main/onnx/model.onnx', main)).toBe(main);
    const missing = new Response('Entry not found', { status: 404 });
    expect(cache.checkedResponse(url('onnx/model.onnx'), missing)).toBe(missing);
    const range = new Response('x', { status: 206 });
    expect(cache.checkedResponse(url('onnx/model.onnx'), range)).toBe(range);
  });
});
