import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error plain ESM helper without types
import { startHubServer } from '../../support/hub-server.mjs';

interface HubRequest {
  method: string;
  path: string;
  status: number;
  bytes: number;
  time: number;
  range?: string;
  aborted?: boolean;
  origin?: 'hub' | 'cdn';
}
interface Hub {
  url: string;
  port: number;
  requests: HubRequest[];
  setFault(fn: ((req: { url?: string; method?: string }, info: { file?: string }) => unknown) | null): void;
  close(): Promise<void>;
}

/** Raw HTTP request: the path goes on the wire exactly as given (fetch would normalize `..`). */
function raw(
  port: number,
  path: string,
  method = 'GET',
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer; complete: boolean }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      let done = false;
      const finish = () => {
        if (done) return;
        done = true;
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks), complete: res.complete });
      };
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', finish);
      res.on('aborted', finish);
      res.on('error', finish);
      res.on('close', finish);
    });
    req.on('error', reject);
    req.end();
  });
}

const payload = Buffer.from(Array.from({ length: 4096 }, (_, i) => i % 251));

describe('hub-server', () => {
  let dir: string;
  let hub: Hub;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sesame-hub-'));
    const root = join(dir, 'hub');
    mkdirSync(join(root, 'org', 'tiny', 'onnx'), { recursive: true });
    writeFileSync(join(root, 'org', 'tiny', 'config.json'), '{"model_type":"bert"}');
    writeFileSync(join(root, 'org', 'tiny', 'onnx', 'model.onnx'), payload);
    writeFileSync(join(dir, 'secret.txt'), 'top secret');
    hub = await startHubServer({ root, redirect: false });
  });

  afterEach(() => {
    hub.setFault(null);
    hub.requests.length = 0;
  });

  afterAll(async () => {
    await hub.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves files by /{org}/{name}/resolve/{revision}/{path} with hub-like headers', async () => {
    const res = await fetch(`${hub.url}/org/tiny/resolve/main/config.json`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('{"model_type":"bert"}');
    expect(res.headers.get('content-length')).toBe('21');
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.headers.get('etag')).toMatch(/^".+"$/);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('access-control-expose-headers')).toMatch(/Content-Length/);
    expect(res.headers.get('access-control-expose-headers')).toMatch(/ETag/);
    expect(res.headers.get('cross-origin-resource-policy')).toBe('cross-origin');

    const bin = await fetch(`${hub.url}/org/tiny/resolve/some-revision/onnx/model.onnx`);
    expect(Buffer.from(await bin.arrayBuffer()).equals(payload)).toBe(true);

    expect(hub.requests.map((r) => [r.method, r.path, r.status, r.bytes])).toEqual([
      ['GET', '/org/tiny/resolve/main/config.json', 200, 21],
      ['GET', '/org/tiny/resolve/some-revision/onnx/model.onnx', 200, payload.length],
    ]);
    expect(typeof hub.requests[0]!.time).toBe('number');
  });

  it('answers HEAD, byte ranges and CORS preflight', async () => {
    const head = await fetch(`${hub.url}/org/tiny/resolve/main/onnx/model.onnx`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe(String(payload.length));

    const range = await fetch(`${hub.url}/org/tiny/resolve/main/onnx/model.onnx`, { headers: { Range: 'bytes=0-0' } });
    expect(range.status).toBe(206);
    expect(range.headers.get('content-range')).toBe(`bytes 0-0/${payload.length}`);
    expect((await range.arrayBuffer()).byteLength).toBe(1);

    const pre = await raw(hub.port, '/org/tiny/resolve/main/onnx/model.onnx', 'OPTIONS', {
      Origin: 'chrome-extension://abc',
      'Access-Control-Request-Method': 'GET',
      'Access-Control-Request-Headers': 'range',
    });
    expect(pre.status).toBe(204);
    expect(pre.headers['access-control-allow-origin']).toBe('*');
    expect(String(pre.headers['access-control-allow-headers'])).toMatch(/range/i);
    expect(hub.requests.map((r) => r.method)).toEqual(['HEAD', 'GET', 'OPTIONS']);
    expect(hub.requests[1]!.bytes).toBe(1);
  });

  it('404s missing files with "Entry not found"', async () => {
    const res = await fetch(`${hub.url}/org/tiny/resolve/main/onnx/model_fp16.onnx`);
    expect(res.status).toBe(404);
    expect(await res.text()).toBe('Entry not found');
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect((await fetch(`${hub.url}/org/missing/resolve/main/config.json`)).status).toBe(404);
    expect((await fetch(`${hub.url}/org/tiny/resolve/main/onnx`)).status).toBe(404); // a folder
    expect(hub.requests.every((r) => r.status === 404)).toBe(true);
  });

  it('never serves anything outside the root', async () => {
    const attempts = [
      '/org/tiny/resolve/main/../../../secret.txt',
      '/org/tiny/resolve/main/%2e%2e/%2e%2e/%2e%2e/secret.txt',
      '/org/tiny/resolve/main/..%2f..%2f..%2fsecret.txt',
      '/../secret.txt',
      '/org/tiny/resolve/main/%2e%2e%5c%2e%2e%5c%2e%2e%5csecret.txt',
    ];
    for (const p of attempts) {
      const res = await raw(hub.port, p);
      expect(res.status, p).toBeGreaterThanOrEqual(400);
      expect(res.body.toString()).not.toContain('top secret');
    }
  });

  it('cuts a download mid-file when the fault says so', async () => {
    hub.setFault((_req, info) => (info.file === 'onnx/model.onnx' ? { cutAfterBytes: 1000 } : null));
    const res = await raw(hub.port, '/org/tiny/resolve/main/onnx/model.onnx');
    expect(res.status).toBe(200);
    expect(res.headers['content-length']).toBe(String(payload.length));
    expect(res.complete).toBe(false);
    expect(res.body.length).toBe(1000);
    expect(res.body.equals(payload.subarray(0, 1000))).toBe(true);

    // fetch sees the cut as a body error
    await expect(fetch(`${hub.url}/org/tiny/resolve/main/onnx/model.onnx`).then((r) => r.arrayBuffer())).rejects.toThrow();

    // other files are unaffected
    expect((await fetch(`${hub.url}/org/tiny/resolve/main/config.json`)).status).toBe(200);
    expect(hub.requests.map((r) => [r.path.split('/').pop(), r.status, r.bytes])).toEqual([
      ['model.onnx', 200, 1000],
      ['model.onnx', 200, 1000],
      ['config.json', 200, 21],
    ]);
  });

  it('streams slowly in chunks when asked', async () => {
    hub.setFault(() => ({ chunkDelayMs: 20, chunkSize: 1024 }));
    const t0 = Date.now();
    const res = await fetch(`${hub.url}/org/tiny/resolve/main/onnx/model.onnx`);
    const body = Buffer.from(await res.arrayBuffer());
    expect(body.equals(payload)).toBe(true);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(55); // 4 chunks, 3 pauses
    expect(hub.requests[0]).toMatchObject({ status: 200, bytes: payload.length });
    expect(hub.requests[0]!.aborted).toBeUndefined();
  });

  it('answers injected error statuses and delays', async () => {
    hub.setFault(() => ({ status: 500 }));
    const res = await fetch(`${hub.url}/org/tiny/resolve/main/config.json`);
    expect(res.status).toBe(500);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');

    hub.setFault(() => ({ delayMs: 150 }));
    const t0 = Date.now();
    const slow = await fetch(`${hub.url}/org/tiny/resolve/main/config.json`);
    expect(slow.status).toBe(200);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(140);
    expect(hub.requests.map((r) => r.status)).toEqual([500, 200]);
  });
});

