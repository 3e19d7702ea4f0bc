// Getting a q8 model's LM head out of its session and into Sesame's kernel, as the hidden
// states get into an encoder's (sense/hidden-states.ts): the cache serves the file without its
// head while transformers.js builds the session (`HeadDetacher.rewrite`), and when the bytes
// bypassed the cache (a download by transformers.js itself, where the host was given no
// `fetchFile` to download it into the cache first) `attachHead` rebuilds the session itself.
import type { GraphProto } from 'onnx-buf';
import type { LoadedModel } from './loader';
import { replaceSession, sessionOutputNames } from '../onnx';
import { type AlsoAppend, detachHead, HEAD_INPUT } from '../onnx';
import type { GemvThreads } from '../kernels';
import type { Int8Weights } from '../onnx';
import { Int8Kernel, type LaidOut } from '../kernels';
import { groupImages, type ImageMeta, type ImageSource, KernelImage, withoutLaidOutBytes } from './kernel-image';
import { mapArrays, pack, unpack } from '../onnx';
import { REVISION_HEADER } from '../../shared/model-files/model-cache';
import { span } from '../../shared/spans';
import { BytesResponse } from './bytes-response';

/** A read ahead of the stored rewrite that was not made (there was a kernel image to read instead). */
const NOT_READ = Symbol('not read');

/** `where`: set when the head was cut out of a legacy merged decoder's If (head-graph.ts). */
export type HeadStatus = { ok: true; swapped: boolean; where?: string } | { ok: false; reason: string };

/** Reads more from the parsed graph while it is at hand (a GPT decoder's layers): plain values and typed arrays, kept with a stored rewrite. */
export interface ReadAlong<T = unknown> {
  read(graph: GraphProto): T;
  /** Builds its kernels (one group: returned, for a kernel image), `laidOut` where their memory is filled from an image after. */
  use(value: T, head: Int8Kernel, laidOut?: LaidOut): Int8Kernel[] | void;
}

/** Where a load's rewrite is kept between loads (stored-rewrite.ts): the bytes `pack` wrote, or none. */
export interface RewriteStore {
  read(): Promise<Uint8Array | undefined>;
  write(bytes: Uint8Array<ArrayBuffer>): Promise<unknown>;
  /** Deletes it (a kernel image of the load replaces it). */
  remove?(): Promise<unknown>;
}

/**
 * A rewrite as stored: the file it was made from (its size and revision), the file served (and
 * its initializers' bytes, when they are external data), the head, and what was read along. The
 * head's and the layers' weights are views into `data` where they are initializers there, so
 * that `pack` writes their bytes once.
 */
interface StoredRewrite {
  source: { bytes: number; revision: string };
  onnx: Uint8Array<ArrayBuffer>;
  data?: Uint8Array<ArrayBuffer>;
  head: Int8Weights;
  where?: string;
  along?: unknown;
}

/**
 * A `ModelCache` rewrite for one load: serves the ONNX file without its int8 head and keeps the
 * head. With a store, the rewrite is kept after the surgery, and a later load of the same file
 * is served it instead: no parsing, no surgery, and the file itself is never read.
 */
export class HeadDetacher<T = unknown> {
  head: Int8Kernel | undefined;
  /** Why the file read through the cache kept its head. */
  reason: string | undefined;
  /** Where the head was cut from, when not a flat graph (a legacy merged decoder's If). */
  where: string | undefined;
  /** Whether this load was served a stored rewrite (no surgery). */
  fromStore = false;
  /** Whether this load's kernels were read from a kernel image (nothing laid out). */
  fromImage = false;
  /** What a kernel image of this load is made of, until it is written (`saveImage`). */
  private made: ImageSource | undefined;
  /** The kernels `readAlong` built (one group). */
  private layers: Int8Kernel[] | undefined;
  /** The kernel image's description, read ahead (prefetch). */
  private imageRead: Promise<ImageMeta | undefined> | undefined;
  private startImage!: () => void;
  /**
   * Resolves once the kernel threads read this load's kernel image, or once there is none to read
   * (the file's first read through the rewrite decides): the load's other work on this thread (the
   * tokenizer's parse) starts then, beside the read, not before the read starts.
   */
  readonly imageStarted = new Promise<void>((ok) => (this.startImage = ok));
  /** The store's write of this load's rewrite, when one was made (tests wait for it). */
  stored: Promise<unknown> | undefined;
  /** The served file's initializers' bytes (with `external`), until the session holds them. */
  private data: Uint8Array | undefined;

