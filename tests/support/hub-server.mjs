#!/usr/bin/env node
// A loopback HTTP server laid out like the Hugging Face hub, serving fixture models from disk.
// No dependencies.
//
//   GET/HEAD /{org}/{name}/resolve/{revision}/{path...}  ->  {root}/{org}/{name}/{path...}
//   GET/HEAD /{name}/resolve/{revision}/{path...}        ->  {root}/{name}/{path...}
//
//   GET /api/models/{org}/{name}/tree/{revision}[/{folder}]?recursive=true
//        -> [{ type: 'file'|'directory', path, size, oid, lfs?: { oid, size, pointerSize } }]
//   GET /api/models/{org}/{name}/revision/{revision}
//        -> { id, modelId, sha, siblings: [{ rfilename }], … }
//
// Like the hub, large binary files (LFS: .onnx, .onnx_data, .bin, .safetensors, .model) are not
// answered by the hub's origin: `/resolve/` answers 302 to the same path on a second loopback
// origin (`hub.cdnUrl`, the hub's CDN), which serves them with the same CORS headers. Small files
// (config, tokenizer) come straight from the hub. `redirect: false` answers everything directly.
// `hub.requests` lists the requests answered with content (files, API answers, errors) on either
// origin; the 302s are in `hub.redirects`. `api: false` answers the API with a plain 404, like a
// mirror that only serves files. The tree's hashes are the hub's: `lfs.oid` the SHA-256 of an LFS
// file's content, `oid` the git blob id of any other file (SHA-1 of `blob {size}\0{content}`;
// for LFS files, like the hub's, the id of a pointer, here made from the path). The commit sha is
// made from the files' paths, sizes and mtimes (stable while the files are).
//
// Besides the folders under the root, `repos` maps virtual repo ids to files of the root:
// by default (when the tiny GPT-2 fixture exists) repos laid out like the hub's GPT-2 exports
// (VIRTUAL_REPOS below: with and without `onnx/model_quantized.onnx`, legacy names only, none).
//
// Every revision serves the same files (a fault can answer one revision differently: `info.revision`). Single byte ranges (`Range: bytes=a-b`, as transformers.js uses to read
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
// The fault function gets (req, { repo, revision, file }) (for the API: (req, { api: 'tree'|'revision', repo })) and returns null/undefined (normal answer)
// or an object combining:
//   { delayMs: N }        wait N ms before answering
//   { status: 500 }       answer that status (any) with a short body instead of the file
//   { cutAfterBytes: N }  headers with the full Content-Length, N body bytes, then destroy the socket
//   { chunkDelayMs: N, chunkSize?: 65536 }  stream the body in chunks with N ms between them
//                         (slow downloads, to observe progress)
//   { corrupt: true }     the file's length and headers, but one byte (the middle one) changed:
//                         bytes that do not match the listing's hashes
//   { tree: (entries) => entries }  (API) the tree's entries as this function rewrites them
//                         (e.g. a wrong oid)
//
// CLI: node tests/support/hub-server.mjs [--port 8765] [--host 127.0.0.1] [--root .fixtures/hub] [--no-redirect] [--no-api] [--quiet]
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

const EXPOSE = 'Content-Length, ETag, Content-Range, Accept-Ranges, Content-Type, X-Repo-Commit, X-Linked-Size, X-Linked-Etag, Location, Link';

/** Files the hub keeps in LFS, and so redirects to its CDN. */
const LFS_EXT = new Set(['.onnx', '.onnx_data', '.bin', '.safetensors', '.model', '.pt', '.h5', '.msgpack']);
export const isLfs = (file) => LFS_EXT.has(path.extname(file).toLowerCase()) || /\.onnx_data(_\d+)?$/.test(file);

const GPT2 = 'sesame-fixtures/tiny-gpt2';
const GPT2_SIDE = ['config.json', 'generation_config.json', 'merges.txt', 'tokenizer.json', 'tokenizer_config.json', 'vocab.json'];
const side = () => Object.fromEntries(GPT2_SIDE.map((f) => [f, `${GPT2}/${f}`]));
/**
 * Repos laid out like the hub's GPT-2 exports, made of the tiny GPT-2 fixture's files (renamed, as
 * the hub's own renames did: a legacy `decoder_model_merged*.onnx` is the same graph under its old name).
 *   gpt2-hub-v3        like `Xenova/gpt2` today: model.onnx, model_int8.onnx, model_q4.onnx and the
 *                      legacy names, but no model_quantized.onnx
 *   gpt2-hub-quantized the same with model_quantized.onnx
 *   gpt2-hub-legacy    only decoder_model_merged(.onnx, _quantized.onnx)
 *   gpt2-hub-empty     config and tokenizer, no ONNX file at all
 */
