// Getting graph surgery (extra outputs appended to a model file) into the session transformers.js
// runs. Two hooks, for any surgery that yields a tail to append:
//
//  - `appendTail(response, plan)` rewrites a cached `.onnx` file as transformers.js reads it
//    through the custom cache, so the session is built with the outputs from the start;
//  - `ensureOutputs(model, …)` checks the built session and, when the bytes bypassed the cache
//    (a browser's first download goes from the network straight to the session), builds the
//    modified session itself and swaps it in. Call it right after loading, before anything else
//    can be running on the old session.
import type { PreTrainedModel } from '@huggingface/transformers';
import type { Dtype } from '../protocol';
import type { DeviceName } from './loader';

export type TailPlan = { ok: true; tail: Uint8Array<ArrayBuffer> } | { ok: false; reason: string };

export interface OrtSession {
  inputNames: readonly string[];
  outputNames: readonly string[];
  config?: unknown;
  run(feeds: Record<string, unknown>, fetches?: readonly string[]): Promise<Record<string, unknown>>;
  release(): Promise<void>;
}
interface OrtSessionClass {
  create(bytes: Uint8Array, options: { executionProviders: string[] }): Promise<OrtSession>;
}

/** The model file transformers.js loads for a dtype (its default `onnx/model{suffix}.onnx`). */
export function onnxFileFor(dtype: Dtype): string {
  const suffix: Record<Dtype, string> = { fp32: '', fp16: '_fp16', q8: '_quantized', q4: '_q4' };
  return `onnx/model${suffix[dtype]}.onnx`;
}

/**
 * A cached model file with `plan`'s tail appended; unchanged when the plan adds nothing or fails.
 * The original bytes and the tail are streamed as they are (not copied into a Blob: with an fp32
 * model already loaded, one more ~440 MB copy failed Chromium's blob read as a "network error"),
 * so the reader's copy is the only full-size one.
 */
export async function appendTail(response: Response, plan: (bytes: Uint8Array) => TailPlan): Promise<Response> {
  const body = new Uint8Array(await response.arrayBuffer());
  const planned = plan(body);
  const headers = new Headers(response.headers);
  if (!planned.ok || planned.tail.byteLength === 0) return new Response(body, { status: response.status, headers });
  headers.set('content-length', String(body.byteLength + planned.tail.byteLength));
  const parts = [body, planned.tail];
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      const next = parts.shift();
      if (next) controller.enqueue(next);
      else controller.close();
    },
  });
  return new Response(stream, { status: response.status, headers });
}

export type EnsureStatus = { ok: true; swapped: boolean } | { ok: false; reason: string };

/**
 * Makes sure `model`'s session has what `has` looks for, rebuilding it from `readModel()`'s bytes
 * plus `plan`'s tail when it has not. Must run before the model is shared: the old session is released.
 */
export async function ensureOutputs(
  model: PreTrainedModel,
  device: DeviceName,
  readModel: () => Promise<Uint8Array | undefined>,
  has: (session: OrtSession) => boolean,
  plan: (bytes: Uint8Array) => TailPlan,
): Promise<EnsureStatus> {
  const old = modelSession(model);
  if (!old) return { ok: false, reason: 'the model has no session named "model"' };
  if (has(old)) return { ok: true, swapped: false };
  const bytes = await readModel();
  if (!bytes) return { ok: false, reason: 'the model file is not in the cache' };
  const planned = plan(bytes);
  if (!planned.ok) return planned;
  const full = new Uint8Array(bytes.byteLength + planned.tail.byteLength);
  full.set(bytes);
  full.set(planned.tail, bytes.byteLength);
  // The class that built the old session, i.e. the onnxruntime transformers.js runs on.
  const Session = old.constructor as unknown as OrtSessionClass;
  let fresh: OrtSession;
  try {
    fresh = await Session.create(full, { executionProviders: [device] });
  } catch (error) {
    return { ok: false, reason: `the modified model did not load: ${(error as Error).message}` };
  }
  fresh.config = old.config;
  (model as unknown as { sessions: Record<string, OrtSession> }).sessions.model = fresh;
  await old.release();
  return { ok: true, swapped: true };
}

function sessions(model: PreTrainedModel): Record<string, OrtSession | undefined> {
  return (model as unknown as { sessions?: Record<string, OrtSession | undefined> }).sessions ?? {};
}

/** The single session of an encoder or decoder-only export. */
export function modelSession(model: PreTrainedModel): OrtSession | undefined {
  return sessions(model).model;
}