  /**
   * `alsoAppend`: more surgery done in the same rewrite (an encoder's hidden states).
   * `readAlong`: reads more from the parsed graph while it is at hand (a GPT decoder's layers).
   * `threads`: worker threads the head's products are split over.
   * `external`: the served file's initializers are external data of this name, handed to the
   * session by `externalData` (onnxruntime-web; its heap then holds each weight once).
   * `words`: a tied model's word-embedding lookup goes out of the graph too, its rows read from
   * the head kernel's table (head-graph.ts `WORD_EMBEDDINGS_INPUT`): the session holds no copy of it.
   */
  constructor(
    private readonly alsoAppend?: AlsoAppend,
    readonly readAlong?: ReadAlong<T>,
    readonly threads?: GemvThreads,
    private readonly store?: RewriteStore,
    readonly external?: string,
    readonly words?: boolean,
    /** Where this load's kernels are imaged (kernel-image.ts): a load without a session only. */
    private image?: KernelImage,
  ) {}

  /**
   * onnxruntime-web's `externalData` session option for this load: the block the served file's
   * initializers are in, read when the session is made (empty when the file was served whole).
   */
  externalData(): { path: string; readonly data: Uint8Array }[] {
    if (!this.external) return [];
    const detacher = this;
    return [
      {
        path: this.external,
        get data() {
          return detacher.data ?? new Uint8Array(0);
        },
      },
    ];
  }

  /** Lets the served file's initializer bytes go (the session holds its own copy once made). */
  dropData(): void {
    this.data = undefined;
    this.served = undefined;
  }

  /**
   * transformers.js matches the file more than once in one load (its size for the progress
   * totals, then the read): the first match detaches the head and builds its kernels, the others
   * are served the same bytes.
   */
  private served: Promise<{ bytes: Uint8Array<ArrayBuffer>; init: ResponseInit }> | undefined;
  /** The stored rewrite's bytes, read ahead (prefetch). */
  private storedRead: Promise<Uint8Array | undefined | typeof NOT_READ> | undefined;

  /**
   * Starts reading the stored rewrite now, as the load begins (issue #21): transformers.js asks for
   * the model file only after its config files, ~0.1 s later. Read whether or not it is then used.
   */
  prefetch(): void {
    if (!this.image) {
      this.storedRead ??= this.store?.read().catch(() => undefined);
      return;
    }
    // Where there is an image, the stored rewrite is not read ahead (the match reads it if the image fails).
    const meta = (this.imageRead ??= this.image.read().catch(() => undefined));
    const readUnlessImaged = async (): Promise<Uint8Array | undefined | typeof NOT_READ> => ((await meta) ? NOT_READ : this.store?.read());
    this.storedRead ??= readUnlessImaged().catch(() => undefined);
  }

  readonly rewrite = async (response: Response): Promise<Response> => {
    this.served ??= this.detach(response);
    const { bytes, init } = await this.served;
    span('rewrite:served');
    // Each match gets the same bytes, uncopied (bytes-response.ts); nothing writes to them.
    return new BytesResponse(bytes, init);
  };

