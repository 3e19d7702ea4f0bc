// What a baseline page exposes to the browser bench (window.baseline), and the timing around it.
// Every figure is taken inside the page with performance.now().

/** A pipeline of either library, as the bench calls it. */
export type Pipe = ((input: string, options?: Record<string, unknown>) => Promise<unknown>) & { dispose?: () => Promise<void> };

/** The part of both libraries' `env` the pages set. */
interface LibraryEnv {
  allowLocalModels: boolean;
  remoteHost: string;
  useBrowserCache: boolean;
  backends: { onnx: { wasm?: { wasmPaths?: unknown } } };
}

/** Models from the loopback hub only, never kept in the browser's cache; WASM files served locally. */
export function pointAt(env: LibraryEnv, hubUrl: string, wasmPaths: string): void {
  env.allowLocalModels = false;
  env.remoteHost = `${hubUrl}/`;
  env.useBrowserCache = false;
  env.backends.onnx.wasm!.wasmPaths = wasmPaths;
}

export interface Generator {
  run(prompt: string, maxNewTokens: number, options: Record<string, unknown>): Promise<unknown>;
  dispose(): Promise<void>;
}

export interface Baseline {
  version: string;
  setup(hubUrl: string): Promise<void>;
  /** `files`: what tells the library the fixture's file (workloads.ts libraryFileOptions). */
  generator(id: string, dtype: 'q8' | 'fp32', files: Record<string, string>): Promise<Generator>;
  senseNaive?(id: string, dtype: 'q8' | 'fp32'): Promise<{ run(masked: string[], plain: string[]): Promise<void>; dispose(): Promise<void> }>;
}

export interface BaselineApi {
  version: string;
  isolated: boolean;
  setup(hubUrl: string): Promise<void>;
  /** Loads a generator (replacing the last one) and runs it once to warm it. */
  loadGenerator(id: string, dtype: 'q8' | 'fp32', prompt: string, options: Record<string, unknown>, files: Record<string, string>): Promise<number>;
  /** Milliseconds for one generation of `maxNewTokens` tokens with the loaded generator. */
  generate(prompt: string, maxNewTokens: number, options: Record<string, unknown>): Promise<number>;
  loadSense(id: string, dtype: 'q8' | 'fp32', masked: string[], plain: string[]): Promise<number>;
  /** Milliseconds for the naive sense lookup (fill-mask + feature-extraction per sentence). */
  sense(masked: string[], plain: string[]): Promise<number>;
  release(): Promise<void>;
}

export function exposeBaseline(b: Baseline): void {
  let gen: Generator | null = null;
  let sense: Awaited<ReturnType<NonNullable<Baseline['senseNaive']>>> | null = null;
  const timed = async (f: () => Promise<unknown>): Promise<number> => {
    const t = performance.now();
    await f();
    return performance.now() - t;
  };
  const api: BaselineApi = {
    version: b.version,
    isolated: crossOriginIsolated,
    setup: (hubUrl) => b.setup(hubUrl),
    async loadGenerator(id, dtype, prompt, options, files) {
      await gen?.dispose();
      gen = await b.generator(id, dtype, files);
      return timed(() => gen!.run(prompt, 4, options));
    },
    generate: (prompt, n, options) => timed(() => gen!.run(prompt, n, options)),
    async loadSense(id, dtype, masked, plain) {
      if (!b.senseNaive) throw new Error(`${b.version}: no sense baseline`);
      await sense?.dispose();
      sense = await b.senseNaive(id, dtype);
      return timed(() => sense!.run(masked.slice(0, 1), plain.slice(0, 1)));
    },
    sense: (masked, plain) => timed(() => sense!.run(masked, plain)),
    async release() {
      await gen?.dispose();
      await sense?.dispose();
      gen = sense = null;
    },
  };
  (globalThis as unknown as { baseline: BaselineApi }).baseline = api;
}
