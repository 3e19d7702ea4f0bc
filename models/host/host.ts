// The model host: serves tool requests with shared, lazily loaded models. It runs in the
// offscreen document (Chrome) or the background page (Firefox); the entrypoints only wire
// messages to `handle`. Everything it touches is injected, so tests can drive it in Node.
import { chooseBackend, fallBackToWasm, looksLikeGpuFault, type BackendChoice, type GpuLike } from './backend';
import type { ModelCache } from '../shared/model-files/model-cache';
import { ModelPool } from './model-pool';
import {
  type Backend,
  type Diagnostics,
  type HostConfig,
  type HostMessage,
  type Lang,
  type ModelSpec,
  type ServerMessage,
  type ToolRequest,
  type ToolResult,
  ToolError,
  toErrorInfo,
} from '../shared/protocol';
import type { ChineseDict } from '../shared/dict/chinese-dict';
import { isCausalFamily } from '../shared/registry';
import { requestLang, type ToolRequestOf } from '../shared/tools';
import { HostTools } from './tools';
import type { Gloss } from './tools/sense/glosses/types';
import type { ReadingAids } from './tools/sense/reading-aids';
import { PartialStream } from './partial-stream';
import { encoderShape, ensureHiddenStates, exposeHiddenStates, onnxFileFor, WORD_EMBEDDINGS_INPUT } from './onnx';
import { hiddenStatesTail } from './onnx';
import { BertBody, type BertConfig, BertEncoder, type BertWeights, Gpt2Body, Gpt2Decoder, type Gpt2Config, type Gpt2Weights } from './kernels';
import { type BertRead, type Gpt2Read, readBert, readGpt2 } from './onnx';
import { attachHead, HeadDetacher, type HeadStatus, type ReadAlong } from './lm/attach-head';
import { rewriteStore } from './lm/stored-rewrite';
import { KernelImage } from './lm/kernel-image';
import { fetchIntoCache } from './hub/fetch-into-cache';
import type { Int8Kernel } from './kernels';
import type { GemvThreads } from './kernels';
import type { ExpectedHash } from '../shared/model-files/file-hash';
import type { OnnxChoice, RepoFile, RepoListing } from './hub/hub-files';
import { type FilePlan, LOCAL_PREFIX, planDeps, planFiles } from './hub/repo-plan';
import type { DeviceName, ExternalDataFile, FileProgress, LoadedModel } from './lm/loader';
import { span } from '../shared/spans';

export interface HostDeps {
  kind: Diagnostics['host'];
  cache: ModelCache;
  /** `revision`: the commit to download from (the listing's sha), transformers.js's `main` when absent. */
  /** `externalData`: onnxruntime-web's session option of that name (the served file's initializers, see attach-head.ts). */
  load: (
    spec: ModelSpec,
    device: DeviceName,
    onProgress: (p: FileProgress) => void,
    onnx?: OnnxChoice,
    revision?: string,
    externalData?: ExternalDataFile[],
  ) => Promise<LoadedModel>;
  /**
   * The fetch transformers.js downloads model files with (its `env.fetch`: pinned, checked, with the
   * stall timeout). When given, a file the rewrite serves (a q8 model's ONNX file) is downloaded
   * into the cache before the load (hub/fetch-into-cache.ts), so the first load after a download
   * is served the rewrite too; without it transformers.js downloads it and `attachHead` rebuilds
   * the session afterwards.
   */
  fetchFile?: (url: string) => Promise<Response>;
  /**
   * Loads a GPT-2's tokenizer and config without a session (loader.ts `loadWithoutSession`): with
   * `fetchFile`, a q8 GPT-2 whose prompts and steps all run in Sesame's kernels is loaded so, its
   * file read through the rewrite that builds the kernels; without it, a session is made as for
   * every other model.
   */
  loadWithoutSession?: (
    spec: ModelSpec,
    device: DeviceName,
    onProgress: (p: FileProgress) => void,
    onnx?: OnnxChoice,
    revision?: string,
  ) => Promise<LoadedModel>;
  /** How the host reads a repo's file listing from the model host's API (default: the global fetch). */
  fetch?: (url: string, init?: { signal?: AbortSignal; headers?: Record<string, string> }) => Promise<Response>;
  /** Points transformers.js at the model host URL before a load. */
  setRemoteHost: (url: string) => void;
  gpu: GpuLike | undefined;
  /** Device name used for the WASM backend ('cpu' under Node, where onnxruntime-node runs). */
  wasmDevice?: DeviceName;
  threads: () => number;
  startedAt?: number;
  /** How long the host took from document start to ready, in ms. */
  startMs?: number;
  now?: () => number;
  /** Traditional → simplified for judging Chinese answers (loaded on first need). */
  loadChineseDict?: () => Promise<ChineseDict>;
  /** Dictionary glosses of a word (bundled WordNet / CC-CEDICT), for the sense tool. */
  lookupGlosses?: (word: string, lang: Lang) => Promise<Gloss[]>;
  /** Readings, Chinese equivalents and levels for the sense tool (bundled assets). */
  readingAids?: ReadingAids;
  /**
   * Bytes the host's document uses (status with `memory: true`), null when the browser cannot
   * tell; told which WebAssembly memories Sesame's kernels hold (the browser does not count them all).
   */
  measureMemory?: (kernelMemories: readonly WebAssembly.Memory[]) => Promise<number | null>;
  /** Connections and messages refused before they reached the host (see gate.ts). */
  rejected?: () => number;
  /** Idle release left no model loaded: the document holding the host may be closed. */
  onIdleEmpty?: () => void;
  /** How many times the idle time the last-used model stays loaded (model-pool.ts; runtime.ts `warmFactor`). */
  warmFactor?: () => number;
  /**
   * Whether q8 LM heads (GPT's, the masked LMs') run in Sesame's int8 kernel (lm-head/), for the
   * rows the tools read, instead of in the graph for every position. Default: on
   * the WASM backend only, where onnxruntime-web's int8 GEMM is ~10× slower at one row;
   * onnxruntime-node's native kernel and a GPU are faster than it.
   */
  sesameHead?: (device: DeviceName) => boolean;
  /**
   * Whether a q8 GPT-2's prompt passes and decoding steps run outside the session too, its linear
   * layers in the same kernel (kernels/gpt2-step.ts); needs the head there. Default: WASM only, like the head.
   */
  sesameDecoder?: (device: DeviceName) => boolean;
  /**
   * Whether a q8 BERT's or ERNIE's encoder passes run outside the session too, in the same kernel
   * (kernels/bert-encoder.ts); needs the head there. Default: WASM only, like the head.
   */
  sesameEncoder?: (device: DeviceName) => boolean;
  /**
   * Worker threads Sesame's kernels split their products over (a cross-origin-isolated document
   * with cores to spare), made on the first load that builds a kernel.
   */
  kernelThreads?: () => GemvThreads | undefined;
  /**
   * Starts the inference runtime for a device without waiting for it (warm-runtime.ts), called as
   * a load begins so that the runtime starts beside the read of the model's files.
   */
  warmRuntime?: (device: DeviceName) => Promise<void>;
}

