// The host's memory as a browser document can measure it (performance.measureUserAgentSpecificMemory),
// corrected for how Chromium counts WebAssembly memories (checked in a page here, stop 13): a
// shared memory is counted once for every agent that maps it, and what a memory of its own grew by
// is not counted at all.

export interface MemoryMeasurement {
  bytes: number;
  breakdown: { bytes: number; attribution: { scope: string }[] }[];
}

/**
 * The document's bytes: the measurement without the kernel threads' part (the shared kernel
 * memory again, plus their ~1 MiB heaps), plus the kernel memories that are not shared.
 */
export function documentBytes(m: MemoryMeasurement, kernelMemories: readonly WebAssembly.Memory[]): number {
  const workers = m.breakdown.filter((b) => b.attribution.some((a) => a.scope === 'DedicatedWorkerGlobalScope')).reduce((sum, b) => sum + b.bytes, 0);
  const unshared = kernelMemories.filter((memory) => !(memory.buffer instanceof SharedArrayBuffer)).reduce((sum, memory) => sum + memory.buffer.byteLength, 0);
  return m.bytes - workers + unshared;
}

type MemoryMeasuring = Performance & { measureUserAgentSpecificMemory?: () => Promise<MemoryMeasurement> };

/** The document's memory as the browser counts it (JS heaps, WASM memory, DOM), or null where it cannot tell. */
export async function measureMemory(kernelMemories: readonly WebAssembly.Memory[]): Promise<number | null> {
  const measure = (performance as MemoryMeasuring).measureUserAgentSpecificMemory;
  if (!measure || !globalThis.crossOriginIsolated) return null;
  return measure.call(performance).then(
    (m) => documentBytes(m, kernelMemories),
    () => null,
  );
}
