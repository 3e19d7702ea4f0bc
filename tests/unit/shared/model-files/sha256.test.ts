import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Sha256 } from '@/models/shared/model-files/sha256';

describe('incremental SHA-256', () => {
  it('matches node:crypto for lengths around the block and padding edges, in any chunking', () => {
    for (const n of [0, 1, 55, 56, 63, 64, 65, 119, 120, 127, 128, 129, 1000, 65_537]) {
      const bytes = new Uint8Array(randomBytes(n));
      const want = createHash('sha256').update(bytes).digest('hex');
      expect(new Sha256().update(bytes).digestHex(), `${n} bytes`).toBe(want);
      for (const chunk of [1, 7, 63, 64, 100]) {
        const h = new Sha256();
        for (let at = 0; at < n; at += chunk) h.update(bytes.subarray(at, at + chunk));
        expect(h.digestHex(), `${n} bytes in ${chunk}-byte chunks`).toBe(want);
      }
    }
    expect(new Sha256().update(new TextEncoder().encode('abc')).digestHex()).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('hashes 64 MB at a usable speed', () => {
    const bytes = new Uint8Array(64 * 1024 * 1024).fill(7);
    const t0 = performance.now();
    const hex = new Sha256().update(bytes).digestHex();
    const ms = performance.now() - t0;
    expect(hex).toBe(createHash('sha256').update(bytes).digest('hex'));
    console.log(`incremental SHA-256: ${((64 / ms) * 1000).toFixed(0)} MB/s`);
    expect(ms).toBeLessThan(10_000);
  });
});