const LISTING_TTL_MS = 60_000;

/** The name the served graph gives its weights' block (ONNX external data `location`). */
const EXTERNAL_DATA = 'sesame-weights';
/** How often a kernel image waiting to be written looks whether the host is idle. */
const IMAGE_IDLE_POLL_MS = 100;

const ENCODERS = new Set<ModelSpec['family']>(['bert', 'distilbert', 'ernie']);
/** Encoders whose passes Sesame's kernels can run (kernels/bert-encoder.ts): BERT's architecture. */
const KERNEL_ENCODERS = new Set<ModelSpec['family']>(['bert', 'ernie']);

type Send = (message: ServerMessage) => void;

export class ModelHost {
  private readonly pool: ModelPool<LoadedModel>;
  private backend: Promise<BackendChoice> | null = null;
  private readonly running = new Map<string, AbortController>();
  private readonly startedAt: number;
  private readonly now: () => number;
  /** The tools (shared/tools.ts), each with what it keeps between requests. */
  private readonly tools: HostTools;
  /** Per loaded model: hidden states exposed, or why not. */
  private readonly layerNotes = new Map<string, string>();
  /** Per loaded q8 model: its head in Sesame's kernel, or why not. */
  private readonly headNotes = new Map<string, string>();
  /** Per model: its kernel image, read or kept (kernel-image.ts). */
  private readonly imageNotes = new Map<string, string>();
  /** The last kernel image write scheduled (tests wait for it). */
  imagesWritten: Promise<void> = Promise.resolve();
  /** Per loaded model: where its files came from (the pinned commit, how many matched the listing's hashes), or why none were checked. */
  private readonly sourceNotes = new Map<string, string>();
  /** Per loaded q8 GPT-2: its decoding steps in Sesame's kernels, or why not. */
  private readonly decoderNotes = new Map<string, string>();
  private readonly encoderNotes = new Map<string, string>();
  /** Worker threads of Sesame's kernels: null until the first load that builds a kernel asks for them. */
  private threads: GemvThreads | undefined | null = null;
  /** Per model whose downloaded files could not be stored: the message for the user. */
  private readonly storeFailures = new Map<string, string>();
  /** Repo file listings read from model hosts, by host and id. */
  private readonly listings = new Map<string, { at: number; listing: Promise<RepoListing> }>();
  /** Tool requests that reached a model; `computed`: their work started before any cancel. */
  private readonly work = { requests: 0, computed: 0, cancelled: 0 };

  constructor(private readonly deps: HostDeps) {
    this.now = deps.now ?? Date.now;
    this.startedAt = deps.startedAt ?? this.now();
    this.tools = new HostTools({
      ...(deps.lookupGlosses ? { lookupGlosses: deps.lookupGlosses } : {}),
      ...(deps.loadChineseDict ? { loadChineseDict: deps.loadChineseDict } : {}),
      ...(deps.readingAids ? { readingAids: deps.readingAids } : {}),
    });
    this.pool = new ModelPool<LoadedModel>({
      idleMs: 10 * 60_000,
      now: this.now,
      ...(deps.onIdleEmpty ? { onEmpty: deps.onIdleEmpty } : {}),
      ...(deps.warmFactor ? { warmFactor: deps.warmFactor } : {}),
    });
  }

  async handle(message: HostMessage, send: Send): Promise<void> {
    if (message.kind === 'cancel') {
      this.running.get(message.id)?.abort();
      return;
    }
    const { id, request, config } = message;
    span(`host:run:${request.type}`);
    const abort = new AbortController();
    this.running.set(id, abort);
    try {
      this.pool.setIdleMs(config.idleReleaseMs);
      const result = await this.run(request, config, abort.signal, send, id);
      if (abort.signal.aborted && request.type !== 'complete') {
        send({ kind: 'error', id, error: { code: 'cancelled', message: 'Cancelled' } });
      } else {
        send({ kind: 'result', id, result });
      }
    } catch (error) {
      send({ kind: 'error', id, error: toErrorInfo(abort.signal.aborted ? new ToolError('cancelled', 'Cancelled') : error) });
    } finally {
      this.running.delete(id);
    }
  }

