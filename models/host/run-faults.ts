// Fault injection for the e2e tests: makes the next ONNX run in this document fail or never end,
// as a WASM out-of-memory or a hung GPU dispatch would. Armed only by setting a global in the
// host's own document (DevTools; no page, content script or message can reach it).

declare global {
  var sesameRunFault: 'fail' | 'hang' | undefined;
}

interface SessionClass {
  prototype: { run(...args: never[]): Promise<unknown> };
}

const installed = new WeakSet<object>();

export function installRunFaults(Session: SessionClass): void {
  const proto = Session.prototype as { run(...args: unknown[]): Promise<unknown> };
  if (installed.has(proto)) return;
  installed.add(proto);
  const run = proto.run;
  proto.run = function (this: unknown, ...args: unknown[]) {
    const fault = globalThis.sesameRunFault;
    if (fault) globalThis.sesameRunFault = undefined;
    if (fault === 'fail') return Promise.reject(new Error('Injected inference failure: RuntimeError: Aborted(OOM)'));
    if (fault === 'hang') return new Promise<never>(() => undefined);
    return run.apply(this, args);
  };
}
