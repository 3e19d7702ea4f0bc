// A kernel image (issue #21): the bytes of a model's kernel memories as a load laid them out (the
// head's table; the layers transposed, in blocks, in 7 bits), kept after a load without a session
// (image-files.ts: OPFS), so that a cold load reads them straight into fresh kernel memories, a
// kernel thread a share, and lays nothing out. The stored rewrite (stored-rewrite.ts) it replaces
// on that path cost a cold load a read of the whole rewrite into a new buffer through the Cache API
// (~0.75 s for bert-base here), its unpacking and the layout (~0.45 s): now a ~0.3 s read.
// Beside the bytes, a description: the weights without the bytes in the memories (norms, scales,
// biases, small tables stay), the file it was made from, and how each memory was laid out. An image
// of another file, another format, or laid out for another engine (with or without relaxed SIMD)
// is not used: the load then lays the weights out from the stored rewrite and writes a new image.
import type { ImageFiles } from '../../shared/model-files/image-files';
import { type FileRegion, type GemvThreads, type GroupImage, Int8Kernel, type Int8Weights, type LaidOut } from '../kernels';
import { mapArrays, pack, unpack } from '../onnx';

/** Bumped when an image's layout or description changes: older images are then never read. */
export const IMAGE_FORMAT = 1;

/** What an image is made from: the file (its size and revision), the head's and the read-along weights (their bytes dropped), where the head was cut. */
export interface ImageSource {
  source: { bytes: number; revision: string };
  head: Int8Weights;
  along?: unknown;
  where?: string;
}

/** An image's description as stored: its source, and each memory's place in the file and layout (the head's first, then the layers'). */
export interface ImageMeta extends ImageSource {
  format: number;
  groups: (LaidOut & { from: number; bytes: number })[];
}

/** Where each memory starts in the file: whole pages, so that each read starts on one. */
const FILE_ALIGN = 4096;

/**
 * `value` as an image describes it: every linear layer's bytes (`Int8Weights.data`) and every
 * array lying inside them (a tied model's word embeddings, the head's table) left out, as empty
 * arrays; every other array copied, so that the description keeps no file's bytes alive.
 */
export function withoutLaidOutBytes<T>(value: T): T {
  const laidOut: ArrayBufferView[] = [];
  const walk = (v: unknown, visit: (x: object) => void): void => {
    if (!v || typeof v !== 'object' || ArrayBuffer.isView(v)) return;
    visit(v);
    for (const x of Array.isArray(v) ? v : Object.values(v)) walk(x, visit);
  };
  walk(value, (x) => {
    const w = x as Partial<Int8Weights>;
    if (w.data instanceof Uint8Array && typeof w.k === 'number' && typeof w.n === 'number' && w.zeroPoint instanceof Int32Array) laidOut.push(w.data);
  });
  const inside = (a: ArrayBufferView) =>
    laidOut.some((d) => d.buffer === a.buffer && d.byteOffset <= a.byteOffset && a.byteOffset + a.byteLength <= d.byteOffset + d.byteLength);
  return mapArrays(value, (a) => {
    const typed = a as Uint8Array;
    return inside(a) ? new (typed.constructor as new (n: number) => Uint8Array)(0) : typed.slice();
  });
}

/** One model file's image, by the name its stored rewrite has (the file and what the load does to it). */
export class KernelImage {
  constructor(
    private readonly files: ImageFiles,
    private readonly model: string,
    private readonly name: string,
    private readonly threads: GemvThreads,
  ) {}

  /** The image's description, when there is one of this format (whether it is of the file read: `of`). */
  async read(): Promise<ImageMeta | undefined> {
    const bytes = await this.files.readMeta(this.model, this.name);
    if (!bytes) return undefined;
    const meta = unpack<ImageMeta>(bytes, Infinity);
    return meta.format === IMAGE_FORMAT ? meta : undefined;
  }

  /** Whether `meta` describes an image of this very file (same size and revision). */
  static of(meta: ImageMeta, source: ImageSource['source']): boolean {
    return meta.source.bytes === source.bytes && meta.source.revision === source.revision;
  }

  /** Fills the memories of `groups` (as `meta.groups` describes them, in order) from the image. */
  async fill(meta: ImageMeta, groups: readonly GroupImage[]): Promise<void> {
    if (groups.length !== meta.groups.length) throw new Error(`the image has ${meta.groups.length} memories, the load ${groups.length}`);
    const regions = groups.map((g, i): FileRegion => {
      const kept = meta.groups[i]!;
      if (g.bytes !== kept.bytes) throw new Error(`memory ${i} holds ${g.bytes} bytes of layers, its image ${kept.bytes}`);
      return { id: this.idOf(g), at: 0, length: g.bytes, from: kept.from };
    });
    await this.threads.read(this.files.imagePath(this.model, this.name), regions);
  }

  /** Writes an image of `groups` (the head's first) and its description (last: an image is used only once it is whole). */
  async write(made: ImageSource, groups: readonly GroupImage[]): Promise<void> {
    let end = 0;
    const places = groups.map((g) => {
      const from = end;
      end = Math.ceil((from + g.bytes) / FILE_ALIGN) * FILE_ALIGN;
      return { from, bytes: g.bytes, relaxedRoom: g.relaxedRoom, relaxed: [...g.relaxed] };
    });
    await this.files.removeMeta(this.model, this.name);
    const regions = groups.map((g, i): FileRegion => ({ id: this.idOf(g), at: 0, length: g.bytes, from: places[i]!.from }));
    await this.threads.write(this.files.imagePath(this.model, this.name), regions);
    const meta: ImageMeta = { format: IMAGE_FORMAT, ...made, groups: places };
    await this.files.writeMeta(this.model, this.name, pack(meta));
  }

  /** The memory's id in this image's kernel threads (an image is read and written by them). */
  private idOf(g: GroupImage): number {
    if (!g.shared || g.shared.threads !== this.threads) throw new Error('the kernel memory is not shared with the kernel threads');
    return g.shared.id;
  }
}

/** The images of a head and of the layers built beside it (none where there are none). */
export function groupImages(head: Int8Kernel, layers: readonly Int8Kernel[] | undefined): GroupImage[] {
  return [Int8Kernel.image([head]), ...(layers?.length ? [Int8Kernel.image(layers)] : [])];
}
