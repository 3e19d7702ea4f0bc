// Model files in the Cache API, keyed independently of the host they came from, so a model
// fetched from the hub, a mirror, or imported from a local folder is the same cache entry.
// transformers.js uses this as its `customCache`: it only `put`s a file after the whole body
// arrived, and `put` checks the length again, so a cut download never leaves a corrupt entry.
//
// Pinned revisions: a load from the hub downloads `resolve/{commit sha}/…` (the listing's commit),
// but the cache keys files by model and file only — every key's revision segment is `main`, the
// one revision Sesame ever downloaded before pinning — so a model cached under `main` is still
// found offline, and never downloaded again just because the host now asks for a commit. The
// commit a file came from is kept with it (the `x-sesame-revision` header). Files of a pinned
// download are checked against the listing's hashes (file-hash.ts) before they are stored.

import { BLOB_SHA1_MAX_BYTES, checkHash, type ExpectedHash, type HashCheck } from './file-hash';
import { type ImageFiles, opfsImageFiles } from './image-files';
import { Sha256 } from './sha256';

export const MODEL_CACHE_NAME = 'sesame-models-v1';
/**
 * Where files Sesame made from a model's files are kept, under the model (a rewritten graph with
 * the weights read out of it: models/host/lm/stored-rewrite.ts): deleted with the model, never
 * listed as one of its files.
 */
export const DERIVED_PREFIX = 'sesame-derived/';
const CACHE_ORIGIN = 'https://models.sesame.invalid/';
const RESOLVE = '/resolve/';

export interface CacheLike {
  match(key: string): Promise<Response | undefined>;
  put(key: string, response: Response): Promise<void>;
  delete(key: string): Promise<boolean>;
  keys(): Promise<readonly { url: string }[]>;
}

/** A cached ONNX file as transformers.js should see it. */
export type OnnxRewrite = (response: Response) => Promise<Response>;

export interface CachedFile {
  model: string;
  revision: string;
  file: string;
}

/** Splits `<any host and prefix>/<org>/<name>/resolve/<revision>/<file>` into its parts. */
export function parseModelFileUrl(url: string): CachedFile | null {
  let path: string;
  try {
    path = decodeURIComponent(new URL(url).pathname);
  } catch {
    return null;
  }
  const at = path.lastIndexOf(RESOLVE);
  if (at < 0) return null;
  const before = path.slice(0, at).split('/').filter(Boolean);
  const after = path.slice(at + RESOLVE.length).split('/');
  const revision = after.shift();
  if (before.length < 1 || !revision || after.length === 0 || after.some((p) => !p || p === '..')) return null;
  // Hub ids are `org/name` (or a bare `name`); anything before that is the host's own prefix.
  const model = before.slice(-2).join('/');
  return { model, revision, file: after.join('/') };
}

/** The revision segment of every cache key: files are keyed by model and file (see above). */
export const KEY_REVISION = 'main';
/** The response header a stored file keeps the revision it was downloaded at in. */
export const REVISION_HEADER = 'x-sesame-revision';

/** The hashes a pinned download must match: the listing's commit, the host, and per file its hashes. */
export interface PinnedFiles {
  revision: string;
  host: string;
  files: ReadonlyMap<string, ExpectedHash>;
}

/** A downloaded file that is not the file the hub's listing describes. */
export class IntegrityError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'IntegrityError';
  }
}

export function cacheKeyFor(file: CachedFile): string {
  return `${CACHE_ORIGIN}${file.model}${RESOLVE}${encodeURIComponent(file.revision)}/${file.file}`;
}

function describeWriteError(error: unknown): string {
  const name = (error as { name?: unknown } | null)?.name;
  const message = error instanceof Error ? error.message : String(error);
  if (name === 'QuotaExceededError' || /quota/i.test(message)) return 'the browser has no storage space left for it (QuotaExceededError)';
  return `the browser could not store it (${message.slice(0, 200)})`;
}

export class ModelCache {
  /** Files that were asked for and not found: transformers.js downloads these next. */
  readonly misses = new Set<string>();
  /** How `match` rewrites a model's ONNX files as transformers.js reads them: hidden states exposed, a head detached. */
  private readonly rewrites = new Map<string, OnnxRewrite>();
  /** Per model: why a downloaded file could not be stored. */
  private readonly writeFailures = new Map<string, string>();
  /** Per model: the commit its downloads are pinned to and the hashes its files must have. */
  private readonly pins = new Map<string, PinnedFiles>();
  /** Per model: why a downloaded file was refused (it did not match the listing). */
  private readonly integrityFailures = new Map<string, string>();
  /** Per model: how many downloaded files matched the listing's hashes since the last `takeVerified`. */
  private readonly verified = new Map<string, number>();
  /** Download URLs whose bytes matched the listing as they streamed (`put` need not hash them again). */
  private readonly streamVerified = new Set<string>();
  /** Downloaded files the browser could not store, served to the next `match` only (`holdOnce`). */
  private readonly held = new Map<string, Uint8Array<ArrayBuffer>>();

