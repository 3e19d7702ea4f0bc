// Serves tests/e2e/kernels/relaxed-page.ts, bundled with esbuild at test time with the kernel
// threads' worker, on a cross-origin-isolated loopback origin (shared memory for the threads, as
// the offscreen document has), for the relaxed-SIMD check in Chromium and in Firefox.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';

/** What the page finds where the engine computes relaxed SIMD exactly: every layer as on SIMD128, three threads, the 8-bit layer left on SIMD128. */
export const RELAXED_CHECK_PASSES = {
  available: true,
  isolated: true,
  broken: undefined,
  layers: [
    { relaxed: true, split: true, threads: 3, equal: true },
    { relaxed: true, split: true, threads: 3, equal: true },
    { relaxed: true, split: true, threads: 3, equal: true },
    { relaxed: false, split: false, threads: 3, equal: true },
  ],
};

export async function serveRelaxedCheck(): Promise<{ url: string; close(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'sesame-kernels-'));
  await build({
    entryPoints: { page: resolve('tests/e2e/kernels/relaxed-page.ts'), worker: resolve('entrypoints/offscreen/gemv-worker.ts') },
    bundle: true,
    format: 'iife',
    target: 'es2022',
    outdir: dir,
    alias: { '@': resolve('.') },
    logLevel: 'error',
  });
  writeFileSync(join(dir, 'index.html'), '<!doctype html><meta charset="utf-8"><title>kernels</title><script src="page.js"></script>');
  const server = createServer((req, res) => {
    const name = { '/': 'index.html', '/page.js': 'page.js', '/worker.js': 'worker.js' }[new URL(req.url ?? '/', 'http://x').pathname];
    if (!name) return void res.writeHead(404).end();
    res
      .writeHead(200, {
        'content-type': name.endsWith('.html') ? 'text/html' : 'text/javascript',
        'cross-origin-opener-policy': 'same-origin',
        'cross-origin-embedder-policy': 'require-corp',
      })
      .end(readFileSync(join(dir, name)));
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('no address');
  return {
    url: `http://127.0.0.1:${address.port}/`,
    close: async () => {
      await new Promise<void>((ok) => server.close(() => ok()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
