#!/usr/bin/env node
// A loopback HTTP server laid out like the Hugging Face hub, serving fixture models from disk.
// No dependencies.
//
//   GET/HEAD /{org}/{name}/resolve/{revision}/{path...}  ->  {root}/{org}/{name}/{path...}
//   GET/HEAD /{name}/resolve/{revision}/{path...}        ->  {root}/{name}/{path...}
//
// The revision is ignored. Single byte ranges (`Range: bytes=a-b`, as transformers.js uses to read
// a file's size) answer 206 with Content-Range. Every response carries the CORS headers an extension
// page or offscreen document needs, and `Cache-Control: no-store` so the browser's HTTP cache never
// hides a request from the tests.
//
//   import { startHubServer } from './tests/support/hub-server.mjs';
//   const hub = await startHubServer({ root: '.fixtures/hub' });
//   hub.url           // 'http://127.0.0.1:PORT'
//   hub.requests      // [{ method, path, status, bytes, time, ... }], one per request
//   hub.setFault((req, info) => info.file === 'onnx/model_quantized.onnx' ? { cutAfterBytes: 1000 } : null);
//   await hub.close();
//
// The fault function gets (req, { repo, revision, file }) and returns null/undefined (normal answer)
// or an object combining:
//   { delayMs: N }        wait N ms before answering
//   { status: 500 }       answer that status (any) with a short body instead of the file
//   { cutAfterBytes: N }  headers with the full Content-Length, N body bytes, then destroy the socket
//   { chunkDelayMs: N, chunkSize?: 65536 }  stream the body in chunks with N ms between them
//                         (slow downloads, to observe progress)
//
// CLI: node tests/support/hub-server.mjs [--port 8765] [--host 127.0.0.1] [--root .fixtures/hub] [--quiet]
import { createHash } from 'node:crypto';
import { createReadStream, promises as fsp } from 'node:fs';
import { createServer } from 'node:http';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const MIME = {
  '.json': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.md': 'text/markdown; charset=utf-8',
  '.model': 'application/octet-stream',
  '.onnx': 'application/octet-stream',
  '.onnx_data': 'application/octet-stream',
  '.bin': 'application/octet-stream',
  '.safetensors': 'application/octet-stream',
};

const EXPOSE = 'Content-Length, ETag, Content-Range, Accept-Ranges, Content-Type, X-Repo-Commit';

const CORS = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Expose-Headers': EXPOSE,
  'Cross-Origin-Resource-Policy': 'cross-origin',
  'Timing-Allow-Origin': '*',
};

/**
 * Split a raw request path into the model folder and file inside it.
 * Returns { segments } or { error } (never resolves `.`/`..`, so traversal cannot slip through).
 */
export function parseHubPath(rawUrl) {
  const q = rawUrl.indexOf('?');
  const rawPath = q >= 0 ? rawUrl.slice(0, q) : rawUrl;
  if (!rawPath.startsWith('/')) return { error: 'bad path' };
  const parts = rawPath.slice(1).split('/');
  const segments = [];
  for (const p of parts) {
    let s;
    try {
      s = decodeURIComponent(p);
    } catch {
      return { error: 'bad encoding' };
    }
    if (s === '' || s === '.' || s === '..' || /[\\/\0]/.test(s)) return { error: 'bad path segment' };
    segments.push(s);
  }
  const at = segments.indexOf('resolve');
  // /{name}/resolve/{rev}/{file...} or /{org}/{name}/resolve/{rev}/{file...}
  if ((at !== 1 && at !== 2) || segments.length < at + 3) return { error: 'not a resolve path' };
  return { repo: segments.slice(0, at), revision: segments[at + 1], file: segments.slice(at + 2) };
}

