// Loading through the loopback hub as the real hub answers: the file listing first, downloads
// redirected to a second origin (the CDN), repos laid out like `Xenova/gpt2` with and without
// `onnx/model_quantized.onnx`, legacy names only, or nothing usable.
import { statSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ModelSpec, ResultOf } from '@/models/shared/protocol';
// @ts-expect-error plain ESM helper without types
import { startHubServer } from '../../../support/hub-server.mjs';
import { memoryCache, nodeHost } from '../../../support/node-host';

interface Hub {
  url: string;
  cdnUrl: string;
  requests: { method: string; path: string; status: number; origin: 'hub' | 'cdn'; range?: string }[];
  redirects: { path: string; location: string }[];
  repos: Record<string, Record<string, string>>;
  setFault(fn: ((req: unknown, info: { api?: string; file?: string }) => unknown) | null): void;
  close(): Promise<void>;
}

let hub: Hub;
beforeAll(async () => {
  hub = await startHubServer({ root: '.fixtures/hub' });
});
afterEach(() => {
  hub.setFault(null);
  hub.requests.length = 0;
  hub.redirects.length = 0;
});
afterAll(async () => {
  await hub?.close();
});

const gpt2 = (name: string): ModelSpec => ({ id: `sesame-fixtures/${name}`, family: 'gpt2', dtype: 'q8' });
const complete = { type: 'complete' as const, prompt: 'Dear Ms. Patel, thank you for your letter', maxNewTokens: 6 };
const kernels = { sesameHead: () => true, sesameDecoder: () => true };
/** Bytes on disk of a virtual repo's file. */
const sizeOf = (repo: string, file: string) => statSync(`.fixtures/hub/${hub.repos[`sesame-fixtures/${repo}`]![file]}`).size;
/** A download path pinned to the listing's commit (never `resolve/main`). */
const pinned = (id: string, file: string) => expect.stringMatching(new RegExp(`^/${id}/resolve/[0-9a-f]{40}/${file.replaceAll('.', '\\.')}$`));
const onnxGets = () => hub.requests.filter((r) => r.path.endsWith('.onnx') && r.method === 'GET' && !r.range);