  /** Requests in flight (for diagnostics and tests). */
  get inFlight(): number {
    return this.running.size;
  }

  private async run(request: ToolRequest, config: HostConfig, signal: AbortSignal, send: Send, id: string): Promise<ToolResult> {
    switch (request.type) {
      case 'status':
        return this.diagnostics(request.memory === true);
      case 'models.list':
        return { type: 'models.list', models: await this.deps.cache.list() };
      case 'models.delete':
        await this.pool.releaseAll((key) => key.startsWith(`${request.modelId}|`));
        await this.tools.clear(request.modelId);
        return { type: 'models.delete', modelId: request.modelId, bytes: await this.deps.cache.deleteModel(request.modelId) };
      case 'cache.clear':
        await this.pool.releaseAll();
        await this.tools.clear();
        return { type: 'cache.clear', bytes: await this.deps.cache.clear() };
      case 'models.files': {
        const spec = needModel(config);
        const plan = await this.plan(spec, config.remoteHost);
        return {
          type: 'models.files',
          modelId: spec.id,
          dtype: spec.dtype,
          source: plan.source,
          ...(plan.choice ? { file: plan.choice.file } : {}),
          files: plan.files.slice(0, 64).map((f) => ({ file: f.path.slice(0, 300), bytes: f.bytes })),
          bytes: plan.bytes,
          ...(plan.sha ? { sha: plan.sha } : {}),
          ...(plan.note ? { note: plan.note } : {}),
        };
      }
      case 'memory.clear':
        await this.tools.clear();
        return { type: 'memory.clear' };
      case 'models.download': {
        const spec = needModel(config);
        await this.withModel(spec, config, send, id, async () => undefined);
        // Downloading is for keeping: a model that could not be stored is an error here.
        const unstored = this.storeFailures.get(spec.id);
        if (unstored) throw new ToolError('download', unstored);
        const listed = (await this.deps.cache.list()).find((m) => m.id === spec.id);
        return { type: 'models.download', modelId: spec.id, bytes: listed?.bytes ?? 0 };
      }
      case 'practice.open':
        throw new ToolError('bad-request', 'The practice page is opened by the background, not the model host.');
      case 'words.save':
        throw new ToolError('bad-request', 'Words are saved by the background, not the model host.');
      case 'anki.connect':
      case 'anki.decks':
      case 'anki.models':
      case 'anki.fields':
      case 'anki.canAdd':
      case 'anki.add':
      case 'review.due':
      case 'review.rate':
      case 'learning.export':
      case 'learning.import':
        throw new ToolError('bad-request', 'Anki, review and backups are answered by the background, not the model host.');
      case 'dict.match':
        throw new ToolError('bad-request', 'Dictionary matches are answered by the background, not the model host.');
      case 'speak':
        throw new ToolError('bad-request', 'Speech is the background’s, not the model host’s.');
      default:
        return this.runTool(request, config, signal, send, id);
    }
  }

  /** A tool's request: checked, then run on its model (loaded once, shared). */
  private async runTool(request: ToolRequestOf, config: HostConfig, signal: AbortSignal, send: Send, id: string): Promise<ToolResult> {
    const runner = await this.tools.runnerOf(request.type);
    const asked = config.lang ?? requestLang(request);
    const lang = runner.check ? runner.check(request, asked) : asked;
    const partials = new PartialStream((partial) => send({ kind: 'partial', id, partial }));
    try {
      return await this.withModel(needModel(config), config, send, id, (lm, backend) =>
        runner.run(lm, request, {
          lang,
          config,
          backend,
          signal,
          update: (update) => send({ kind: 'update', id, update }),
          partial: (partial) => partials.push(partial),
        }),
      );
    } finally {
      // What the stream still holds goes before the answer.
      partials.flush();
    }
  }

  private async withModel<T>(spec: ModelSpec, config: HostConfig, send: Send, id: string, work: (lm: LoadedModel, backend: Backend) => Promise<T>): Promise<T> {
    const signal = this.running.get(id)?.signal;
    this.work.requests++;
    try {
      return await this.onBackend(spec, config, send, id, (lm, backend) => {
        // complete() answers an aborted request itself (it keeps the field's cache and counters).
        if (signal?.aborted && !isCausalFamily(lm.spec.family)) throw new ToolError('cancelled', 'Cancelled');
        if (!signal?.aborted) this.work.computed++;
        return work(lm, backend);
      });
    } finally {
      if (signal?.aborted) this.work.cancelled++;
    }
  }

