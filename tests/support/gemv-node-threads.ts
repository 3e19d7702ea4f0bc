// GemvThreads on Node's worker_threads (tests): the worker script bundled once with esbuild.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import { buildSync } from 'esbuild';
import { GemvThreads, type ThreadPort } from '@/models/host/kernels/gemv-threads';

let script: string | undefined;
function workerScript(): string {
  if (script) return script;
  const out = join(mkdtempSync(join(tmpdir(), 'sesame-gemv-')), 'worker.mjs');
  buildSync({ entryPoints: [resolve('tests/support/gemv-node-worker.ts')], outfile: out, bundle: true, platform: 'node', format: 'esm', logLevel: 'warning' });
  return (script = out);
}

/** A worker as the pool sees it; `intercept` may swallow or rewrite what the pool posts to it. */
export function nodeWorker(intercept?: (message: unknown, forward: (m: unknown) => void, reply: (m: unknown) => void) => void): ThreadPort {
  const worker = new Worker(workerScript());
  let handler: ((event: { data: unknown }) => void) | null = null;
  worker.on('message', (data: unknown) => handler?.({ data }));
  const forward = (m: unknown) => worker.postMessage(m);
  return {
    postMessage: (m) => (intercept ? intercept(m, forward, (r) => handler?.({ data: r })) : forward(m)),
    get onmessage() {
      return handler;
    },
    set onmessage(h) {
      handler = h;
    },
    terminate: () => void worker.terminate(),
  };
}

export function nodeThreads(workers: number, options: ConstructorParameters<typeof GemvThreads>[2] = {}, spawn = () => nodeWorker()): GemvThreads {
  return new GemvThreads(spawn, workers, options);
}

/** Resolves once `check` holds (workers acknowledge kernels asynchronously). */
export async function until(check: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out waiting for the kernel threads');
    await new Promise((r) => setTimeout(r, 5));
  }
}