describe('a repo like Xenova/gpt2 today (no model_quantized.onnx)', () => {
  const spec = gpt2('gpt2-hub-v3');

  it('lists the exact files and sizes before downloading', async () => {
    const h = nodeHost(hub.url);
    const { result } = await h.run({ type: 'models.files', modelId: spec.id }, spec);
    const files = result as ResultOf<'models.files'>;
    expect(files).toMatchObject({ modelId: spec.id, dtype: 'q8', source: 'hub', file: 'onnx/model_int8.onnx' });
    expect(files.sha).toMatch(/^[0-9a-f]{40}$/);
    expect(files.note).toBe(`${spec.id} has no onnx/model_quantized.onnx; Sesame loads onnx/model_int8.onnx.`);
    const expected = ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'generation_config.json', 'onnx/model_int8.onnx'];
    expect(files.files).toEqual(expected.map((file) => ({ file, bytes: sizeOf('gpt2-hub-v3', file) })));
    expect(files.bytes).toBe(expected.reduce((sum, file) => sum + sizeOf('gpt2-hub-v3', file), 0));
    // Only the API was asked: nothing downloaded.
    expect(hub.requests.map((r) => r.path)).toEqual([
      `/api/models/${spec.id}/revision/main`,
      expect.stringMatching(new RegExp(`^/api/models/${spec.id}/tree/[0-9a-f]{40}$`)),
    ]);
  });

  it("downloads model_int8.onnx through the CDN redirect, never asks for model_quantized.onnx, and runs it on Sesame's kernels", async () => {
    const h = nodeHost(hub.url, memoryCache(), undefined, kernels);
    const { result, messages } = await h.run(complete, spec);
    expect((result as ResultOf<'complete'>).alternatives[0]!.length).toBeGreaterThan(0);
    expect(hub.requests.some((r) => r.path.includes('model_quantized'))).toBe(false);
    expect(onnxGets().map((r) => [r.origin, r.path, r.status])).toEqual([['cdn', pinned(spec.id, 'onnx/model_int8.onnx'), 200]]);
    expect(hub.redirects.some((r) => r.path.endsWith('onnx/model_int8.onnx') && r.location.startsWith(hub.cdnUrl))).toBe(true);
    // Small files come from the hub's own origin.
    expect(hub.requests.find((r) => r.path.endsWith('/config.json'))?.origin).toBe('hub');
    expect(messages.some((m) => m.kind === 'progress' && m.progress.file === 'onnx/model_int8.onnx')).toBe(true);
    // The head detacher and the decoder recognise the file under its other name.
    const status = (await h.run({ type: 'status' })).result as ResultOf<'status'>;
    expect(status.loaded.find((m) => m.id === spec.id)).toMatchObject({
      file: 'onnx/model_int8.onnx',
      head: "int8 head in Sesame's kernel",
      decoder: expect.stringMatching(/^prompts and steps in Sesame's kernels/),
    });
    const cached = (await h.run({ type: 'models.list' })).result as ResultOf<'models.list'>;
    expect(cached.models.find((m) => m.id === spec.id)?.files.map((f) => f.file)).toContain('onnx/model_int8.onnx');

    // Once downloaded, the plan comes from the cache: no API call, no download.
    hub.requests.length = 0;
    const again = (await h.run({ type: 'models.files', modelId: spec.id }, spec)).result as ResultOf<'models.files'>;
    expect(again).toMatchObject({ source: 'cache', file: 'onnx/model_int8.onnx' });
    expect(hub.requests).toEqual([]);
  });

  it("gives the same completion as the fixture's own model_quantized.onnx (the same bytes under another name)", async () => {
    const a = (await nodeHost(hub.url, memoryCache(), undefined, kernels).run(complete, spec)).result as ResultOf<'complete'>;
    const b = (await nodeHost(hub.url, memoryCache(), undefined, kernels).run(complete, gpt2('tiny-gpt2'))).result as ResultOf<'complete'>;
    expect(a.alternatives).toEqual(b.alternatives);
  });
});