  /** Loads (once) and uses the model on the chosen backend; a WebGPU failure switches to WASM for good. */
  private async onBackend<T>(spec: ModelSpec, config: HostConfig, send: Send, id: string, work: (lm: LoadedModel, backend: Backend) => Promise<T>): Promise<T> {
    const choice = await this.chooseBackend(config);
    const device: DeviceName = choice.backend === 'webgpu' ? 'webgpu' : (this.deps.wasmDevice ?? 'wasm');
    const key = `${spec.id}|${spec.dtype}|${device}`;
    const report = (p: FileProgress): void => send({ kind: 'progress', id, progress: { model: spec.id, ...p } });
    // A file downloaded before the load (fetchIntoCache): its read from the cache is not a download.
    let fetched: string | undefined;
    const onProgress = (p: FileProgress): void => {
      // Report only files that are really being downloaded, not reads from the cache.
      if (p.status === 'ready' || p.file === fetched || !this.deps.cache.wasMissing(spec.id, p.file)) return;
      report(p);
    };
    const load = async (): Promise<LoadedModel> => {
      span('load:start');
      // Only q8 files have an int8 head; fp32 and q4 heads stay in the graph.
      // One rewrite does both: the head out, an encoder's hidden states in.
      const onWasm = (d: DeviceName) => d === 'wasm';
      const kernelHead = spec.dtype === 'q8' && (this.deps.sesameHead ?? onWasm)(device);
      const decoding = kernelHead && spec.family === 'gpt2' && (this.deps.sesameDecoder ?? onWasm)(device);
      const encoding = kernelHead && KERNEL_ENCODERS.has(spec.family) && (this.deps.sesameEncoder ?? onWasm)(device);
      // A decoder or encoder whose passes run in Sesame's kernels needs no session, nor the runtime.
      const withoutSession = (decoding || encoding) && this.deps.loadWithoutSession && this.deps.fetchFile ? this.deps.loadWithoutSession : undefined;
      if (!withoutSession) void this.deps.warmRuntime?.(device);
      this.deps.setRemoteHost(config.remoteHost);
      // Which file to fetch: what the cache holds, else what the host lists, else transformers.js's default name.
      const plan = await this.plan(spec, config.remoteHost);
      span('load:planned');
      if (!plan.choice) throw new ToolError('model-load', `Could not load model ${spec.id}: ${plan.note ?? 'no usable ONNX file'}`);
      // A listing from the hub's API: every download at its commit, each file checked against its hashes.
      const revision = plan.source === 'hub' ? plan.sha : undefined;
      const encoder = ENCODERS.has(spec.family);
      let layers: KernelLayers | undefined;
      const threads = kernelHead ? this.kernelThreads() : undefined;
      const built = (body: KernelLayers) => {
        layers = body;
        return body instanceof Gpt2Body || body instanceof BertBody ? body.kernels() : undefined;
      };
      const readLayers: ReadAlong<LayersRead> | undefined = decoding
        ? { read: readGpt2, use: (read, head, laidOut) => built(kernelBody(read, (w) => new Gpt2Body(w as Gpt2Weights, threads, head, laidOut), 'decoder')) }
        : encoding
          ? { read: readBert, use: (read, head, laidOut) => built(kernelBody(read, (w) => new BertBody(w as BertWeights, threads, head, laidOut), 'encoder')) }
          : undefined;
      // onnxruntime-web is served the rewritten graph without its weights and handed them as external
      // data: its heap then holds each weight once (graph-splice.ts spliceGraphExternal).
      const external = device === 'wasm' ? EXTERNAL_DATA : undefined;
      // The rewrite is kept in the cache beside the file: the next cold load is served it and does no surgery.
      const what = `head${encoder ? '+hidden-rows' : ''}+words${decoding ? '+gpt2' : ''}${encoding ? '+bert' : ''}${external ? '+ext' : ''}`;
      const store = rewriteStore(this.deps.cache, spec.id, plan.choice.file, what);
      // A load without a session whose kernels share memory with their threads keeps an image of
      // them (kernel-image.ts): the next cold load reads it and lays nothing out.
      const images = this.deps.cache.images;
      const image = withoutSession && threads && images ? new KernelImage(images, spec.id, `${plan.choice.file}.${what}`, threads) : undefined;
      // A tied model's word-embedding lookup (an encoder's, a decoder's token table) goes out of the
      // graph too: the session is fed the rows from the head kernel's table, and holds no copy of it
      // (head-graph.ts WORD_EMBEDDINGS_INPUT). An untied or merged file keeps its lookup.
      const detacher = kernelHead ? new HeadDetacher(encoder ? hiddenStatesTail() : undefined, readLayers, threads, store, external, true, image) : null;
      // Its stored rewrite is read beside transformers.js's config reads, not after them.
      detacher?.prefetch();
      if (detacher) this.deps.cache.rewriteOnnxOf(spec.id, detacher.rewrite);
      else if (encoder) this.deps.cache.rewriteOnnxOf(spec.id, exposeHiddenStates);
      const unpin = revision ? this.deps.cache.pin(spec.id, { revision, host: config.remoteHost, files: expectedHashes(plan.files) }) : undefined;
      this.deps.cache.takeVerified(spec.id);
      try {
        // Downloaded into the cache first, the file is read back through the rewrite: the first
        // session after a download is made from the rewrite (and its external data) like every later one.
        const url = `${config.remoteHost.replace(/\/?$/, '/')}${spec.id}/resolve/${encodeURIComponent(revision ?? 'main')}/${plan.choice.file}`;
        if (detacher && this.deps.fetchFile) {
          if (await fetchIntoCache(this.deps.cache, this.deps.fetchFile, url, plan.choice.file, report)) fetched = plan.choice.file;
        }
        // Without a session: the file read through the rewrite builds the head's and the layers'
        // kernels; where they cannot be had, the session is made after all (and they run in the graph).
        const kernelOnly =
          withoutSession && detacher
            ? await this.loadKernelOnly(
                url,
                detacher,
                () => layers,
                () => withoutSession(spec, device, onProgress, plan.choice!, revision),
                (lm) => {
                  if (decoding) this.moveDecodingToKernel(lm, layers, true);
                  if (encoding) this.moveEncodingToKernel(lm, layers, true);
                  return lm.decoder !== undefined || lm.encoder !== undefined;
                },
              )
            : undefined;
        if (withoutSession && !kernelOnly) void this.deps.warmRuntime?.(device);
        const externalData = detacher?.externalData();
        const lm = kernelOnly ?? (await this.deps.load(spec, device, onProgress, plan.choice, revision, ...(externalData?.length ? [externalData] : [])));
        detacher?.dropData();
        span('load:loaded');
        // A refused file was not stored; one that reached transformers.js anyway (not through the checked fetch) is not kept either.
        const refused = this.deps.cache.takeIntegrityFailure(spec.id);
        if (refused) {
          await lm.release().catch(() => undefined);
          throw this.refusedFile(spec.id, config.remoteHost, refused);
        }
        this.sourceNotes.set(`${spec.id}|${spec.dtype}`, sourceNote(spec.id, plan, this.deps.cache.takeVerified(spec.id)));
        // The head first: when it rebuilds the session, the hidden states go into the same rebuild.
        if (detacher) await this.moveHeadToKernel(lm, detacher, encoder, kernelOnly !== undefined);
        span('load:head');
        // (A load without a session got its decoder or encoder already.)
        if (decoding && !kernelOnly) this.moveDecodingToKernel(lm, layers);
        if (encoding && !kernelOnly) this.moveEncodingToKernel(lm, layers);
        // A load that does not want them (another backend) leaves no earlier load's note behind.
        if (!decoding) this.decoderNotes.delete(`${spec.id}|${spec.dtype}`);
        if (!encoding) this.encoderNotes.delete(`${spec.id}|${spec.dtype}`);
        if (encoder) await this.exposeLayers(lm);
        span('load:ready');
        if (kernelOnly && detacher) this.keepImage(detacher, `${spec.id}|${spec.dtype}`);
        else this.imageNotes.delete(`${spec.id}|${spec.dtype}`);
        this.noteStoreFailure(spec.id);
        return threads ? releasingKernels(lm) : lm;
      } catch (error) {
        if (error instanceof ToolError) throw error;
        const refused = this.deps.cache.takeIntegrityFailure(spec.id);
        if (refused) throw this.refusedFile(spec.id, config.remoteHost, refused);
        // Left unclassified, a GPU fault makes the caller retry on WASM.
        if (device === 'webgpu' && looksLikeGpuFault(error)) throw error;
        const failure = classifyLoadError(spec.id, error);
        // A file that arrived whole but does not parse would be read from the cache forever: drop the model's files.
        if (failure.code === 'model-load' && looksCorrupt(error)) await this.deps.cache.deleteModel(spec.id).catch(() => 0);
        throw failure;
      } finally {
        unpin?.();
        detacher?.dropData();
        this.deps.cache.forgetMisses(spec.id);
        this.deps.cache.rewriteOnnxOf(spec.id, null);
      }
    };
    try {
      return await this.pool.use(key, load, (lm) => work(lm, choice.backend));
    } catch (error) {
      if (choice.backend !== 'webgpu' || error instanceof ToolError) throw error;
      // WebGPU failed (device lost, unsupported op…): switch to WASM for good and say so.
      this.backend = Promise.resolve(fallBackToWasm(choice, error));
      return this.onBackend(spec, config, send, id, work);
    }
  }

