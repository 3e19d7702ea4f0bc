import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error plain ESM helper without types
import { startHubServer } from '../support/hub-server.mjs';

interface HubRequest {
  method: string;
  path: string;
  status: number;
  bytes: number;
  time: number;
  range?: string;
  aborted?: boolean;
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
    hub = await startHubServer({ root });
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
