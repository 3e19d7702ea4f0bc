// Downloads pinned to the listing's commit and checked against its hashes, through the loopback
// hub: a file with the wrong bytes (the right length) or a listing with a wrong hash fails the
// load with a clear error and is never cached; a branch that moves between the listing and the
// downloads cannot mix in its files; a model cached before pinning is not downloaded again.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ModelSpec, ResultOf } from '@/models/shared/protocol';
import { cacheKeyFor, REVISION_HEADER } from '@/models/shared/model-files/model-cache';
// @ts-expect-error plain ESM helper without types
import { startHubServer } from '../../../support/hub-server.mjs';
import { memoryCache, nodeHost } from '../../../support/node-host';

interface TreeEntry {
  path: string;
  oid: string;
  lfs?: { oid: string; size: number };
}
interface Hub {
  url: string;
  requests: { method: string; path: string; status: number; origin: 'hub' | 'cdn'; range?: string }[];
  repos: Record<string, Record<string, string>>;
  setFault(fn: ((req: unknown, info: { api?: string; file?: string; revision?: string }) => unknown) | null): void;
  close(): Promise<void>;
}

let hub: Hub;
beforeAll(async () => {
  hub = await startHubServer({ root: '.fixtures/hub' });
});
afterEach(() => {
  hub.setFault(null);
  hub.requests.length = 0;
});
afterAll(async () => {
  await hub?.close();
});

const complete = { type: 'complete' as const, prompt: 'Dear Ms. Patel, thank you for your letter', maxNewTokens: 4 };
const spec = (name: string, dtype: ModelSpec['dtype'] = 'q8'): ModelSpec => ({ id: `sesame-fixtures/${name}`, family: 'gpt2', dtype });
/** The bytes of a virtual repo's file on disk. */
const onDisk = (id: string, file: string) => readFileSync(`.fixtures/hub/${hub.repos[id]![file]}`);
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const downloads = () => hub.requests.filter((r) => r.path.includes('/resolve/') && r.method === 'GET' && !r.range);
type Failure = { code: string; message: string };

/** The diagnostics' word on where a loaded model's files came from. */
async function sourceOf(h: ReturnType<typeof nodeHost>, s: ModelSpec) {
  const status = (await h.run({ type: 'status' })).result as ResultOf<'status'>;
  return status.loaded.find((m) => m.id === s.id && m.dtype === s.dtype)?.source;
}

async function cachedBytes(store: ReturnType<typeof memoryCache>, model: string, file: string) {
  const hit = await store.match(cacheKeyFor({ model, revision: 'main', file }));
  return hit ? { bytes: new Uint8Array(await hit.arrayBuffer()), revision: hit.headers.get(REVISION_HEADER) } : undefined;
}

describe('files that do not match the listing', () => {
  it('an LFS file with the wrong bytes (the right length): the load fails saying so, the file is not cached, the next load works', async () => {
    const s = spec('gpt2-hub-quantized');
    const file = 'onnx/model_quantized.onnx';
    hub.setFault((_req, info) => (info.file === file ? { corrupt: true } : null));
    const store = memoryCache();
    const h = nodeHost(hub.url, store);
    const error = (await h.run(complete, s).catch((e: Failure) => e)) as Failure;
    expect(error.code).toBe('download');
    expect(error.message).toMatch(
      new RegExp(
        `^Could not download model ${s.id}: onnx/model_quantized\\.onnx of ${s.id} from http://127\\.0\\.0\\.1:\\d+ does not match the hub's listing \\(SHA-256 [0-9a-f]{12}…, the download's [0-9a-f]{12}…\\); not stored\\.$`,
      ),
    );
    // The whole file did arrive (same length), and was refused.
    expect(downloads().find((r) => r.path.endsWith(file))?.status).toBe(200);
    expect(await cachedBytes(store, s.id, file)).toBeUndefined();
    const listed = (await h.run({ type: 'models.list' })).result as ResultOf<'models.list'>;
    expect(listed.models.find((m) => m.id === s.id)?.files.map((f) => f.file) ?? []).not.toContain(file);
    expect(((await h.run({ type: 'status' })).result as ResultOf<'status'>).loaded.find((m) => m.id === s.id)).toBeUndefined();

    // The host serves the right bytes again: the same host loads, and keeps the file as listed.
    hub.setFault(null);
    const { result } = await h.run(complete, s);
    expect((result as ResultOf<'complete'>).alternatives[0]!.length).toBeGreaterThan(0);
    const kept = await cachedBytes(store, s.id, file);
    expect(kept && sha256(kept.bytes)).toBe(sha256(onDisk(s.id, file)));
    expect(kept?.revision).toMatch(/^[0-9a-f]{40}$/);
  });

  it('a small git file (tokenizer.json) with the wrong bytes: refused by its git blob id', async () => {
    const s = spec('gpt2-hub-v3');
    hub.setFault((_req, info) => (info.file === 'tokenizer.json' ? { corrupt: true } : null));
    const store = memoryCache();
    const h = nodeHost(hub.url, store);
    const error = (await h.run(complete, s).catch((e: Failure) => e)) as Failure;
    expect(error).toMatchObject({
      code: 'download',
      message: expect.stringMatching(
        /tokenizer\.json of sesame-fixtures\/gpt2-hub-v3 from http:\/\/127\.0\.0\.1:\d+ does not match the hub's listing \(git blob SHA-1 .*\); not stored\.$/,
      ),
    });
    expect(await cachedBytes(store, s.id, 'tokenizer.json')).toBeUndefined();
    hub.setFault(null);
    await h.run(complete, s);
    expect(sha256((await cachedBytes(store, s.id, 'tokenizer.json'))!.bytes)).toBe(sha256(onDisk(s.id, 'tokenizer.json')));
  });

  it('a listing whose hash is wrong: the download is refused and not cached; the listing is read again, and the next load works', async () => {
    const s = spec('gpt2-hub-quantized');
    const file = 'onnx/model_quantized.onnx';
    const wrongOid = (entries: TreeEntry[]) => entries.map((e) => (e.path === file && e.lfs ? { ...e, lfs: { ...e.lfs, oid: '0'.repeat(64) } } : e));
    hub.setFault((_req, info) => (info.api === 'tree' ? { tree: wrongOid } : null));
    const store = memoryCache();
    const h = nodeHost(hub.url, store);
    const error = (await h.run(complete, s).catch((e: Failure) => e)) as Failure;
    expect(error).toMatchObject({
      code: 'download',
      message: expect.stringMatching(
        /onnx\/model_quantized\.onnx of .* does not match the hub's listing \(SHA-256 000000000000…, the download's [0-9a-f]{12}…\); not stored\.$/,
      ),
    });
    expect(await cachedBytes(store, s.id, file)).toBeUndefined();
    hub.setFault(null);
    hub.requests.length = 0;
    await h.run(complete, s);
    // Within the listing's minute, yet read again after the refusal.
    expect(hub.requests.filter((r) => r.path.includes('/api/')).map((r) => r.path.split('/')[5])).toEqual(['revision', 'tree']);
    expect(sha256((await cachedBytes(store, s.id, file))!.bytes)).toBe(sha256(onDisk(s.id, file)));
  });
});