  /**
   * A GPT-2, BERT or ERNIE loaded without a session (`HostDeps.loadWithoutSession`): its file read from the cache
   * through `detacher` (the head's and the layers' kernels built there) beside its tokenizer and
   * config. None when the file is not in the cache or the kernels could not be built: the caller
   * then makes the session, and the detacher serves it the same bytes.
   */
  private async loadKernelOnly(
    url: string,
    detacher: HeadDetacher<LayersRead>,
    layers: () => KernelLayers | undefined,
    load: () => Promise<LoadedModel>,
    attach: (lm: LoadedModel) => boolean,
  ): Promise<LoadedModel | undefined> {
    // The tokenizer and the config load beside the file's read (a kernel image's: ~0.5 s cold, on
    // a kernel thread), started once that read is (their parse would hold this thread before it).
    const reading = this.deps.cache.match(url);
    await Promise.race([detacher.imageStarted, reading]);
    const loading = load().then(
      (lm) => ({ lm }),
      (error: unknown) => ({ error }),
    );
    const [read, got] = await Promise.all([
      reading.then(
        (r) => ({ r }),
        (error: unknown) => ({ error }),
      ),
      loading,
    ]);
    const lm = 'lm' in got ? got.lm : undefined;
    if ('error' in read || 'error' in got) {
      await lm?.release().catch(() => undefined);
      throw 'error' in read ? read.error : (got as { error: unknown }).error;
    }
    await read.r?.body?.cancel();
    const built = layers();
    if (!lm || !read.r || !detacher.head || !(built instanceof Gpt2Body || built instanceof BertBody)) {
      await lm?.release().catch(() => undefined);
      return undefined;
    }
    lm.head = detacher.head;
    // Its decoder or encoder reads the config too, and may refuse it (its note says why): then the session after all.
    if (attach(lm)) return lm;
    await lm.release().catch(() => undefined);
    // The session reads the file through the stored rewrite, not the image (which serves no file).
    detacher.forgetImage();
    return undefined;
  }