export const VIRTUAL_REPOS = {
  'sesame-fixtures/gpt2-hub-v3': {
    ...side(),
    'onnx/model.onnx': `${GPT2}/onnx/model.onnx`,
    'onnx/model_int8.onnx': `${GPT2}/onnx/model_quantized.onnx`,
    'onnx/model_q4.onnx': `${GPT2}/onnx/model_q4.onnx`,
    'onnx/decoder_model_merged.onnx': `${GPT2}/onnx/model.onnx`,
    'onnx/decoder_model_merged_quantized.onnx': `${GPT2}/onnx/model_quantized.onnx`,
  },
  'sesame-fixtures/gpt2-hub-quantized': {
    ...side(),
    'onnx/model.onnx': `${GPT2}/onnx/model.onnx`,
    'onnx/model_quantized.onnx': `${GPT2}/onnx/model_quantized.onnx`,
    'onnx/model_int8.onnx': `${GPT2}/onnx/model_quantized.onnx`,
    'onnx/decoder_model_merged_quantized.onnx': `${GPT2}/onnx/model_quantized.onnx`,
  },
  'sesame-fixtures/gpt2-hub-legacy': {
    ...side(),
    'onnx/decoder_model_merged.onnx': `${GPT2}/onnx/model.onnx`,
    'onnx/decoder_model_merged_quantized.onnx': `${GPT2}/onnx/model_quantized.onnx`,
  },
  'sesame-fixtures/gpt2-hub-empty': side(),
};

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
  if (segments[0] === 'api' && segments[1] === 'models') {
    // /api/models/{org}/{name}/{tree|revision}/{rev}[/{folder...}] (or a bare {name})
    const kind = [3, 4].find((i) => segments[i] === 'tree' || segments[i] === 'revision');
    if (kind === undefined || segments.length < kind + 2) return { error: 'not a resolve path' };
    return { api: segments[kind], repo: segments.slice(2, kind), revision: segments[kind + 1], file: segments.slice(kind + 2) };
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

export async function startHubServer({
  root = '.fixtures/hub',
  port = 0,
  host = '127.0.0.1',
  log = null,
  redirect = true,
  api = true,
  repos = undefined,
} = {}) {
  const rootAbs = path.resolve(root);
  let rootReal;
  try {
    rootReal = await fsp.realpath(rootAbs);
  } catch {
    rootReal = rootAbs; // root may be created later; files are then checked against the plain path
  }
  /** @type {{method:string,path:string,status:number,bytes:number,time:number,origin:'hub'|'cdn',range?:string,durationMs?:number,aborted?:boolean,fault?:object}[]} */
  const requests = [];
  /** @type {{method:string,path:string,status:number,location:string,time:number}[]} */
  const redirects = [];
  let fault = null;
  let cdnUrl = '';
  /** @type {Record<string, Record<string, string>>} */
  const virtual = repos ?? ((await fsp.stat(path.join(rootAbs, GPT2, 'onnx', 'model_quantized.onnx')).catch(() => null)) ? VIRTUAL_REPOS : {});

  /** A repo file's segments under the root: the virtual repos' own map, else the same path. */
  function sourceOf(repoSegments, fileSegments) {
    const repo = repoSegments.join('/');
    const map = virtual[repo];
    if (!map) return [...repoSegments, ...fileSegments];
    const src = map[fileSegments.join('/')];
    return src ? src.split('/') : null;
  }

  /** Every file of a repo: [{ path, file (on disk), stat }], sorted by path. */
  async function listRepo(repoSegments) {
    const repo = repoSegments.join('/');
    const out = [];
    if (virtual[repo]) {
      for (const p of Object.keys(virtual[repo])) {
        const found = await resolveFile(virtual[repo][p].split('/'));
        if (found) out.push({ path: p, ...found });
      }
    } else {
      const dir = path.join(rootAbs, ...repoSegments);
      if (!dir.startsWith(rootAbs + path.sep)) return null;
      const walk = async (rel) => {
        const entries = await fsp.readdir(path.join(dir, ...rel), { withFileTypes: true }).catch(() => null);
        if (!entries) return false;
        for (const e of entries) {
          if (e.isDirectory()) await walk([...rel, e.name]);
          else if (e.isFile()) {
            const found = await resolveFile([...repoSegments, ...rel, e.name]);
            if (found) out.push({ path: [...rel, e.name].join('/'), ...found });
          }
        }
        return true;
      };
      if (!(await walk([]))) return null;
    }
    return out.sort((a, b) => (a.path < b.path ? -1 : 1));
  }

  const hashOf = (algo, text) => createHash(algo).update(text).digest('hex');
  /** Content hashes by file, size and mtime: { sha256, blob } (the git blob id). */
  const contentHashes = new Map();
  async function contentHashOf(x) {
    const key = `${x.file}:${x.stat.size}:${x.stat.mtimeMs}`;
    let known = contentHashes.get(key);
    if (!known) {
      const bytes = await fsp.readFile(x.file);
      known = {
        sha256: createHash('sha256').update(bytes).digest('hex'),
        blob: createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex'),
      };
      contentHashes.set(key, known);
    }
    return known;
  }
  const commitOf = (files) => hashOf('sha1', files.map((f) => `${f.path}:${f.stat.size}:${f.stat.mtimeMs}`).join('\n'));

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
    if (!st?.isFile()) return null;
    return { file: real, stat: st };
  }

  const handler = (origin) => async (req, res) => {
    const entry = {
      method: req.method ?? 'GET',
      path: (req.url ?? '/').split('?')[0],
      status: 0,
      bytes: 0,
      time: Date.now(),
      /** Which origin answered: the hub's own, or the CDN it redirects downloads to. */
      origin,
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
      // A download the hub's origin only redirects: faults and the request log belong to the CDN's answer.
      const redirecting =
        origin === 'hub' && redirect && !parsed.error && !parsed.api && (req.method === 'GET' || req.method === 'HEAD') && isLfs(parsed.file.join('/'));
      if (redirecting) requests.splice(requests.indexOf(entry), 1);
      let f = null;
      if (typeof fault === 'function' && !redirecting) {
        const info = parsed.error
          ? { error: parsed.error }
          : parsed.api
            ? { api: parsed.api, repo: parsed.repo.join('/') }
            : { repo: parsed.repo.join('/'), revision: parsed.revision, file: parsed.file.join('/') };
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
      if (parsed.error)
        return send(parsed.error === 'not a resolve path' ? 404 : 400, parsed.error === 'not a resolve path' ? 'Repository not found' : 'Bad Request');
      if (f?.status) return send(f.status, f.body ?? (f.status >= 500 ? 'Internal Error' : 'Error'));

      if (parsed.api) {
        // A plain mirror (api: false) and the CDN have no API: a 404 that is not the hub's JSON.
        if (origin === 'cdn' || !api) return send(404, 'Not Found');
        const files = await listRepo(parsed.repo);
        const json = (status, body) => send(status, JSON.stringify(body), { 'Content-Type': 'application/json; charset=utf-8' });
        if (!files) return json(404, { error: 'Repository not found' });
        const id = parsed.repo.join('/');
        const sha = commitOf(files);
        if (parsed.api === 'revision') {
          return json(200, { _id: sha.slice(0, 24), id, modelId: id, sha, private: false, siblings: files.map((x) => ({ rfilename: x.path })) });
        }
        const prefix = parsed.file.join('/');
        const under = files.filter((x) => !prefix || x.path.startsWith(`${prefix}/`));
        if (prefix && under.length === 0) return json(404, { error: `Entry not found: ${prefix}` });
        const recursive = /[?&]recursive=(true|1)\b/.test(req.url ?? '');
        const depth = prefix ? prefix.split('/').length + 1 : 1;
        const entries = [];
        const dirs = new Set();
        for (const x of under) {
          const parts = x.path.split('/');
          for (let d = depth; d < parts.length; d++) {
            const dir = parts.slice(0, d).join('/');
            if (!dirs.has(dir) && (recursive || d === depth)) {
              dirs.add(dir);
              entries.push({ type: 'directory', oid: hashOf('sha1', `dir:${dir}`), size: 0, path: dir });
            }
          }
          if (!recursive && parts.length > depth) continue;
          const size = x.stat.size;
          const hashes = await contentHashOf(x);
          const lfs = isLfs(x.path);
          entries.push({
            type: 'file',
            oid: lfs ? hashOf('sha1', `pointer:${x.path}:${size}:${x.stat.mtimeMs}`) : hashes.blob,
            size,
            path: x.path,
            ...(lfs ? { lfs: { oid: hashes.sha256, size, pointerSize: 134 } } : {}),
          });
        }
        return json(200, typeof f?.tree === 'function' && parsed.api === 'tree' ? f.tree(entries) : entries);
      }

      const source = sourceOf(parsed.repo, parsed.file);
      if (redirecting && source) {
        // The hub's origin answers an LFS file with a redirect to its CDN, which serves the bytes.
        const location = `${cdnUrl}${(req.url ?? '/').split('?')[0]}`;
        entry.status = 302;
        redirects.push({ method: entry.method, path: entry.path, status: 302, location, time: entry.time });
        res.writeHead(302, {
          ...CORS,
          Location: location,
          'Content-Length': '0',
          'Cache-Control': 'no-store',
          'X-Repo-Commit': '0000000000000000000000000000000000000000',
        });
        return res.end();
      }
      const found = source ? await resolveFile(source) : null;
      if (!found) return send(404, 'Entry not found', { 'X-Error-Code': 'EntryNotFound', 'X-Error-Message': 'Entry not found' });

      const size = found.stat.size;
      const etag = `"${createHash('sha1').update(`${found.file}:${size}:${found.stat.mtimeMs}`).digest('hex')}"`;
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

      if (f?.corrupt) {
        // The right length, the wrong bytes: one byte in the middle changed.
        const fh = await fsp.open(found.file, 'r');
        const buf = Buffer.alloc(length);
        try {
          await fh.read(buf, 0, length, start);
        } finally {
          await fh.close();
        }
        const at = Math.floor(length / 2);
        buf[at] = buf[at] === 0x20 ? 0x0a : 0x20;
        entry.bytes = length;
        res.end(buf);
        return;
      }
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
    } catch (_e) {
      if (!res.headersSent) send(500, 'Internal Error');
      else res.destroy();
    }
  };

  const urlHost = host.includes(':') ? `[${host}]` : host;
  const listen = async (server, p) => {
    await new Promise((ok, fail) => {
      server.once('error', fail);
      server.listen(p, host, () => {
        server.off('error', fail);
        ok();
      });
    });
    const address = server.address();
    return typeof address === 'object' && address ? address.port : p;
  };
  const server = createServer(handler('hub'));
  const cdn = createServer(handler('cdn'));
  const actualPort = await listen(server, port);
  const cdnPort = await listen(cdn, 0);
  cdnUrl = `http://${urlHost}:${cdnPort}`;
  const closeOne = (srv) =>
    new Promise((ok) => {
      srv.close(() => ok());
      srv.closeAllConnections?.();
    });

  return {
    url: `http://${urlHost}:${actualPort}`,
    port: actualPort,
    /** The second origin LFS downloads are redirected to (like the hub's CDN). */
    cdnUrl,
    cdnPort,
    root: rootAbs,
    requests,
    redirects,
    /** The virtual repos served besides the root's folders. */
    repos: virtual,
    setFault(fn) {
      fault = typeof fn === 'function' ? fn : null;
    },
    async close() {
      await Promise.all([closeOne(server), closeOne(cdn)]);
    },
  };
}

function parseCli(argv) {
  const o = { port: 8765, host: '127.0.0.1', root: '.fixtures/hub', quiet: false, redirect: true, api: true };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const [flag, inline] = a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    const val = () => inline ?? argv[++i];
    if (flag === '--port') o.port = Number(val());
    else if (flag === '--host') o.host = val();
    else if (flag === '--root') o.root = val();
    else if (flag === '--quiet') o.quiet = true;
    else if (flag === '--no-redirect') o.redirect = false;
    else if (flag === '--no-api') o.api = false;
    else if (flag === '-h' || flag === '--help') {
      console.log('usage: node tests/support/hub-server.mjs [--port 8765] [--host 127.0.0.1] [--root .fixtures/hub] [--no-redirect] [--no-api] [--quiet]');
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
  const log = o.quiet
    ? null
    : (e) => console.log(`${e.status} ${e.method} ${e.path} ${e.bytes}B${e.range ? ` range=${e.range}` : ''}${e.aborted ? ' (aborted)' : ''}`);
  const hub = await startHubServer({ root: o.root, port: o.port, host: o.host, log, redirect: o.redirect, api: o.api });
  console.log(`hub serving ${hub.root} at ${hub.url}/  (e.g. ${hub.url}/sesame-fixtures/tiny-bert-uncased/resolve/main/config.json)`);
  const stop = () => hub.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

export default startHubServer;
