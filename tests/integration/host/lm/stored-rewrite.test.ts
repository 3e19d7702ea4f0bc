// A cold load from the cache does no surgery (issue #21): the first load that rewrites a q8 file
// keeps the rewrite in the model cache (lm/stored-rewrite.ts), and later loads of the same file
// are served it — the same bytes, the same head, the same results.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HeadDetacher, type RewriteStore } from '@/models/host/lm/attach-head';
import { unpack, readGpt2 } from '@/models/host/onnx';
import { DERIVED_PREFIX, REVISION_HEADER } from '@/models/shared/model-files/model-cache';
import type { ModelSpec, ResultOf } from '@/models/shared/protocol';
// @ts-expect-error plain ESM helper without types
import { startHubServer } from '../../../support/hub-server.mjs';
import { memoryCache, nodeHost } from '../../../support/node-host';
import { fetchModelFile } from '@/models/host/transformers-env';

const q8 = (id: string) => new Uint8Array(readFileSync(`.fixtures/hub/sesame-fixtures/${id}/onnx/model_quantized.onnx`));
const fileResponse = (bytes: Uint8Array, revision = 'abc') =>
  new Response(bytes.slice(), { headers: { 'content-length': String(bytes.byteLength), [REVISION_HEADER]: revision } });

function memoryStore(): RewriteStore & { bytes: Uint8Array | undefined; writes: number } {
  const store = {
    bytes: undefined as Uint8Array | undefined,
    writes: 0,
    read: async () => store.bytes,
    write: async (b: Uint8Array<ArrayBuffer>) => {
      store.writes++;
      store.bytes = b;
    },
  };
  return store;
}

describe('HeadDetacher with a store', () => {
  const bytes = q8('tiny-gpt2-tied');
  const along = () => {
    const seen: { layers?: number } = {};
    return { seen, readAlong: { read: readGpt2, use: (r: ReturnType<typeof readGpt2>) => void (seen.layers = r.ok ? r.weights.layers.length : -1) } };
  };

  it('keeps the rewrite after the surgery, and serves it to the next load of the same file: same bytes, same head, same layers', async () => {
    const store = memoryStore();
    const first = along();
    const made = new HeadDetacher(undefined, first.readAlong, undefined, store);
    const served = new Uint8Array(await (await made.rewrite(fileResponse(bytes))).arrayBuffer());
    await made.stored;
    expect(made.fromStore).toBe(false);
    expect(store.writes).toBe(1);
    // What is stored is the rewrite as served.
    expect(new Uint8Array(unpack<{ onnx: Uint8Array }>(store.bytes!).onnx)).toEqual(served);

    const second = along();
    const kept = new HeadDetacher(undefined, second.readAlong, undefined, store);
    const again = new Uint8Array(await (await kept.rewrite(fileResponse(bytes))).arrayBuffer());
    expect(kept.fromStore).toBe(true);
    expect(again).toEqual(served);
    expect(store.writes).toBe(1);
    expect(second.seen.layers).toBe(first.seen.layers);
    expect(second.seen.layers).toBeGreaterThan(0);
    const hidden = Float32Array.from({ length: made.head!.k * 2 }, (_, i) => Math.sin(i));
    expect(kept.head!.rows(hidden, [0, 1])).toEqual(made.head!.rows(hidden, [0, 1]));
  });

  it('does not use a rewrite of another copy of the file (other revision or size), and replaces it', async () => {
    const store = memoryStore();
    const made = new HeadDetacher(undefined, undefined, undefined, store);
    await made.rewrite(fileResponse(bytes, 'one'));
    await made.stored;
    const other = new HeadDetacher(undefined, undefined, undefined, store);
    await other.rewrite(fileResponse(bytes, 'two'));
    await other.stored;
    expect(other.fromStore).toBe(false);
    expect(store.writes).toBe(2);
  });

  it('does the surgery when the stored bytes are not a rewrite', async () => {
    const store = memoryStore();
    store.bytes = new Uint8Array(100);
    const d = new HeadDetacher(undefined, undefined, undefined, store);
    await d.rewrite(fileResponse(bytes));
    expect(d.fromStore).toBe(false);
    expect(d.head).toBeDefined();
  });
});