  private async detach(response: Response): Promise<{ bytes: Uint8Array<ArrayBuffer>; init: ResponseInit }> {
    const headers = new Headers(response.headers);
    const source = { bytes: Number(headers.get('content-length')) || 0, revision: headers.get(REVISION_HEADER) ?? '' };
    if (await this.fromKernelImage(source)) {
      // A load without a session: nothing reads the file served.
      headers.set('content-length', '0');
      return { bytes: new Uint8Array(0), init: { status: response.status, headers } };
    }
    const kept = await this.fromStored(source);
    if (kept) {
      // The file's own bytes are never read.
      this.fromStore = true;
      headers.set('content-length', String(kept.byteLength));
      return { bytes: kept, init: { status: response.status, headers } };
    }
    const bytes = new Uint8Array(await response.arrayBuffer());
    const asStored = (reason: string) => {
      this.reason = reason;
      return { bytes, init: { status: response.status, headers } };
    };
    const detached = detachHead(bytes, this.alsoAppend, this.external, this.words);
    if (!detached.ok) return asStored(detached.reason);
    // The kernel's memory may fail to grow (a low-memory device): the file is then served as stored.
    const head = tryHead(detached.weights, this.threads);
    if (!(head instanceof Int8Kernel)) return asStored(head.reason);
    this.head = head;
    this.where = detached.where;
    let along: T | undefined;
    if (this.readAlong) this.layers = this.readAlong.use((along = this.readAlong.read(detached.graph)), head) || undefined;
    this.imageOf(source, detached.weights, along, detached.where);
    this.data = detached.external?.data;
    if (this.store && source.bytes > 0) {
      // The weights as views into the external data where they are there: stored once.
      const moved = detached.external ? (a: ArrayBufferView) => detached.external!.moved(a) : () => undefined;
      const kept: StoredRewrite = {
        source,
        onnx: detached.bytes,
        ...(detached.external ? { data: detached.external.data } : {}),
        head: mapArrays(detached.weights, moved),
        ...(detached.where ? { where: detached.where } : {}),
        along: mapArrays(along, moved),
      };
      // Written after this read is served; a browser that cannot store it only loses the shortcut.
      const store = this.store;
      this.stored = new Promise((ok) => setTimeout(ok, 0)).then(() => store.write(pack(kept))).catch(() => false);
    }
    headers.set('content-length', String(detached.bytes.byteLength));
    return { bytes: detached.bytes, init: { status: response.status, headers } };
  }

  /** Remembers what an image of this load is made of (its weights without the bytes the kernels hold), where it will be imaged. */
  private imageOf(source: ImageSource['source'], head: Int8Weights, along: unknown, where: string | undefined): void {
    if (this.image) this.made = withoutLaidOutBytes({ source, head, ...(along !== undefined ? { along } : {}), ...(where ? { where } : {}) });
  }

  /**
   * The head and the layers from this file's kernel image, where there is one: their memories
   * filled by the kernel threads, nothing laid out. False (nothing kept) where there is none, or
   * it is not this engine's or does not fill.
   */
  private async fromKernelImage(source: ImageSource['source']): Promise<boolean> {
    if (!this.image) {
      this.startImage();
      return false;
    }
    let head: Int8Kernel | undefined;
    let layers: Int8Kernel[] | undefined;
    try {
      const meta = await (this.imageRead ?? this.image.read());
      span('image:meta');
      if (!meta || !KernelImage.of(meta, source)) return false;
      head = Int8Kernel.of(meta.head, this.threads, meta.groups[0]);
      if (this.readAlong && meta.along !== undefined) layers = this.readAlong.use(meta.along as T, head, meta.groups[1]) || undefined;
      span('image:kernels');
      const filled = this.image.fill(meta, groupImages(head, layers));
      this.startImage();
      await filled;
      span('image:read');
      this.head = head;
      this.layers = layers;
      this.where = meta.where;
      this.fromImage = true;
      return true;
    } catch {
      head?.release();
      for (const k of layers ?? []) k.release();
      return false;
    } finally {
      this.startImage();
    }
  }

  /**
   * Writes this load's kernel image, where it laid its kernels out (a later cold load then reads
   * them instead), and deletes the stored rewrite. Resolves false where there is nothing to write
   * or it could not be written.
   */
  async saveImage(): Promise<boolean> {
    const made = this.made;
    this.made = undefined;
    if (!this.image || !made || !this.head || this.fromImage) return false;
    try {
      await this.image.write(made, groupImages(this.head, this.layers));
    } catch {
      return false;
    }
    // The image replaces the stored rewrite: a load that cannot use it does the surgery once, and keeps a new image.
    await this.stored;
    await this.store?.remove?.().catch(() => undefined);
    return true;
  }