interface TreeEntry {
  type: 'file' | 'directory';
  path: string;
  size: number;
  oid: string;
  lfs?: { oid: string; size: number; pointerSize: number };
}

describe('hub-server: the hub API and CDN redirects (the default)', () => {
  let dir: string;
  let hub: Hub & { cdnUrl: string; redirects: { path: string; status: number; location: string }[]; requests: HubRequest[] };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sesame-hub-api-'));
    const root = join(dir, 'hub');
    mkdirSync(join(root, 'org', 'tiny', 'onnx'), { recursive: true });
    writeFileSync(join(root, 'org', 'tiny', 'config.json'), '{"model_type":"gpt2"}');
    writeFileSync(join(root, 'org', 'tiny', 'onnx', 'model.onnx'), payload);
    writeFileSync(join(root, 'org', 'tiny', 'onnx', 'model_q.onnx'), payload.subarray(0, 100));
    hub = await startHubServer({
      root,
      repos: { 'org/renamed': { 'config.json': 'org/tiny/config.json', 'onnx/model_int8.onnx': 'org/tiny/onnx/model_q.onnx' } },
    });
  });

  afterEach(() => {
    hub.setFault(null);
    hub.requests.length = 0;
    hub.redirects.length = 0;
  });

  afterAll(async () => {
    await hub.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('lists a repo recursively with sizes, oids and lfs fields, like /api/models/{id}/tree/{rev}', async () => {
    const res = await fetch(`${hub.url}/api/models/org/tiny/tree/main?recursive=true`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    const tree = (await res.json()) as TreeEntry[];
    expect(tree.map((e) => [e.type, e.path, e.size])).toEqual([
      ['file', 'config.json', 21],
      ['directory', 'onnx', 0],
      ['file', 'onnx/model.onnx', payload.length],
      ['file', 'onnx/model_q.onnx', 100],
    ]);
    expect(tree[0]!.lfs).toBeUndefined();
    expect(tree[0]!.oid).toMatch(/^[0-9a-f]{40}$/);
    expect(tree[2]!.lfs).toEqual({ oid: expect.stringMatching(/^[0-9a-f]{64}$/), size: payload.length, pointerSize: 134 });

    // Without recursive: the top level only; a folder path lists that folder.
    const top = (await (await fetch(`${hub.url}/api/models/org/tiny/tree/main`)).json()) as TreeEntry[];
    expect(top.map((e) => e.path)).toEqual(['config.json', 'onnx']);
    const onnx = (await (await fetch(`${hub.url}/api/models/org/tiny/tree/main/onnx`)).json()) as TreeEntry[];
    expect(onnx.map((e) => e.path)).toEqual(['onnx/model.onnx', 'onnx/model_q.onnx']);
  });

  it("lists the hub's hashes: an LFS file's content SHA-256, a git file's blob id (as `git hash-object`)", async () => {
    const tree = (await (await fetch(`${hub.url}/api/models/org/tiny/tree/main?recursive=true`)).json()) as TreeEntry[];
    const config = Buffer.from('{"model_type":"gpt2"}');
    expect(tree[0]!.oid).toBe(createHash('sha1').update(`blob ${config.length}\0`).update(config).digest('hex'));
    expect(tree[2]!.lfs!.oid).toBe(createHash('sha256').update(payload).digest('hex'));
    // An LFS file's oid is its pointer's, not the content's blob id.
    expect(tree[2]!.oid).not.toBe(createHash('sha1').update(`blob ${payload.length}\0`).update(payload).digest('hex'));
    // A virtual repo lists the hashes of the files it maps to.
    const renamed = (await (await fetch(`${hub.url}/api/models/org/renamed/tree/main?recursive=true`)).json()) as TreeEntry[];
    expect(renamed.find((e) => e.path === 'onnx/model_int8.onnx')!.lfs!.oid).toBe(createHash('sha256').update(payload.subarray(0, 100)).digest('hex'));
  });

  it('faults: `corrupt` serves other bytes of the same length; `tree` rewrites the listing; both see the revision asked for', async () => {
    const seen: unknown[] = [];
    hub.setFault((_req, info) => {
      seen.push(info);
      const i = info as { api?: string; file?: string; revision?: string };
      if (i.api === 'tree') return { tree: (entries: TreeEntry[]) => entries.map((e) => ({ ...e, oid: '0'.repeat(40) })) };
      return i.file === 'config.json' && i.revision === 'main' ? { corrupt: true } : null;
    });
    const config = Buffer.from('{"model_type":"gpt2"}');
    const main = await fetch(`${hub.url}/org/tiny/resolve/main/config.json`);
    const bytes = Buffer.from(await main.arrayBuffer());
    expect(main.headers.get('content-length')).toBe(String(config.length));
    expect(bytes.length).toBe(config.length);
    expect(bytes.equals(config)).toBe(false);
    expect([...bytes].filter((b, i) => b !== config[i])).toHaveLength(1);
    // Another revision is not faulted: the file as it is.
    const pinned = Buffer.from(await (await fetch(`${hub.url}/org/tiny/resolve/${'a'.repeat(40)}/config.json`)).arrayBuffer());
    expect(pinned.equals(config)).toBe(true);
    expect(seen).toContainEqual({ repo: 'org/tiny', revision: 'a'.repeat(40), file: 'config.json' });
    const tree = (await (await fetch(`${hub.url}/api/models/org/tiny/tree/main?recursive=true`)).json()) as TreeEntry[];
    expect(new Set(tree.map((e) => e.oid))).toEqual(new Set(['0'.repeat(40)]));
  });

  it('answers /api/models/{id}/revision/{rev} with the commit sha and siblings; unknown repos 404 as JSON', async () => {
    const info = (await (await fetch(`${hub.url}/api/models/org/tiny/revision/main`)).json()) as { id: string; sha: string; siblings: { rfilename: string }[] };
    expect(info.id).toBe('org/tiny');
    expect(info.sha).toMatch(/^[0-9a-f]{40}$/);
    expect(info.siblings.map((s) => s.rfilename)).toEqual(['config.json', 'onnx/model.onnx', 'onnx/model_q.onnx']);
    const again = (await (await fetch(`${hub.url}/api/models/org/tiny/revision/main`)).json()) as { sha: string };
    expect(again.sha).toBe(info.sha);

    const missing = await fetch(`${hub.url}/api/models/org/missing/tree/main?recursive=true`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ error: 'Repository not found' });
  });

  it('serves virtual repos made of renamed files, in the listing and the downloads', async () => {
    const tree = (await (await fetch(`${hub.url}/api/models/org/renamed/tree/main?recursive=true`)).json()) as TreeEntry[];
    expect(tree.filter((e) => e.type === 'file').map((e) => [e.path, e.size])).toEqual([
      ['config.json', 21],
      ['onnx/model_int8.onnx', 100],
    ]);
    const body = Buffer.from(await (await fetch(`${hub.url}/org/renamed/resolve/main/onnx/model_int8.onnx`)).arrayBuffer());
    expect(body.equals(payload.subarray(0, 100))).toBe(true);
    // Only the mapped names exist in a virtual repo.
    expect((await fetch(`${hub.url}/org/renamed/resolve/main/onnx/model_q.onnx`)).status).toBe(404);
  });

  it('redirects LFS downloads to a second origin (the CDN) and serves small files itself', async () => {
    const manual = await fetch(`${hub.url}/org/tiny/resolve/main/onnx/model.onnx`, { redirect: 'manual' });
    expect(manual.status).toBe(302);
    expect(manual.headers.get('location')).toBe(`${hub.cdnUrl}/org/tiny/resolve/main/onnx/model.onnx`);
    expect(manual.headers.get('access-control-allow-origin')).toBe('*');
    expect(hub.cdnUrl).not.toBe(hub.url);

    const followed = await fetch(`${hub.url}/org/tiny/resolve/main/onnx/model.onnx`);
    expect(followed.url).toBe(`${hub.cdnUrl}/org/tiny/resolve/main/onnx/model.onnx`);
    expect(followed.headers.get('access-control-allow-origin')).toBe('*');
    expect(followed.headers.get('access-control-expose-headers')).toMatch(/Content-Length/);
    expect(Buffer.from(await followed.arrayBuffer()).equals(payload)).toBe(true);

    // A range survives the redirect.
    const range = await fetch(`${hub.url}/org/tiny/resolve/main/onnx/model.onnx`, { headers: { Range: 'bytes=0-0' } });
    expect(range.status).toBe(206);
    expect(range.headers.get('content-range')).toBe(`bytes 0-0/${payload.length}`);

    const config = await fetch(`${hub.url}/org/tiny/resolve/main/config.json`);
    expect(config.url).toBe(`${hub.url}/org/tiny/resolve/main/config.json`);
    expect(config.status).toBe(200);

    // The log holds answers with content, by origin; the 302s are kept apart.
    expect(hub.requests.map((r) => [r.origin, r.path.split('/').pop(), r.status])).toEqual([
      ['cdn', 'model.onnx', 200],
      ['cdn', 'model.onnx', 206],
      ['hub', 'config.json', 200],
    ]);
    expect(hub.redirects.map((r) => r.status)).toEqual([302, 302, 302]);
  });

  it('applies faults to the CDN answer, not to the redirect', async () => {
    const seen: string[] = [];
    hub.setFault((req, info) => {
      seen.push(String(req.url));
      return info.file === 'onnx/model.onnx' ? { cutAfterBytes: 1000 } : null;
    });
    await expect(fetch(`${hub.url}/org/tiny/resolve/main/onnx/model.onnx`).then((r) => r.arrayBuffer())).rejects.toThrow();
    expect(seen).toEqual(['/org/tiny/resolve/main/onnx/model.onnx']);
    expect(hub.requests).toMatchObject([{ origin: 'cdn', status: 200, bytes: 1000 }]);

    hub.setFault((_req, info) => ((info as { api?: string }).api === 'tree' ? { status: 500 } : null));
    expect((await fetch(`${hub.url}/api/models/org/tiny/tree/main`)).status).toBe(500);
    expect((await fetch(`${hub.url}/api/models/org/tiny/revision/main`)).status).toBe(200);
  });
});