describe('other layouts', () => {
  it('with model_quantized.onnx: that one is preferred', async () => {
    const spec = gpt2('gpt2-hub-quantized');
    await nodeHost(hub.url).run(complete, spec);
    expect(onnxGets().map((r) => r.path)).toEqual([pinned(spec.id, 'onnx/model_quantized.onnx')]);
  });

  it('legacy names only: decoder_model_merged_quantized.onnx, loaded by transformers.js as model_file_name + dtype', async () => {
    const spec = gpt2('gpt2-hub-legacy');
    const h = nodeHost(hub.url, memoryCache(), undefined, kernels);
    const files = (await h.run({ type: 'models.files', modelId: spec.id }, spec)).result as ResultOf<'models.files'>;
    expect(files.file).toBe('onnx/decoder_model_merged_quantized.onnx');
    const { result } = await h.run(complete, spec);
    expect((result as ResultOf<'complete'>).alternatives[0]!.length).toBeGreaterThan(0);
    expect(onnxGets().map((r) => r.path)).toEqual([pinned(spec.id, 'onnx/decoder_model_merged_quantized.onnx')]);
    const status = (await h.run({ type: 'status' })).result as ResultOf<'status'>;
    expect(status.loaded.find((m) => m.id === spec.id)).toMatchObject({
      file: 'onnx/decoder_model_merged_quantized.onnx',
      head: "int8 head in Sesame's kernel",
    });
  });

  it('fp32 from the v3 layout: model.onnx', async () => {
    const spec = { ...gpt2('gpt2-hub-v3'), dtype: 'fp32' as const };
    const files = (await nodeHost(hub.url).run({ type: 'models.files', modelId: spec.id }, spec)).result as ResultOf<'models.files'>;
    expect(files).toMatchObject({ source: 'hub', file: 'onnx/model.onnx' });
    expect(files.note).toBeUndefined();
  });

  it('nothing usable: says so before and at download, and fetches no model file', async () => {
    const spec = gpt2('gpt2-hub-empty');
    const h = nodeHost(hub.url);
    const files = (await h.run({ type: 'models.files', modelId: spec.id }, spec)).result as ResultOf<'models.files'>;
    expect(files).toMatchObject({ source: 'hub', bytes: null, files: [] });
    expect(files.file).toBeUndefined();
    expect(files.note).toMatch(
      /^sesame-fixtures\/gpt2-hub-empty has no q8 ONNX file Sesame can load \(looked for onnx\/model_quantized\.onnx, .*\); it holds no ONNX file\.$/,
    );
    const error = await h.run({ type: 'models.download', modelId: spec.id }, spec).catch((e: { code: string; message: string }) => e);
    expect(error).toMatchObject({
      code: 'model-load',
      message: expect.stringMatching(/^Could not load model sesame-fixtures\/gpt2-hub-empty: .*has no q8 ONNX file/),
    });
    expect(hub.requests.filter((r) => r.path.includes('/resolve/'))).toEqual([]);
  });

  it("a mirror without the API: the registry's default name and an estimate, said so, and the load still works", async () => {
    hub.setFault((_req, info) => (info.api ? { status: 404, body: 'Not Found' } : null));
    const spec = gpt2('tiny-gpt2');
    const h = nodeHost(hub.url);
    const files = (await h.run({ type: 'models.files', modelId: spec.id }, spec)).result as ResultOf<'models.files'>;
    expect(files).toMatchObject({ source: 'estimate', file: 'onnx/model_quantized.onnx', files: [], bytes: null });
    expect(files.note).toMatch(
      /^No file list from http:\/\/127\.0\.0\.1:\d+\/ \(.*answered 404\): sizes are estimates, Sesame asks for onnx\/model_quantized\.onnx at main, and no hashes check the files\.$/,
    );
    const { result } = await h.run(complete, spec);
    expect((result as ResultOf<'complete'>).alternatives[0]!.length).toBeGreaterThan(0);
    expect(onnxGets().map((r) => r.path)).toEqual([`/${spec.id}/resolve/main/onnx/model_quantized.onnx`]);
  });

  it('a mirror that only serves files (api: false), without redirects: the same fallback, and the download works', async () => {
    const mirror: Hub = await startHubServer({ root: '.fixtures/hub', api: false, redirect: false });
    try {
      const spec = gpt2('tiny-gpt2');
      const h = nodeHost(mirror.url);
      const files = (await h.run({ type: 'models.files', modelId: spec.id }, spec, { remoteHost: `${mirror.url}/` })).result as ResultOf<'models.files'>;
      expect(files).toMatchObject({ source: 'estimate', file: 'onnx/model_quantized.onnx' });
      expect(mirror.requests.map((r) => [r.path, r.status])).toEqual([[`/api/models/${spec.id}/revision/main`, 404]]);
      await h.run(complete, spec, { remoteHost: `${mirror.url}/` });
      expect(mirror.redirects).toEqual([]);
      expect(mirror.requests.filter((r) => r.path.endsWith('.onnx')).map((r) => r.origin)).toEqual(['hub']);
    } finally {
      await mirror.close();
    }
  });

  it('a registry id behind a mirror without the API: the registry estimate', async () => {
    hub.setFault((_req, info) => (info.api ? { status: 404 } : null));
    const spec: ModelSpec = { id: 'Xenova/distilgpt2', family: 'gpt2', dtype: 'q8' };
    const files = (await nodeHost(hub.url).run({ type: 'models.files', modelId: spec.id }, spec)).result as ResultOf<'models.files'>;
    expect(files).toMatchObject({ source: 'estimate', bytes: 85_000_000, file: 'onnx/decoder_model_merged_quantized.onnx' });
  });
});