  /** Forgets a kernel image this load read (its kernels are not used): the next read of the file goes through the stored rewrite. */
  forgetImage(): void {
    if (!this.fromImage) return;
    this.head?.release();
    for (const k of this.layers ?? []) k.release();
    this.head = this.layers = this.served = undefined;
    this.image = undefined;
    this.fromImage = false;
  }

  /** The stored rewrite of this very file (same size and revision), its head and what was read along in use; none when there is none or it does not unpack. */
  private async fromStored(source: StoredRewrite['source']): Promise<Uint8Array<ArrayBuffer> | undefined> {
    if (!this.store || source.bytes <= 0) return undefined;
    try {
      const ahead = this.storedRead;
      this.storedRead = undefined;
      let bytes = ahead ? await ahead : await this.store.read();
      if (bytes === NOT_READ) bytes = await this.store.read();
      if (!bytes) return undefined;
      const kept = unpack<StoredRewrite>(bytes);
      span('rewrite:unpacked');
      if (kept.source.bytes !== source.bytes || kept.source.revision !== source.revision) return undefined;
      if (!kept.data !== !this.external) return undefined;
      const head = tryHead(kept.head, this.threads);
      span('rewrite:head-kernel');
      if (!(head instanceof Int8Kernel)) return undefined;
      this.head = head;
      this.where = kept.where;
      if (this.readAlong) this.layers = this.readAlong.use(kept.along as T, head) || undefined;
      this.imageOf(source, kept.head, kept.along, kept.where);
      this.data = kept.data;
      return kept.onnx;
    } catch {
      return undefined;
    }
  }
}

/**
 * Gives `lm` its detached head: the one the cache read produced, or, when the session was built
 * from bytes that bypassed the cache, one from `readModel()`'s bytes with the session rebuilt
 * without the head (plus `alsoAppend`'s outputs). Must run before the model is shared.
 */
export async function attachHead<T>(
  lm: LoadedModel,
  detacher: HeadDetacher<T>,
  readModel: () => Promise<Uint8Array | undefined>,
  /** More surgery for the rebuilt session (an encoder's hidden states), so that one rebuild does both. */
  alsoAppend?: AlsoAppend,
): Promise<HeadStatus> {
  const outputs = sessionOutputNames(lm.model);
  if (outputs.includes(HEAD_INPUT)) {
    if (!detacher.head) return { ok: false, reason: `the session outputs ${HEAD_INPUT} but no head was read` };
    lm.head = detacher.head;
    return { ok: true, swapped: false, ...(detacher.where ? { where: detacher.where } : {}) };
  }
  if (detacher.reason) return { ok: false, reason: detacher.reason };
  const bytes = await readModel();
  if (!bytes) return { ok: false, reason: 'the model file is not in the cache' };
  const detached = detachHead(bytes, alsoAppend, undefined, detacher.words);
  if (!detached.ok) return detached;
  const head = tryHead(detached.weights, detacher.threads);
  if (!(head instanceof Int8Kernel)) return head;
  const swapped = await replaceSession(lm.model, lm.device, detached.bytes);
  if (!swapped.ok) return swapped;
  lm.head = head;
  if (detacher.readAlong) detacher.readAlong.use(detacher.readAlong.read(detached.graph), head);
  return { ok: true, swapped: true, ...(detached.where ? { where: detached.where } : {}) };
}

function tryHead(weights: Int8Weights, threads: GemvThreads | undefined): Int8Kernel | { ok: false; reason: string } {
  try {
    return Int8Kernel.of(weights, threads);
  } catch (error) {
    return { ok: false, reason: `Sesame's head kernel did not start: ${(error as Error).message}` };
  }
}