  /**
   * Writes a kernel image of a load's kernels once the host answered what asked for the load and
   * runs nothing (the write reads ~100 MB on a kernel thread): a later cold load reads it.
   */
  private keepImage(detacher: HeadDetacher<LayersRead>, key: string): void {
    if (detacher.fromImage) {
      this.imageNotes.set(key, 'kernel image read: nothing laid out');
      return;
    }
    this.imageNotes.delete(key);
    const idle = async () => {
      do await new Promise((ok) => setTimeout(ok, IMAGE_IDLE_POLL_MS));
      while (this.inFlight > 0);
    };
    const written = idle().then(() => detacher.saveImage());
    this.imagesWritten = written.then((kept) => void (kept && this.imageNotes.set(key, 'kernel image kept for the next cold load')));
  }

  /** Remembers (for status and downloads) that a model's files could not be stored; forgets it once they were. */
  private noteStoreFailure(model: string): void {
    const why = this.deps.cache.takeWriteFailure(model);
    if (why) {
      this.storeFailures.set(
        model,
        `${model} was downloaded but not stored: ${why}. It is downloaded again each time it loads; free disk space or delete models you do not use.`.slice(
          0,
          500,
        ),
      );
    } else this.storeFailures.delete(model);
  }

  /** Gives an encoder's session its hidden-state outputs (see sense/hidden-states.ts); notes why when it cannot. */
  private async exposeLayers(lm: LoadedModel): Promise<void> {
    const key = `${lm.spec.id}|${lm.spec.dtype}`;
    // Sesame's encoder's note where it was wanted: its passes, or why they stay in the session.
    const note = this.encoderNotes.get(key);
    const withNote = (text: string) => (note ? `${text}; ${note}` : text);
    if (lm.encoder) {
      this.layerNotes.set(key, withNote(`${lm.encoder.layers.length + 1} hidden states`));
      return;
    }
    const file = lm.file ?? onnxFileFor(lm.spec.dtype);
    const status = await ensureHiddenStates(lm.model, lm.device, () => this.deps.cache.read(lm.spec.id, file)).catch((error: unknown) => ({
      ok: false as const,
      reason: String((error as Error)?.message ?? error),
    }));
    this.layerNotes.set(key, withNote(status.ok ? `${status.names.length} hidden states` : `last layer unavailable: ${status.reason}`));
  }

  /** Moves a q8 LM head into Sesame's kernel (see lm-head/attach.ts); notes why when it cannot. */
  private async moveHeadToKernel(lm: LoadedModel, detacher: HeadDetacher<LayersRead>, encoder: boolean, withoutSession = false): Promise<void> {
    const file = lm.file ?? onnxFileFor(lm.spec.dtype);
    const layers = encoder ? hiddenStatesTail(() => encoderShape(lm.model)) : undefined;
    // Without a session the head came from the file's read through the rewrite (`loadKernelOnly`): nothing to attach.
    const status: HeadStatus = withoutSession
      ? { ok: true, swapped: false, ...(detacher.where ? { where: detacher.where } : {}) }
      : await attachHead(lm, detacher, () => this.deps.cache.read(lm.spec.id, file), layers).catch((error: unknown) => ({
          ok: false as const,
          reason: String((error as Error)?.message ?? error),
        }));
    this.headNotes.set(
      `${lm.spec.id}|${lm.spec.dtype}`,
      status.ok
        ? `${headNote(lm.head)}${lm.inputNames.includes(WORD_EMBEDDINGS_INPUT) ? '; the word embeddings read from its table (not in the session)' : ''}${status.where ? `, ${status.where}` : ''}${status.swapped ? ' (session rebuilt after the download)' : ''}${detacher.fromStore ? ' (stored rewrite: no surgery)' : ''}`
        : `head in the graph: ${status.reason}`,
    );
  }

  /** Gives a q8 GPT-2 Sesame's decoder, its prompt passes and one-token steps (kernels/gpt2-step.ts); notes why when it cannot. */
  private moveDecodingToKernel(lm: LoadedModel, layers: KernelLayers | undefined, withoutSession = false): void {
    const key = `${lm.spec.id}|${lm.spec.dtype}`;
    const inGraph = (reason: string): void => void this.decoderNotes.set(key, `decoding steps in the graph: ${reason}`);
    if (!lm.head) {
      inGraph('the head is in the graph');
      return;
    }
    if (!layers) {
      inGraph('the model file was not read');
      return;
    }
    if (!(layers instanceof Gpt2Body)) {
      inGraph(layers instanceof BertBody ? 'not a GPT-2' : layers.reason);
      return;
    }
    try {
      lm.decoder = new Gpt2Decoder(layers, lm.model.config as unknown as Gpt2Config);
    } catch (error) {
      inGraph(`Sesame's decoder did not start: ${(error as Error).message}`);
      return;
    }
    this.decoderNotes.set(key, `prompts and steps in Sesame's kernels (${lm.decoder.layers.length} layers)${withoutSession ? ', no onnxruntime session' : ''}`);
  }

  /** Gives a q8 BERT or ERNIE Sesame's encoder (kernels/bert-encoder.ts); notes why when it cannot (its passes then run in the session). */
  private moveEncodingToKernel(lm: LoadedModel, layers: KernelLayers | undefined, withoutSession = false): void {
    this.encoderNotes.set(`${lm.spec.id}|${lm.spec.dtype}`, attachEncoder(lm, layers, withoutSession));
  }

