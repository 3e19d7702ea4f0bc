// The e2e tests' fault injection (host/run-faults.ts) for a pass that runs in Sesame's kernels
// instead of an onnxruntime session: the same global, armed only in the host's own document.
/** The armed fault for a pass in Sesame's kernels (lm/logits.ts), taken: a rejection, a promise that never settles, or none. */
export function kernelRunFault(): Promise<never> | undefined {
  const fault = globalThis.sesameRunFault;
  if (fault !== 'fail' && fault !== 'hang') return undefined;
  globalThis.sesameRunFault = undefined;
  return fault === 'fail' ? Promise.reject(new Error('Injected inference failure: RuntimeError: Aborted(OOM)')) : new Promise<never>(() => undefined);
}