function parseRange(header, size) {
  const m = /^bytes=(\d*)-(\d*)$/.exec(String(header).trim());
  if (!m || (m[1] === '' && m[2] === '')) return null; // ignore unsupported (multi-range) forms
  let start;
  let end;
  if (m[1] === '') {
    const n = Number(m[2]);
    start = Math.max(0, size - n);
    end = size - 1;
  } else {
    start = Number(m[1]);
    end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  }
  if (start >= size || end < start) return { unsatisfiable: true };
  return { start, end };
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export async function startHubServer({ root = '.fixtures/hub', port = 0, host = '127.0.0.1', log = null } = {}) {
  const rootAbs = path.resolve(root);
  let rootReal;
  try {
    rootReal = await fsp.realpath(rootAbs);
  } catch {
    rootReal = rootAbs; // root may be created later; files are then checked against the plain path
  }
  /** @type {{method:string,path:string,status:number,bytes:number,time:number,range?:string,durationMs?:number,aborted?:boolean,fault?:object}[]} */
  const requests = [];
  let fault = null;

  async function resolveFile(segments) {
    const candidate = path.join(rootAbs, ...segments);
    if (candidate !== rootAbs && !candidate.startsWith(rootAbs + path.sep)) return null;
    let real;
    try {
      real = await fsp.realpath(candidate);
    } catch {
      return null;
    }
    const base = await fsp.realpath(rootAbs).catch(() => rootReal);
    if (!real.startsWith(base + path.sep)) return null; // symlink out of the root
    const st = await fsp.stat(real).catch(() => null);
    if (!st || !st.isFile()) return null;
    return { file: real, stat: st };
  }

  const server = createServer(async (req, res) => {
    const entry = {
      method: req.method ?? 'GET',
      path: (req.url ?? '/').split('?')[0],
      status: 0,
      bytes: 0,
      time: Date.now(),
    };
    if (req.headers.range) entry.range = String(req.headers.range);
    requests.push(entry);
    const t0 = process.hrtime.bigint();
    res.on('close', () => {
      entry.durationMs = Number(process.hrtime.bigint() - t0) / 1e6;
      if (!res.writableFinished) entry.aborted = true;
      if (log) log(entry);
    });
    const send = (status, body, headers = {}) => {
      entry.status = status;
      const buf = Buffer.from(body ?? '');
      res.writeHead(status, {
        ...CORS,
        'Content-Type': 'text/plain; charset=utf-8',
        'Content-Length': String(buf.length),
        'Cache-Control': 'no-store',
        ...headers,
      });
      if (req.method === 'HEAD') return res.end();
      entry.bytes = buf.length;
      res.end(buf);
    };

    try {
      const parsed = parseHubPath(req.url ?? '/');
      let f = null;
      if (typeof fault === 'function') {
        const info = parsed.error ? { error: parsed.error } : { repo: parsed.repo.join('/'), revision: parsed.revision, file: parsed.file.join('/') };
        f = (await fault(req, info)) ?? null;
        if (f) entry.fault = f;
      }
      if (f?.delayMs) await sleep(f.delayMs);

      if (req.method === 'OPTIONS') {
        entry.status = 204;
        res.writeHead(204, {
          ...CORS,
          'Access-Control-Allow-Methods': 'GET, HEAD, OPTIONS',
          'Access-Control-Allow-Headers': req.headers['access-control-request-headers'] || '*',
          'Access-Control-Max-Age': '86400',
          'Content-Length': '0',
        });
        return res.end();
      }
      if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, 'Method Not Allowed', { Allow: 'GET, HEAD, OPTIONS' });
      if (parsed.error) return send(parsed.error === 'not a resolve path' ? 404 : 400, parsed.error === 'not a resolve path' ? 'Repository not found' : 'Bad Request');
      if (f?.status) return send(f.status, f.body ?? (f.status >= 500 ? 'Internal Error' : 'Error'));

      const found = await resolveFile([...parsed.repo, ...parsed.file]);
      if (!found) return send(404, 'Entry not found', { 'X-Error-Code': 'EntryNotFound', 'X-Error-Message': 'Entry not found' });

      const size = found.stat.size;
      const etag = '"' + createHash('sha1').update(`${found.file}:${size}:${found.stat.mtimeMs}`).digest('hex') + '"';
      const headers = {
        ...CORS,
        'Content-Type': MIME[path.extname(found.file).toLowerCase()] ?? 'application/octet-stream',
        ETag: etag,
        'Accept-Ranges': 'bytes',
        'Cache-Control': 'no-store',
        'X-Repo-Commit': '0000000000000000000000000000000000000000',
      };
      let start = 0;
      let end = size - 1;
      let status = 200;
      if (req.headers.range) {
        const r = parseRange(req.headers.range, size);
        if (r?.unsatisfiable) return send(416, 'Range Not Satisfiable', { 'Content-Range': `bytes */${size}` });
        if (r) {
          ({ start, end } = r);
          status = 206;
          headers['Content-Range'] = `bytes ${start}-${end}/${size}`;
        }
      }
      const length = size === 0 ? 0 : end - start + 1;
      headers['Content-Length'] = String(length);
      entry.status = status;
      res.writeHead(status, headers);
      if (req.method === 'HEAD' || length === 0) return res.end();

      const cut = typeof f?.cutAfterBytes === 'number' ? Math.max(0, Math.min(f.cutAfterBytes, length)) : null;
      const chunkDelayMs = Number(f?.chunkDelayMs) || 0;
      if (cut !== null || chunkDelayMs > 0) {
        // Manual, chunked sending: slow streaming and/or a cut after N bytes.
        const limit = cut ?? length;
        const chunkSize = Math.max(1, Number(f?.chunkSize) || 64 * 1024);
        const write = (buf) => new Promise((ok) => res.write(buf, () => ok()));
        res.flushHeaders();
        const fh = await fsp.open(found.file, 'r');
        try {
          let sent = 0;
          while (sent < limit && !res.destroyed) {
            const n = Math.min(chunkSize, limit - sent);
            const buf = Buffer.alloc(n);
            const { bytesRead } = await fh.read(buf, 0, n, start + sent);
            if (!bytesRead) break;
            entry.bytes += bytesRead;
            sent += bytesRead;
            // the write callback fires once the bytes reached the kernel, so a cut really delivers N bytes
            await write(bytesRead === n ? buf : buf.subarray(0, bytesRead));
            if (chunkDelayMs && sent < limit) await sleep(chunkDelayMs);
          }
        } finally {
          await fh.close();
        }
        if (cut !== null && cut < length) {
          entry.aborted = true;
          if (cut === 0) res.socket?.end(() => res.socket?.destroy());
          else res.socket?.destroy();
        } else {
          res.end();
        }
        return;
      }

      const stream = createReadStream(found.file, { start, end });
      stream.on('data', (chunk) => {
        entry.bytes += chunk.length;
      });
      stream.on('error', () => res.destroy());
      res.on('close', () => stream.destroy());
      stream.pipe(res);
    } catch (e) {
      if (!res.headersSent) send(500, 'Internal Error');
      else res.destroy();
    }
  });

  await new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(port, host, () => {
      server.off('error', fail);
      ok();
    });
  });
  const address = server.address();
  const actualPort = typeof address === 'object' && address ? address.port : port;
  const urlHost = host.includes(':') ? `[${host}]` : host;

  return {
    url: `http://${urlHost}:${actualPort}`,
    port: actualPort,
    root: rootAbs,
    requests,
    setFault(fn) {
      fault = typeof fn === 'function' ? fn : null;
    },
    close() {
      return new Promise((ok) => {
        server.close(() => ok());
        server.closeAllConnections?.();
      });
    },
  };
}