  /** `images`: the model's kernel images (image-files.ts), deleted with it. */
  constructor(
    private readonly cache: CacheLike,
    readonly images?: ImageFiles,
  ) {}

  static async open(): Promise<ModelCache> {
    return new ModelCache(await caches.open(MODEL_CACHE_NAME), opfsImageFiles());
  }

  /** The cache key of a file URL at any revision: model and file, the revision segment `main`. */
  private normalize(key: string): string | null {
    const parsed = parseModelFileUrl(key);
    return parsed ? cacheKeyFor({ ...parsed, revision: KEY_REVISION }) : null;
  }

  /**
   * From now on, files of `model` downloaded at `revision` (a listing's commit) are stored only
   * when they match the listing's hashes; a mismatch is refused (`takeIntegrityFailure`).
   */
  pin(model: string, pinned: PinnedFiles): () => void {
    const own = { ...pinned };
    this.pins.set(model, own);
    // Unpinned when the load ends, unless a later load of the model pinned it again meanwhile.
    return () => {
      if (this.pins.get(model) === own) this.pins.delete(model);
    };
  }

  /**
   * Where a request for a file goes: a pinned model's `resolve/main` URL on the pinned host goes to
   * the pinned commit instead. transformers.js 4.3.1 passes the revision to every download, but
   * probes whether `tokenizer_config.json` exists at `main` whatever the revision
   * (model_registry/get_tokenizer_files.js calls get_file_metadata without options).
   */
  pinnedUrl(url: string): string {
    const parsed = parseModelFileUrl(url);
    const pinned = parsed && parsed.revision === 'main' ? this.pins.get(parsed.model) : undefined;
    const host = pinned ? (pinned.host.endsWith('/') ? pinned.host : `${pinned.host}/`) : '';
    if (!pinned || !url.startsWith(host)) return url;
    const at = url.lastIndexOf('/resolve/main/');
    return at < 0 ? url : `${url.slice(0, at)}/resolve/${encodeURIComponent(pinned.revision)}/${url.slice(at + '/resolve/main/'.length)}`;
  }

  /** Why a downloaded file of `model` was refused since the last call, if one was (and forgets it). */
  takeIntegrityFailure(model: string): string | undefined {
    const failure = this.integrityFailures.get(model);
    this.integrityFailures.delete(model);
    return failure;
  }

  /** How many downloaded files of `model` matched the listing's hashes since the last call. */
  takeVerified(model: string): number {
    const n = this.verified.get(model) ?? 0;
    this.verified.delete(model);
    return n;
  }

  /** Refuses `body` when the model's pinned listing gives the file a hash it does not have. */
  private async verify(parsed: CachedFile, key: string, body: ArrayBuffer): Promise<void> {
    // Checked as it streamed (checkedResponse): these are the bytes that matched.
    if (this.streamVerified.delete(key)) return;
    const expected = this.expectedFor(parsed);
    if (!expected) return;
    const check = await checkHash(expected, body);
    if (check.ok) {
      if (check.checked) this.countVerified(parsed.model);
      return;
    }
    throw this.refuse(parsed, key, check);
  }

  /** The hashes the pinned listing gives a file downloaded at the pinned commit, if any. */
  private expectedFor(parsed: CachedFile): ExpectedHash | undefined {
    const pinned = this.pins.get(parsed.model);
    if (!pinned || pinned.revision !== parsed.revision) return undefined;
    const expected = pinned.files.get(parsed.file);
    return expected?.sha256 || expected?.blobSha1 ? expected : undefined;
  }

  private countVerified(model: string): void {
    this.verified.set(model, (this.verified.get(model) ?? 0) + 1);
  }

  /** Records why a file was refused (for the host) and returns the error. */
  private refuse(parsed: CachedFile, key: string, check: Extract<HashCheck, { ok: false }>): IntegrityError {
    let host = this.pins.get(parsed.model)?.host ?? '';
    try {
      host = new URL(key).origin;
    } catch {
      // the pinned host names it
    }
    const message =
      `${parsed.file} of ${parsed.model} from ${host} does not match the hub's listing (${check.algorithm} ${check.expected.slice(0, 12)}…, ` +
      `the download's ${check.actual.slice(0, 12)}…); not stored.`;
    this.integrityFailures.set(parsed.model, message);
    return new IntegrityError(message);
  }