describe('the host loading from the cache', () => {
  let hub: { url: string; close(): Promise<void> };
  beforeAll(async () => {
    hub = await startHubServer({ root: '.fixtures/hub' });
  });
  afterAll(() => hub.close());
  const on = { sesameHead: () => true, sesameDecoder: () => true };
  const loaded = async (h: ReturnType<typeof nodeHost>, id: string) =>
    ((await h.run({ type: 'status' })).result as ResultOf<'status'>).loaded.find((m) => m.id === id);

  for (const [spec, request] of [
    [
      { id: 'sesame-fixtures/tiny-gpt2-tied', family: 'gpt2', dtype: 'q8' },
      { type: 'complete' as const, prompt: 'Dear Ms. Patel, thank you for your letter.', maxNewTokens: 6, temperature: 0 },
    ],
    [
      { id: 'sesame-fixtures/tiny-bert-uncased-tied', family: 'bert', dtype: 'q8' },
      { type: 'sense' as const, text: 'We sat on the bank of the river.', start: 14, end: 18, topK: 5 },
    ],
  ] as [ModelSpec, Parameters<ReturnType<typeof nodeHost>['run']>[0]][]) {
    it(`${spec.id}: a load after the first is served the stored rewrite, answers the same, and the rewrite goes with the model`, async () => {
      const store = memoryCache();
      // The first load rewrites the file (as it reads it from the cache, or after the download) and keeps the rewrite.
      const first = nodeHost(hub.url, store, undefined, on);
      const made = await first.run(request, spec);
      expect((await loaded(first, spec.id))?.head).not.toMatch(/stored rewrite/);
      const derived = async () => (await store.keys()).filter((r) => r.url.includes(`/${DERIVED_PREFIX}`) && r.url.includes(spec.id));
      await expect.poll(async () => (await derived()).length).toBe(1);

      const cold = nodeHost(hub.url, store, undefined, on);
      const kept = await cold.run(request, spec);
      const status = await loaded(cold, spec.id);
      expect(status?.head).toMatch(/stored rewrite: no surgery/);
      // GPT-2 runs in Sesame's kernels alone; the encoder's session reads its word embeddings from the head's table.
      if (spec.family === 'gpt2') expect(status?.decoder).toMatch(/^prompts and steps in Sesame's kernels .*, no onnxruntime session/);
      else
        expect([status?.layers, status?.head]).toEqual([
          expect.stringMatching(/hidden states/),
          expect.stringMatching(/the word embeddings read from its table/),
        ]);
      expect(kept.result).toEqual(made.result);
      // Not one of the model's files, but deleted with them.
      const listed = ((await cold.run({ type: 'models.list' })).result as ResultOf<'models.list'>).models.find((m) => m.id === spec.id);
      expect(listed?.files.some((f) => f.file.startsWith(DERIVED_PREFIX))).toBe(false);
      await cold.run({ type: 'models.delete', modelId: spec.id });
      expect(await derived()).toEqual([]);
    });

    it(`${spec.id}: the first load after a download is served the rewrite: the file downloaded once, into the cache, before the session is made`, async () => {
      // What the load without the download first answers (transformers.js downloads the file itself).
      const want = (await nodeHost(hub.url, memoryCache(), undefined, { ...on, fetchFile: undefined }).run(request, spec)).result;
      const store = memoryCache();
      const onnx = (url: string) => url.endsWith('.onnx');
      const puts: string[] = [];
      const reads: boolean[] = [];
      const { put, match } = store;
      store.put = async (key, response) => {
        if (onnx(key)) puts.push(key);
        return put(key, response);
      };
      store.match = async (key) => {
        const hit = await match(key);
        if (onnx(key)) reads.push(hit !== undefined);
        return hit;
      };
      const fetched: string[] = [];
      const fetchFile = (url: string) => {
        if (onnx(url)) fetched.push(url);
        return fetchModelFile(url);
      };
      const h = nodeHost(hub.url, store, undefined, { ...on, fetchFile });
      const { result, messages } = await h.run(request, spec);
      // Downloaded once, by the host, and stored; transformers.js then found it in the cache
      // (every read after the first look a hit): the session was made from what the rewrite served.
      expect(fetched).toHaveLength(1);
      expect(puts).toHaveLength(1);
      expect(reads[0]).toBe(false);
      expect(reads.slice(1).length).toBeGreaterThan(0);
      expect(reads.slice(1).every(Boolean)).toBe(true);
      const status = await loaded(h, spec.id);
      expect(status?.head).toMatch(/in Sesame's kernel/);
      if (spec.family === 'gpt2') expect(status?.decoder).toMatch(/, no onnxruntime session/);
      else expect(status?.head).toMatch(/the word embeddings read from its table/);
      expect(status?.head).not.toMatch(/session rebuilt|stored rewrite/);
      // The rewrite was stored by that first load.
      await expect.poll(async () => (await store.keys()).filter((r) => r.url.includes(`/${DERIVED_PREFIX}`)).length).toBe(1);
      // The same answer, to the last bit.
      expect(result).toEqual(want);
      // The download's progress is reported once, to the whole file; the read back from the cache is not a download.
      const progress = messages.flatMap((m) => (m.kind === 'progress' && m.progress.file.endsWith('.onnx') ? [m.progress] : []));
      const size = q8(spec.id.split('/')[1]!).byteLength;
      expect(progress.filter((p) => p.status === 'progress').at(-1)).toMatchObject({ loaded: size, total: size });
      expect(progress.filter((p) => p.status === 'done')).toHaveLength(1);
    });
  }
});
