// transformers.js (4.3.1, web builds) chains every ONNX session creation on one module-level
// promise and never recovers from a rejection: after one model fails to load (a corrupt file),
// every later session creation rejects with that same error, whatever the model. The guard keeps
// that chain resolved: a failed creation resolves to an inert stand-in session that remembers the
// error, and the loader throws it once from_pretrained returns (see sessionFailure).

import { span } from '../../shared/spans';

interface SessionFactory {
  create(...args: never[]): Promise<unknown>;
}

const failures = new WeakMap<object, unknown>();
const guarded = new WeakSet<SessionFactory>();

/** A session that failed to be created: safe to store, configure and release, never to run. */
export function failedSession(error: unknown): object {
  const stand = { inputNames: [], outputNames: [], inputMetadata: [], outputMetadata: [], release: async () => undefined };
  failures.set(stand, error);
  return stand;
}

/** Makes `factory.create` (onnxruntime's InferenceSession.create) resolve to a stand-in instead of rejecting. */
export function guardSessionCreation(factory: SessionFactory): void {
  if (guarded.has(factory)) return;
  guarded.add(factory);
  const create = factory.create.bind(factory) as (...args: unknown[]) => Promise<unknown>;
  (factory as { create: (...args: unknown[]) => Promise<unknown> }).create = (...args) => {
    span('ort:create');
    return create(...args)
      .catch(failedSession)
      .finally(() => span('ort:created'));
  };
}

/** The error behind a model's failed session, if any of its sessions is a stand-in. */
export function sessionFailure(model: unknown): { error: unknown } | null {
  const sessions = (model as { sessions?: Record<string, unknown> } | null)?.sessions ?? {};
  for (const session of Object.values(sessions)) {
    if (session && typeof session === 'object' && failures.has(session)) return { error: failures.get(session) };
  }
  return null;
}