function parseCli(argv) {
  const o = { port: 8765, host: '127.0.0.1', root: '.fixtures/hub', quiet: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const [flag, inline] = a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    const val = () => inline ?? argv[++i];
    if (flag === '--port') o.port = Number(val());
    else if (flag === '--host') o.host = val();
    else if (flag === '--root') o.root = val();
    else if (flag === '--quiet') o.quiet = true;
    else if (flag === '-h' || flag === '--help') {
      console.log('usage: node tests/support/hub-server.mjs [--port 8765] [--host 127.0.0.1] [--root .fixtures/hub] [--quiet]');
      process.exit(0);
    } else {
      console.error(`unknown argument ${a}`);
      process.exit(2);
    }
  }
  return o;
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const o = parseCli(process.argv.slice(2));
  const log = o.quiet ? null : (e) => console.log(`${e.status} ${e.method} ${e.path} ${e.bytes}B${e.range ? ` range=${e.range}` : ''}${e.aborted ? ' (aborted)' : ''}`);
  const hub = await startHubServer({ root: o.root, port: o.port, host: o.host, log });
  console.log(`hub serving ${hub.root} at ${hub.url}/  (e.g. ${hub.url}/sesame-fixtures/tiny-bert-uncased/resolve/main/config.json)`);
  const stop = () => hub.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

export default startHubServer;
