import { afterEach, describe, expect, it, vi } from 'vitest';
import { randomId } from '@/models/shared/random-id';

describe('randomId', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('makes version-4 UUIDs without crypto.randomUUID (content scripts on http: pages)', () => {
    vi.stubGlobal('crypto', { getRandomValues: globalThis.crypto.getRandomValues.bind(globalThis.crypto) });
    expect((globalThis.crypto as Partial<Crypto>).randomUUID).toBeUndefined();
    const ids = new Set(Array.from({ length: 200 }, randomId));
    expect(ids.size).toBe(200);
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});
