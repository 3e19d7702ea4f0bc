// A cold load reads its kernels from a kernel image (issue #21, lm/kernel-image.ts): the first load
// without a session lays its kernels out and keeps their memories' bytes; a later load reads them
// into fresh memories on the kernel threads, lays nothing out, and answers exactly as the first.
// An image of another copy of the file, laid out for another engine, or cut short is not used.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Int8Weights } from '@/models/host/kernels';
import { type ImageMeta, withoutLaidOutBytes } from '@/models/host/lm/kernel-image';
import { pack, unpack } from '@/models/host/onnx';
import { IMAGE_FOLDER } from '@/models/shared/model-files/image-files';
import { DERIVED_PREFIX } from '@/models/shared/model-files/model-cache';
import type { ModelSpec, ResultOf } from '@/models/shared/protocol';
// @ts-expect-error plain ESM helper without types
import { startHubServer } from '../../../support/hub-server.mjs';
import { fsImageFiles } from '../../../support/fs-image-files';
import { nodeThreads } from '../../../support/gemv-node-threads';
import { memoryCache, nodeHost } from '../../../support/node-host';

describe('withoutLaidOutBytes', () => {
  it("drops every linear layer's bytes and what lies inside them, and copies the rest", () => {
    const file = new Uint8Array(1000).map((_, i) => i);
    const linear = (at: number): Int8Weights => ({
      data: file.subarray(at, at + 100),
      signed: true,
      k: 10,
      n: 10,
      zeroPoint: new Int32Array([3]),
      scale: new Float32Array([0.5]),
    });
    const value = {
      head: linear(0),
      along: {
        word: { kind: 'int8', data: file.subarray(20, 40) },
        position: { kind: 'float', data: new Float32Array(file.buffer, 400, 4) },
        layers: [{ fc: linear(100), norm: new Float32Array([1, 2]) }],
      },
    };
    const described = withoutLaidOutBytes(value);
    expect(described.head.data).toEqual(new Uint8Array(0));
    expect(described.head.zeroPoint).toEqual(new Int32Array([3]));
    expect(described.along.layers[0]!.fc.data).toEqual(new Uint8Array(0));
    // The word embeddings are the head's table: left out with it.
    expect(described.along.word.data).toEqual(new Uint8Array(0));
    // The position table is not: kept, as a copy of its own (no view keeps the file alive).
    expect(described.along.position.data).toEqual(value.along.position.data);
    expect(described.along.position.data.buffer).not.toBe(file.buffer);
    expect(described.along.layers[0]!.norm).toEqual(new Float32Array([1, 2]));
    expect(value.head.data.length).toBe(100);
  });
});

