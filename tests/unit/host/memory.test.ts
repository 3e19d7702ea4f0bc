// The host's memory figure: Chromium's measurement corrected for how it counts WebAssembly memories.
import { describe, expect, it } from 'vitest';
import { documentBytes, type MemoryMeasurement } from '@/models/host/memory';

const MiB = 2 ** 20;
const PAGE = 65536;

describe('host memory figure', () => {
  it("leaves out the kernel threads' part and adds the kernel memories the browser does not count", () => {
    const measured: MemoryMeasurement = {
      bytes: 300 * MiB,
      breakdown: [
        { bytes: 180 * MiB, attribution: [{ scope: 'Window' }] },
        { bytes: 120 * MiB, attribution: [{ scope: 'DedicatedWorkerGlobalScope' }] },
      ],
    };
    const own = new WebAssembly.Memory({ initial: 16 });
    const shared = new WebAssembly.Memory({ initial: 32, maximum: 32, shared: true });
    expect(documentBytes(measured, [])).toBe(180 * MiB);
    // A shared memory is in the measurement already; one of its own is not.
    expect(documentBytes(measured, [shared])).toBe(180 * MiB);
    expect(documentBytes(measured, [own, shared])).toBe(180 * MiB + 16 * PAGE);
    own.grow(16);
    expect(documentBytes(measured, [own])).toBe(180 * MiB + 32 * PAGE);
  });
});