  /**
   * A pinned download's response, its body hashed as it streams: when the last byte arrived and
   * the bytes do not match the listing, the body fails (IntegrityError) instead of ending, so
   * transformers.js never gets them whole — no tokenizer or session is built from them — and
   * `put` is never asked to store them. Other responses are returned as they are.
   */
  checkedResponse(url: string, response: Response): Response {
    const parsed = response.status === 200 && response.body ? parseModelFileUrl(url) : null;
    const expected = parsed ? this.expectedFor(parsed) : undefined;
    if (!parsed || !expected || !response.body) return response;
    const sha256 = expected.sha256 ? new Sha256() : null;
    // Git files are small: their chunks are kept to hash with their blob header at the end.
    let chunks: Uint8Array[] | null = sha256 ? null : [];
    let size = 0;
    const check = async (): Promise<HashCheck> => {
      if (sha256) {
        const actual = sha256.digestHex();
        return actual === expected.sha256!.toLowerCase()
          ? { ok: true, checked: 'sha256' }
          : { ok: false, algorithm: 'SHA-256', expected: expected.sha256!.toLowerCase(), actual };
      }
      if (!chunks) return { ok: true, checked: null };
      const body = new Uint8Array(size);
      let at = 0;
      for (const c of chunks) {
        body.set(c, at);
        at += c.length;
      }
      return checkHash(expected, body);
    };
    const body = response.body.pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform: (chunk, controller) => {
          size += chunk.length;
          if (sha256) sha256.update(chunk);
          else if (chunks && size <= BLOB_SHA1_MAX_BYTES) chunks.push(chunk);
          else chunks = null;
          controller.enqueue(chunk);
        },
        flush: async (controller) => {
          const result = await check();
          if (!result.ok) return controller.error(this.refuse(parsed, url, result));
          if (result.checked) {
            this.countVerified(parsed.model);
            this.streamVerified.add(url);
          }
        },
      }),
    );
    return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
  }

  async match(key: string): Promise<Response | undefined> {
    const normalized = this.normalize(key);
    if (!normalized) return undefined;
    const held = this.held.get(normalized);
    this.held.delete(normalized);
    const hit = held
      ? new Response(held, { headers: { 'content-length': String(held.byteLength), [REVISION_HEADER]: parseModelFileUrl(key)!.revision } })
      : ((await this.cache.match(normalized)) ?? (await this.underOtherRevision(normalized)));
    if (!hit) this.misses.add(normalized);
    const file = parseModelFileUrl(normalized);
    const rewrite = hit && file?.file.endsWith('.onnx') ? this.rewrites.get(file.model) : undefined;
    return rewrite ? rewrite(hit!) : hit;
  }

  /**
   * Whether a file is in the cache, without reading or rewriting it; one that is not is noted as
   * missing (`wasMissing`), as `match` notes it.
   */
  async has(key: string): Promise<boolean> {
    const normalized = this.normalize(key);
    if (!normalized) return false;
    const hit = this.held.has(normalized) || (await this.cache.match(normalized)) !== undefined || (await this.underOtherRevision(normalized)) !== undefined;
    if (!hit) this.misses.add(normalized);
    return hit;
  }

  /** A downloaded file that could not be stored, served (through the rewrite) to the next `match` of its key only. */
  holdOnce(key: string, bytes: Uint8Array<ArrayBuffer>): void {
    const normalized = this.normalize(key);
    if (normalized) this.held.set(normalized, bytes);
  }

  /** A file stored under a key with another revision segment (a cache written by other code): found, not downloaded again. */
  private async underOtherRevision(normalized: string): Promise<Response | undefined> {
    const want = parseModelFileUrl(normalized)!;
    for (const request of await this.cache.keys()) {
      const parsed = parseModelFileUrl(request.url);
      if (parsed && parsed.model === want.model && parsed.file === want.file && parsed.revision !== KEY_REVISION) return this.cache.match(request.url);
    }
    return undefined;
  }

  /** From now on, `match` serves this model's ONNX files through `rewrite` (none: as stored). */
  rewriteOnnxOf(model: string, rewrite: OnnxRewrite | null): void {
    if (rewrite) this.rewrites.set(model, rewrite);
    else this.rewrites.delete(model);
  }

  /** Runs `load` with every model file served as published, without surgery (the bench's baselines). */
  async asPublished<T>(load: () => Promise<T>): Promise<T> {
    const saved = [...this.rewrites];
    this.rewrites.clear();
    try {
      return await load();
    } finally {
      for (const [model, rewrite] of saved) this.rewrites.set(model, rewrite);
    }
  }

  async put(key: string, response: Response): Promise<void> {
    const normalized = this.normalize(key);
    if (!normalized) return;
    const body = await response.arrayBuffer();
    const declared = Number(response.headers.get('content-length'));
    if (Number.isFinite(declared) && declared > 0 && declared !== body.byteLength) {
      throw new Error(`Incomplete download of ${key}: ${body.byteLength} of ${declared} bytes`);
    }
    const parsed = parseModelFileUrl(key)!;
    await this.verify(parsed, key, body);
    const headers = new Headers({ 'content-length': String(body.byteLength), [REVISION_HEADER]: parsed.revision });
    const type = response.headers.get('content-type');
    if (type) headers.set('content-type', type);
    try {
      await this.cache.put(normalized, new Response(body, { headers }));
    } catch (error) {
      // The file arrived whole but could not be kept (storage full: QuotaExceededError). The load
      // goes on from memory; the host tells the user (takeWriteFailure) instead of transformers.js
      // logging a warning and the model downloading again, unannounced, every time it loads.
      const model = parseModelFileUrl(normalized)!.model;
      this.writeFailures.set(model, describeWriteError(error));
    }
  }

  /** Why a file of `model` could not be stored since the last call, if one could not (and forgets it). */
  takeWriteFailure(model: string): string | undefined {
    const failure = this.writeFailures.get(model);
    this.writeFailures.delete(model);
    return failure;
  }

  wasMissing(model: string, file: string): boolean {
    return this.misses.has(cacheKeyFor({ model, revision: KEY_REVISION, file }));
  }

  forgetMisses(model: string): void {
    for (const key of this.misses) if (parseModelFileUrl(key)?.model === model) this.misses.delete(key);
    for (const key of this.held.keys()) if (parseModelFileUrl(key)?.model === model) this.held.delete(key);
  }

  /** The bytes of a cached model file, if present. */
  async read(model: string, file: string): Promise<Uint8Array | undefined> {
    const hit = await this.cache.match(cacheKeyFor({ model, revision: KEY_REVISION, file }));
    return hit ? new Uint8Array(await hit.arrayBuffer()) : undefined;
  }

  /** A file Sesame made from `model`'s files and stored with it (`storeDerived`), if present. */
  readDerived(model: string, name: string): Promise<Response | undefined> {
    return this.cache.match(cacheKeyFor({ model, revision: KEY_REVISION, file: `${DERIVED_PREFIX}${name}` }));
  }

  /** Keeps a file made from `model`'s files with the model; false when the browser could not store it. */
  async storeDerived(model: string, name: string, body: Uint8Array<ArrayBuffer>): Promise<boolean> {
    try {
      await this.store(model, `${DERIVED_PREFIX}${name}`, body.buffer.byteLength === body.byteLength ? body.buffer : body.slice().buffer);
      return true;
    } catch {
      return false;
    }
  }

  /** Deletes a file `storeDerived` kept (true when there was one). */
  deleteDerived(model: string, name: string): Promise<boolean> {
    return this.cache.delete(cacheKeyFor({ model, revision: KEY_REVISION, file: `${DERIVED_PREFIX}${name}` }));
  }

  /** Stores a file under a model id, e.g. from a local folder import. */
  async store(model: string, file: string, body: Blob | ArrayBuffer): Promise<void> {
    const size = body instanceof Blob ? body.size : body.byteLength;
    await this.cache.put(cacheKeyFor({ model, revision: KEY_REVISION, file }), new Response(body, { headers: { 'content-length': String(size) } }));
  }

  async list(): Promise<{ id: string; files: { file: string; bytes: number }[]; bytes: number }[]> {
    const byModel = new Map<string, { file: string; bytes: number }[]>();
    for (const request of await this.cache.keys()) {
      const parsed = parseModelFileUrl(request.url);
      if (!parsed || parsed.file.startsWith(DERIVED_PREFIX)) continue;
      const response = await this.cache.match(request.url);
      const bytes = Number(response?.headers.get('content-length') ?? 0) || 0;
      const files = byModel.get(parsed.model) ?? [];
      files.push({ file: parsed.file, bytes });
      byModel.set(parsed.model, files);
    }
    return [...byModel.entries()]
      .map(([id, files]) => ({ id, files, bytes: files.reduce((sum, f) => sum + f.bytes, 0) }))
      .sort((a, b) => a.id.localeCompare(b.id));
  }

  async deleteModel(model: string): Promise<number> {
    let freed = 0;
    for (const request of await this.cache.keys()) {
      if (parseModelFileUrl(request.url)?.model !== model) continue;
      const response = await this.cache.match(request.url);
      freed += Number(response?.headers.get('content-length') ?? 0) || 0;
      await this.cache.delete(request.url);
    }
    // An image kept of another copy of the files must not outlive them (a local folder imported
    // again). Where OPFS fails (Firefox's private windows refuse it), no image could be read either.
    await this.images?.deleteModel(model).catch(() => undefined);
    return freed;
  }

  async clear(): Promise<number> {
    let freed = 0;
    for (const model of await this.list()) freed += await this.deleteModel(model.id);
    await this.images?.clear().catch(() => undefined);
    return freed;
  }
}