describe('the host loading from a kernel image', () => {
  let hub: { url: string; close(): Promise<void> };
  let root: string;
  beforeAll(async () => {
    hub = await startHubServer({ root: '.fixtures/hub' });
    root = mkdtempSync(join(tmpdir(), 'sesame-images-'));
  });
  afterAll(async () => {
    await hub.close();
    rmSync(root, { recursive: true, force: true });
  });
  const on = { sesameHead: () => true, sesameDecoder: () => true, sesameEncoder: () => true };
  const BERT: ModelSpec = { id: 'sesame-fixtures/tiny-bert-uncased-tied', family: 'bert', dtype: 'q8' };
  const GPT2: ModelSpec = { id: 'sesame-fixtures/tiny-gpt2-tied', family: 'gpt2', dtype: 'q8' };
  const sense = { type: 'sense' as const, text: 'We sat on the bank of the river. The bank raised its rates.', start: 14, end: 18, topK: 5 };
  const complete = { type: 'complete' as const, prompt: 'Dear Ms. Patel, thank you for your letter.', maxNewTokens: 6, temperature: 0 };

  /** A host on `workers` kernel threads over `store` and the images in `dir`, and a way to end it. */
  const host = (store: ReturnType<typeof memoryCache>, dir: string, workers = 1) => {
    const threads = nodeThreads(workers, { minBytes: 0 });
    const h = nodeHost(hub.url, store, undefined, { ...on, kernelThreads: () => threads }, fsImageFiles(dir));
    const head = async (id: string) => ((await h.run({ type: 'status' })).result as ResultOf<'status'>).loaded.find((m) => m.id === id)?.head ?? '';
    return { ...h, head, end: () => threads.dispose() };
  };

  for (const [spec, request] of [
    [BERT, sense],
    [GPT2, complete],
  ] as const) {
    it(`${spec.id}: keeps an image after the first load; a cold load reads it on two threads, lays nothing out and answers the same`, async () => {
      const dir = mkdtempSync(join(root, 'a-'));
      const store = memoryCache();
      const first = host(store, dir);
      try {
        const made = (await first.run(request, spec)).result;
        await first.host.imagesWritten;
        expect(await first.head(spec.id)).toMatch(/; kernel image kept for the next cold load$/);
        // The image replaces the stored rewrite.
        expect((await store.keys()).filter((r) => r.url.includes(`/${DERIVED_PREFIX}`))).toEqual([]);
        const cold = host(store, dir, 2);
        try {
          expect((await cold.run(request, spec)).result).toEqual(made);
          const head = await cold.head(spec.id);
          expect(head).toMatch(/kernel image read: nothing laid out/);
          expect(head).not.toMatch(/stored rewrite/);
          // Nothing is written again.
          await cold.host.imagesWritten;
          expect(await cold.head(spec.id)).toMatch(/kernel image read: nothing laid out$/);
        } finally {
          cold.end();
        }
      } finally {
        first.end();
      }
    });
  }

  /** A BERT load that keeps an image in a folder of its own: its answer, the cache, the folder and the image's files. */
  const kept = async () => {
    const dir = mkdtempSync(join(root, 'b-'));
    const store = memoryCache();
    const first = host(store, dir);
    try {
      const made = (await first.run(sense, BERT)).result;
      await first.host.imagesWritten;
      const folder = join(dir, IMAGE_FOLDER, encodeURIComponent(BERT.id));
      const files = readdirSync(folder);
      const file = (end: string) => join(folder, files.find((f) => f.endsWith(end))!);
      return { made, store, dir, folder, meta: file('.meta'), image: file('.image') };
    } finally {
      first.end();
    }
  };

  /** A cold load over what `kept` left, after `spoil`: it answers the same from the file (the image replaced the stored rewrite), and keeps a new image. */
  const fallsBack = async (spoil: (k: Awaited<ReturnType<typeof kept>>) => void) => {
    const k = await kept();
    spoil(k);
    const cold = host(k.store, k.dir, 2);
    try {
      expect((await cold.run(sense, BERT)).result).toEqual(k.made);
      expect(await cold.head(BERT.id)).not.toMatch(/kernel image read|stored rewrite/);
      await cold.host.imagesWritten;
      expect(await cold.head(BERT.id)).toMatch(/kernel image kept/);
    } finally {
      cold.end();
    }
  };

  it('does not use an image cut short', async () => {
    await fallsBack((k) => truncateSync(k.image, 1000));
  });

  it('does not use an image of another copy of the file', async () => {
    await fallsBack((k) => {
      const meta = unpack<ImageMeta>(new Uint8Array(readFileSync(k.meta)), Infinity);
      writeFileSync(k.meta, pack({ ...meta, source: { ...meta.source, revision: 'another' } }));
    });
  });

  it('does not use an image laid out for an engine with relaxed SIMD on one without', async () => {
    await fallsBack((k) => {
      const meta = unpack<ImageMeta>(new Uint8Array(readFileSync(k.meta)), Infinity);
      writeFileSync(k.meta, pack({ ...meta, groups: meta.groups.map((g) => ({ ...g, relaxedRoom: true })) }));
    });
  });

  it('goes with the model', async () => {
    const k = await kept();
    const h = host(k.store, k.dir);
    try {
      await h.run({ type: 'models.delete', modelId: BERT.id });
      expect(existsSync(k.folder)).toBe(false);
    } finally {
      h.end();
    }
  });
});
