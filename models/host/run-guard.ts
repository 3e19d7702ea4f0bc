// transformers.js (4.3.1, web builds) runs every ONNX inference of every model through one
// module-level promise chain (`webInferenceChain = webInferenceChain.then(run)` in
// src/backends/onnx.js) and never recovers from a rejection: after one run fails (WASM out of
// memory, a lost GPU device, an onnxruntime error), every later run of every model rejects with
// that same error. The guard keeps the chain resolved: a failed run resolves to outputs that throw
// the run's error as soon as transformers.js reads them (in sessionRun, just after the chain), so
// the failure reaches its own request and only its own.
//
// A run that never settles blocks the chain all the same; no guard can end it from inside the
// document: the router's watchdog (background/watchdog.ts) restarts the host instead.

interface SessionClass {
  prototype: { run(...args: never[]): Promise<unknown> };
}

const guarded = new WeakSet<object>();
const failures = new WeakMap<object, unknown>();

/** Outputs standing for a failed run: any read of them throws `error`; they are not a thenable. */
export function failedOutputs(error: unknown): object {
  const fail = (): never => {
    throw error;
  };
  const outputs = new Proxy(Object.create(null) as object, {
    // Looked up when a promise resolves to it: answering "no then" keeps it a plain value.
    get: (_, key) => (key === 'then' ? undefined : fail()),
    has: fail,
    ownKeys: fail,
    getOwnPropertyDescriptor: fail,
  });
  failures.set(outputs, error);
  return outputs;
}

/** The error behind outputs from failedOutputs, or null. */
export function runFailure(outputs: unknown): { error: unknown } | null {
  return outputs !== null && typeof outputs === 'object' && failures.has(outputs) ? { error: failures.get(outputs) } : null;
}

/** Makes `Session.prototype.run` (onnxruntime's InferenceSession) resolve to failedOutputs instead of rejecting. */
export function guardSessionRuns(Session: SessionClass): void {
  const proto = Session.prototype as { run(...args: unknown[]): Promise<unknown> };
  if (guarded.has(proto)) return;
  guarded.add(proto);
  const run = proto.run;
  proto.run = function (this: unknown, ...args: unknown[]) {
    let started: Promise<unknown>;
    try {
      started = Promise.resolve(run.apply(this, args));
    } catch (error) {
      started = Promise.reject(error);
    }
    return started.catch(failedOutputs);
  };
}