  /**
   * A load that downloaded a file not matching the hub's listing (model-cache.ts refused to store
   * it). The listing is read again next time: the branch may have moved, or the listing was wrong.
   */
  private refusedFile(modelId: string, host: string, why: string): ToolError {
    this.listings.delete(`${host}|${modelId}`);
    return new ToolError('download', `Could not download model ${modelId}: ${why}`.slice(0, 2000));
  }

  /** Which files a load of `spec` from `host` fetches, and their sizes (repo-plan.ts). */
  private plan(spec: ModelSpec, host: string): Promise<FilePlan> {
    const fetchFn = this.deps.fetch ?? ((url, init) => globalThis.fetch(url, init));
    const deps = planDeps(fetchFn, () => this.deps.cache.list());
    return planFiles(spec, host, {
      ...deps,
      // One listing serves the sizes shown and the download that follows (a minute; failures are not kept).
      listing: (h, id) => {
        const key = `${h}|${id}`;
        const now = this.now();
        const kept = this.listings.get(key);
        if (kept && now - kept.at < LISTING_TTL_MS) return kept.listing;
        const listing = deps.listing(h, id);
        this.listings.set(key, { at: now, listing });
        listing.catch(() => this.listings.delete(key));
        return listing;
      },
    });
  }

  private kernelThreads(): GemvThreads | undefined {
    if (this.threads === null) this.threads = this.deps.kernelThreads?.();
    return this.threads;
  }

  private chooseBackend(config: HostConfig): Promise<BackendChoice> {
    this.backend ??= chooseBackend(this.deps.gpu, config.preferBackend);
    return this.backend;
  }

  private async diagnostics(withMemory: boolean): Promise<Diagnostics> {
    const choice = this.backend ? await this.backend : null;
    const memoryBytes = withMemory ? await this.deps.measureMemory?.(this.kernelMemories()) : null;
    return {
      type: 'status',
      host: this.deps.kind,
      backend: choice?.backend ?? null,
      ...(choice?.note ? { backendNote: choice.note } : {}),
      webgpuAdapter: choice?.adapter ?? false,
      crossOriginIsolated: globalThis.crossOriginIsolated === true,
      threads: this.deps.threads(),
      hardwareConcurrency: globalThis.navigator?.hardwareConcurrency ?? 0,
      loaded: this.pool.entries().map((e) => ({
        id: e.model.spec.id,
        family: e.model.spec.family,
        dtype: e.model.spec.dtype,
        backend: e.model.device === 'webgpu' ? 'webgpu' : 'wasm',
        lastUsed: e.lastUsed,
        ...(e.model.file ? { file: e.model.file.slice(0, 300) } : {}),
        ...note(
          'layers',
          withThreads(
            this.layerNotes.get(`${e.model.spec.id}|${e.model.spec.dtype}`),
            e.model.encoder && Math.max(e.model.encoder.threads, e.model.head?.threads ?? 1),
            this.threads ?? undefined,
          ),
        ),
        ...note(
          'head',
          withImage(
            withThreads(this.headNotes.get(`${e.model.spec.id}|${e.model.spec.dtype}`), e.model.head?.threads, this.threads ?? undefined),
            this.imageNotes.get(`${e.model.spec.id}|${e.model.spec.dtype}`),
          ),
        ),
        ...note('source', this.sourceNotes.get(`${e.model.spec.id}|${e.model.spec.dtype}`)),
        ...note(
          'decoder',
          withPast(
            withThreads(
              this.decoderNotes.get(`${e.model.spec.id}|${e.model.spec.dtype}`),
              e.model.decoder && Math.max(e.model.decoder.threads, e.model.head?.threads ?? 1),
              this.threads ?? undefined,
            ),
            e.model.device === 'webgpu' ? e.model.pastLocation : undefined,
          ),
        ),
      })),
      hostStartedAt: this.startedAt,
      hostStartMs: this.deps.startMs ?? 0,
      work: { ...this.work },
      ...Object.assign({}, ...(await this.tools.all()).map((tool) => tool.diagnostics?.() ?? {})),
      ...(this.deps.rejected ? { rejected: this.deps.rejected() } : {}),
      ...(typeof memoryBytes === 'number' ? { memoryBytes } : {}),
      ...(this.storeFailures.size ? { storeFailures: [...this.storeFailures].slice(0, 32).map(([model, message]) => ({ model, message })) } : {}),
    };
  }

  private kernelMemories(): WebAssembly.Memory[] {
    const memories = this.pool
      .entries()
      .flatMap(({ model }) => [
        ...[...(model.head ? [model.head] : []), ...(model.decoder?.kernels() ?? []), ...(model.encoder?.kernels() ?? [])].map((k) => k.wasmMemory),
        ...(model.encoder ? [model.encoder.workMemory] : []),
      ]);
    return [...new Set(memories)];
  }

  releaseIdle(): Promise<string[]> {
    return this.pool.releaseIdle();
  }
}

/** A decoder note with where the graph's steps left their keys and values, once it has run one ("gpu-buffer": on the GPU, not read back). */
function withPast(text: string | undefined, location: string | undefined): string | undefined {
  if (!location) return text;
  const past = `keys and values between steps: ${location}`;
  return text ? `${text}; ${past}` : past;
}

