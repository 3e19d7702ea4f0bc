// Getting a q8 model's LM head out of its session and into Sesame's kernel, as the hidden
// states get into an encoder's (sense/hidden-states.ts): the cache serves the file without its
// head while transformers.js builds the session (`HeadDetacher.rewrite`), and when the bytes
// bypassed the cache (a browser's first download) `attachHead` rebuilds the session itself.
import type { GraphProto } from 'onnx-buf';
import type { LoadedModel } from './loader';
import { replaceSession, sessionOutputNames } from '../onnx';
import { type AlsoAppend, detachHead, HEAD_INPUT } from '../onnx';
import type { GemvThreads } from '../kernels';
import type { Int8Weights } from '../onnx';
import { Int8Kernel } from '../kernels';

/** `where`: set when the head was cut out of a legacy merged decoder's If (head-graph.ts). */
export type HeadStatus = { ok: true; swapped: boolean; where?: string } | { ok: false; reason: string };

/** A `ModelCache` rewrite for one load: serves the ONNX file without its int8 head and keeps the head. */
export class HeadDetacher {
  head: Int8Kernel | undefined;
  /** Why the file read through the cache kept its head. */
  reason: string | undefined;
  /** Where the head was cut from, when not a flat graph (a legacy merged decoder's If). */
  where: string | undefined;

  /**
   * `alsoAppend`: more surgery done in the same rewrite (an encoder's hidden states).
   * `readAlong`: reads more from the parsed graph while it is at hand (a GPT decoder's layers).
   * `threads`: worker threads the head's products are split over.
   */
  constructor(
    private readonly alsoAppend?: AlsoAppend,
    readonly readAlong?: (graph: GraphProto, head: Int8Kernel) => void,
    readonly threads?: GemvThreads,
  ) {}

  /**
   * transformers.js matches the file more than once in one load (its size for the progress
   * totals, then the read): the first match detaches the head and builds its kernels, the others
   * are served the same bytes.
   */
  private served: Promise<{ bytes: Uint8Array<ArrayBuffer>; init: ResponseInit }> | undefined;

  readonly rewrite = async (response: Response): Promise<Response> => {
    this.served ??= this.detach(response);
    const { bytes, init } = await this.served;
    return new Response(bytes, init);
  };

  private async detach(response: Response): Promise<{ bytes: Uint8Array<ArrayBuffer>; init: ResponseInit }> {
    const bytes = new Uint8Array(await response.arrayBuffer());
    const headers = new Headers(response.headers);
    const asStored = (reason: string) => {
      this.reason = reason;
      return { bytes, init: { status: response.status, headers } };
    };
    const detached = detachHead(bytes, this.alsoAppend);
    if (!detached.ok) return asStored(detached.reason);
    // The kernel's memory may fail to grow (a low-memory device): the file is then served as stored.
    const head = tryHead(detached.weights, this.threads);
    if (!(head instanceof Int8Kernel)) return asStored(head.reason);
    this.head = head;
    this.where = detached.where;
    this.readAlong?.(detached.graph, head);
    headers.set('content-length', String(detached.bytes.byteLength));
    return { bytes: detached.bytes, init: { status: response.status, headers } };
  }
}

/**
 * Gives `lm` its detached head: the one the cache read produced, or, when the session was built
 * from bytes that bypassed the cache, one from `readModel()`'s bytes with the session rebuilt
 * without the head (plus `alsoAppend`'s outputs). Must run before the model is shared.
 */
export async function attachHead(
  lm: LoadedModel,
  detacher: HeadDetacher,
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
  const detached = detachHead(bytes, alsoAppend);
  if (!detached.ok) return detached;
  const head = tryHead(detached.weights, detacher.threads);
  if (!(head instanceof Int8Kernel)) return head;
  const swapped = await replaceSession(lm.model, lm.device, detached.bytes);
  if (!swapped.ok) return swapped;
  lm.head = head;
  detacher.readAlong?.(detached.graph, head);
  return { ok: true, swapped: true, ...(detached.where ? { where: detached.where } : {}) };
}

function tryHead(weights: Int8Weights, threads: GemvThreads | undefined): Int8Kernel | { ok: false; reason: string } {
  try {
    return Int8Kernel.of(weights, threads);
  } catch (error) {
    return { ok: false, reason: `Sesame's head kernel did not start: ${(error as Error).message}` };
  }
}
