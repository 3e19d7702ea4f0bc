// Fault injection for the e2e tests: makes the next ONNX run in this document (or the next encoder
// pass in Sesame's kernels: lm/kernel-run-fault.ts) fail or never end, as a WASM out-of-memory or a hung
// GPU dispatch would, or loses the real WebGPU device under it ('lose-device': GPUDevice.destroy()
// on onnxruntime's device, then the run goes ahead on it and fails as a lost device makes it
// fail). Armed only by setting a global in the host's own document (DevTools; no page, content
// script or message can reach it).

declare global {
  var sesameRunFault: 'fail' | 'hang' | 'lose-device' | undefined;
}

interface SessionClass {
  prototype: { run(...args: never[]): Promise<unknown> };
}

const installed = new WeakSet<object>();

/** `loseDevice`: destroys the WebGPU device the sessions run on (onnxruntime's `env.webgpu.device`). */
export function installRunFaults(Session: SessionClass, loseDevice?: () => Promise<void>): void {
  const proto = Session.prototype as { run(...args: unknown[]): Promise<unknown> };
  if (installed.has(proto)) return;
  installed.add(proto);
  const run = proto.run;
  proto.run = function (this: unknown, ...args: unknown[]) {
    const fault = globalThis.sesameRunFault;
    if (fault) globalThis.sesameRunFault = undefined;
    if (fault === 'fail') return Promise.reject(new Error('Injected inference failure: RuntimeError: Aborted(OOM)'));
    if (fault === 'hang') return new Promise<never>(() => undefined);
    if (fault === 'lose-device' && loseDevice) return loseDevice().then(() => run.apply(this, args));
    return run.apply(this, args);
  };
}