/** The head note: the q8 pattern's int8 head (bit for bit the graph's), or a tied head over the embedding table (close to it). */
function headNote(head: Int8Kernel | undefined): string {
  if (!head?.tiedTo) return "int8 head in Sesame's kernel";
  return `${head.kind} in Sesame's kernel (the head reads ${head.tiedTo}; 16-bit input, within rounding of the graph's float product)`;
}

function needModel(config: HostConfig): ModelSpec {
  if (!config.model) throw new ToolError('bad-request', 'No model configured for this tool');
  return config.model;
}

function looksCorrupt(error: unknown): boolean {
  return /protobuf|pars(e|ing) fail|invalid (model|file)|corrupt|truncated|unexpected end/i.test(error instanceof Error ? error.message : String(error));
}

/** Where a loaded model's files came from, for diagnostics (status.loaded[].source). */
function sourceNote(id: string, plan: FilePlan, verified: number): string {
  const files = (n: number) => `${n} file${n === 1 ? '' : 's'}`;
  if (plan.source === 'hub' && plan.sha) {
    const listed = plan.files.filter((f) => f.sha256 || f.blobSha1).length;
    return `hub commit ${plan.sha.slice(0, 12)}: ${files(verified)} downloaded and matched the listing's hashes (${listed} listed with hashes; the rest came from the cache)`.slice(
      0,
      300,
    );
  }
  if (plan.source === 'hub') return 'hub listing without a commit: downloaded at main, not checked';
  if (plan.source === 'estimate') return 'no file list from the host (a mirror without the hub API): downloaded at main, no hashes to check';
  if (id.startsWith(LOCAL_PREFIX)) return 'imported from a local folder: no hashes to check';
  return 'from the cache (not checked again)';
}

/** The hashes a pinned load checks its files against, by path (files the listing gives none for are not checked). */
function expectedHashes(files: readonly RepoFile[]): Map<string, ExpectedHash> {
  const out = new Map<string, ExpectedHash>();
  for (const f of files)
    if (f.sha256 || f.blobSha1) out.set(f.path, { ...(f.sha256 ? { sha256: f.sha256 } : {}), ...(f.blobSha1 ? { blobSha1: f.blobSha1 } : {}) });
  return out;
}

function classifyLoadError(modelId: string, error: unknown): ToolError {
  const message = error instanceof Error ? error.message : String(error);
  const network = /fetch|network|Incomplete download|ERR_|status|40\d|50\d|aborted|terminated|socket|ECONN|body stream/i.test(message);
  return new ToolError(network ? 'download' : 'model-load', `${network ? 'Could not download' : 'Could not load'} model ${modelId}: ${message}`.slice(0, 2000));
}

/** A head note with its kernel image's, where it has one (within the protocol's 300 characters). */
function withImage(text: string | undefined, image: string | undefined): string | undefined {
  return text !== undefined && image ? `${text}; ${image}`.slice(0, 300) : text;
}

/** A kernel note with the threads its products run on, when the host has kernel threads (and why they stopped, when they did). */
function withThreads(text: string | undefined, threads: number | undefined, pool: GemvThreads | undefined): string | undefined {
  if (text === undefined || threads === undefined || !pool) return text;
  if (pool.broken) return `${text}; one thread: ${pool.broken}`;
  return `${text}; ${threads === 1 ? 'one thread' : `split over ${threads} threads`}`;
}

function note<K extends string>(key: K, value: string | undefined): Partial<Record<K, string>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, string>);
}

/** `lm` whose release also lets the kernel threads drop its kernels, rather than when the collector finds them. */
function releasingKernels(lm: LoadedModel): LoadedModel {
  const release = lm.release;
  lm.release = async () => {
    lm.head?.release();
    lm.decoder?.release();
    lm.encoder?.release();
    await release.call(lm);
  };
  return lm;
}

/** Gives `lm` Sesame's encoder over `layers`, and says so, or why the passes stay in the graph. */
function attachEncoder(lm: LoadedModel, layers: KernelLayers | undefined, withoutSession: boolean): string {
  const inGraph = (reason: string) => `passes in the graph: ${reason}`;
  if (!lm.head) return inGraph('the head is in the graph');
  if (!layers) return inGraph('the model file was not read');
  if (!(layers instanceof BertBody)) return inGraph(layers instanceof Gpt2Body ? 'not a BERT' : layers.reason);
  try {
    lm.encoder = new BertEncoder(layers, lm.model.config as unknown as BertConfig);
  } catch (error) {
    return inGraph(`Sesame's encoder did not start: ${(error as Error).message}`);
  }
  return `passes in Sesame's kernels (${lm.encoder.layers.length} layers, ${lm.encoder.instructions})${withoutSession ? ', no onnxruntime session' : ''}`;
}

/** What the rewrite reads along for Sesame's layer kernels: a q8 GPT-2's or BERT's weights, or why not. */
type LayersRead = Gpt2Read | BertRead;
/** The layers' kernels built from it, or why not. */
type KernelLayers = Gpt2Body | BertBody | { reason: string };

/** A model's layers in Sesame's kernels (`make`), from the weights read out of its parsed graph, or why not. */
function kernelBody(read: LayersRead, make: (weights: Gpt2Weights | BertWeights) => Gpt2Body | BertBody, what: string): KernelLayers {
  if (!read.ok) return read;
  try {
    return make(read.weights);
  } catch (error) {
    return { reason: `Sesame's ${what} did not start: ${(error as Error).message}` };
  }
}