describe('the commit the listing gave', () => {
  it('a branch that moves between the listing and the downloads: every file comes from the listed commit', async () => {
    const s = spec('gpt2-hub-quantized');
    // `main` now serves other bytes (the branch moved); the listed commit still serves its own.
    hub.setFault((_req, info) => (info.file && info.revision === 'main' ? { corrupt: true } : null));
    const store = memoryCache();
    const h = nodeHost(hub.url, store);
    const plan = (await h.run({ type: 'models.files', modelId: s.id }, s)).result as ResultOf<'models.files'>;
    expect(plan.sha).toMatch(/^[0-9a-f]{40}$/);
    const { result } = await h.run(complete, s);
    expect((result as ResultOf<'complete'>).alternatives[0]!.length).toBeGreaterThan(0);
    expect(await sourceOf(h, s)).toBe(
      `hub commit ${plan.sha!.slice(0, 12)}: 5 files downloaded and matched the listing's hashes (5 listed with hashes; the rest came from the cache)`,
    );
    const paths = downloads().map((r) => r.path);
    expect(paths.length).toBeGreaterThanOrEqual(plan.files.length);
    for (const p of paths) expect(p).toContain(`/resolve/${plan.sha}/`);
    // Not even transformers.js's probes (byte ranges) went to the moved branch.
    expect(hub.requests.filter((r) => r.path.includes('/resolve/main/'))).toEqual([]);
    for (const f of plan.files) {
      const kept = await cachedBytes(store, s.id, f.file);
      expect(kept && sha256(kept.bytes), f.file).toBe(sha256(onDisk(s.id, f.file)));
      expect(kept?.revision).toBe(plan.sha);
    }
  });

  it('a model cached under main before pinning: files already there are not downloaded again at the commit', async () => {
    const s = spec('gpt2-hub-quantized');
    // Cached as every download was before pinning: from a host without the API, at `main`.
    hub.setFault((_req, info) => (info.api ? { status: 404 } : null));
    const store = memoryCache();
    const h = nodeHost(hub.url, store);
    await h.run(complete, s);
    expect(downloads().every((r) => r.path.includes('/resolve/main/'))).toBe(true);
    expect((await cachedBytes(store, s.id, 'config.json'))?.revision).toBe('main');
    expect(await sourceOf(h, s)).toBe('no file list from the host (a mirror without the hub API): downloaded at main, no hashes to check');

    // Now with the API: fp32 needs onnx/model.onnx only; the rest is found under main.
    hub.setFault(null);
    hub.requests.length = 0;
    const fp32 = spec('gpt2-hub-quantized', 'fp32');
    const plan = (await h.run({ type: 'models.files', modelId: fp32.id }, fp32)).result as ResultOf<'models.files'>;
    expect(plan).toMatchObject({ source: 'hub', file: 'onnx/model.onnx', sha: expect.stringMatching(/^[0-9a-f]{40}$/) });
    await h.run(complete, fp32);
    expect(downloads().map((r) => r.path)).toEqual([`/${s.id}/resolve/${plan.sha}/onnx/model.onnx`]);
    expect(await sourceOf(h, fp32)).toBe(
      `hub commit ${plan.sha!.slice(0, 12)}: 1 file downloaded and matched the listing's hashes (5 listed with hashes; the rest came from the cache)`,
    );

    // And offline (the host gone), both load from the cache alone.
    hub.setFault(() => ({ status: 503 }));
    hub.requests.length = 0;
    const offline = nodeHost(hub.url, store);
    await offline.run(complete, s);
    await offline.run(complete, fp32);
    expect(hub.requests).toEqual([]);
    expect(await sourceOf(offline, fp32)).toBe('from the cache (not checked again)');
  });
});
