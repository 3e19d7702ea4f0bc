import { afterEach, describe, expect, it, vi } from 'vitest';
import { CACHED_FIELDS, type CachedPast, FieldKvCache, MIN_REUSE, reusablePrefix, tokenWindow, WINDOW_SLACK } from '@/models/host/tools/complete/kv-cache';

const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

describe('reusablePrefix', () => {
  it('reuses the whole cached run when the new ids extend it, but always recomputes the last token', () => {
    expect(reusablePrefix(range(0, 10), range(0, 14))).toBe(10);
    expect(reusablePrefix(range(0, 10), range(0, 10))).toBe(9);
    expect(reusablePrefix(range(0, 14), range(0, 10))).toBe(9);
  });

  it('stops at the first differing id: a re-merged BPE piece and all after it are recomputed', () => {
    // "… the river bank" → "… the river banks": the last piece becomes another id.
    const before = [10, 11, 12, 13, 1169, 7850, 3331];
    const after = [10, 11, 12, 13, 1169, 7850, 6341];
    expect(reusablePrefix(before, after)).toBe(6);
    // An edit in the middle keeps only what precedes it.
    expect(reusablePrefix(range(0, 20), [...range(0, 8), 99, ...range(9, 20)])).toBe(8);
  });

  it('treats a short shared start as a different text', () => {
    expect(reusablePrefix([1, 2, 3, 4, 5], [1, 2, 3, 9, 9, 9])).toBe(0);
    expect(reusablePrefix(range(0, MIN_REUSE), range(0, MIN_REUSE + 1))).toBe(MIN_REUSE);
  });
});

describe('tokenWindow', () => {
  it('keeps a prompt that fits, and the last `max` ids of one that does not', () => {
    expect(tokenWindow(range(0, 5), 8)).toEqual(range(0, 5));
    expect(tokenWindow(range(0, 20), 8)).toEqual(range(12, 20));
  });

  it('keeps starting where the cached window starts while it has grown by less than the slack', () => {
    const max = 100;
    const cached = range(30, 130);
    const grown = range(0, 150);
    expect(tokenWindow(grown, max, cached)).toEqual(range(30, 150));
    expect(reusablePrefix(cached, tokenWindow(grown, max, cached))).toBe(100);
    const tooLong = range(0, 130 + WINDOW_SLACK + 1);
    expect(tokenWindow(tooLong, max, cached)).toEqual(range(tooLong.length - max, tooLong.length));
    // The cached window's start no longer in the prompt (text before it was cut off).
    expect(tokenWindow(range(40, 160), max, cached)).toEqual(range(60, 160));
  });
});

interface FakePast {
  name: string;
}
const entry = (name: string, ids = [1, 2, 3, 4, 5], owner: unknown = 'model'): CachedPast<FakePast> => ({ owner, ids, past: { name } });

describe('FieldKvCache', () => {
  afterEach(() => vi.useRealTimers());

  it('hands a field its last past once, and gets it back when the request is done', async () => {
    const cache = new FieldKvCache<FakePast>(() => undefined);
    const first = await cache.checkout('f', 'model');
    expect(first.entry).toBeUndefined();
    first.done(entry('a'));
    const second = await cache.checkout('f', 'model');
    expect(second.entry?.past.name).toBe('a');
    expect(cache.size).toBe(0);
    second.done();
    expect((await cache.checkout('f', 'model')).entry).toBeUndefined();
  });

  it('keeps a few fields, dropping (and disposing) the least recently used', async () => {
    const disposed: string[] = [];
    const cache = new FieldKvCache<FakePast>((p) => disposed.push(p.name));
    for (let i = 0; i <= CACHED_FIELDS; i++) (await cache.checkout(`f${i}`, 'model')).done(entry(`p${i}`));
    expect(cache.size).toBe(CACHED_FIELDS);
    expect(disposed).toEqual(['p0']);
    // Using f1 makes f2 the oldest.
    (await cache.checkout('f1', 'model')).done(entry('p1b'));
    (await cache.checkout('g', 'model')).done(entry('q'));
    expect(disposed).toEqual(['p0', 'p2']);
  });

  it("drops another model's past", async () => {
    const disposed: string[] = [];
    const cache = new FieldKvCache<FakePast>((p) => disposed.push(p.name));
    (await cache.checkout('f', 'old model')).done(entry('a', [1, 2, 3, 4], 'old model'));
    expect((await cache.checkout('f', 'new model')).entry).toBeUndefined();
    expect(disposed).toEqual(['a']);
  });

  it("makes a field's next request wait for the previous one, then see its past", async () => {
    const cache = new FieldKvCache<FakePast>(() => undefined);
    const first = await cache.checkout('f', 'model');
    let second: Awaited<ReturnType<typeof cache.checkout>> | null = null;
    const waiting = cache.checkout('f', 'model').then((lease) => (second = lease));
    const other = await cache.checkout('other field', 'model'); // other fields are not held up
    await Promise.resolve();
    expect(second).toBeNull();
    first.done(entry('from the first'));
    await waiting;
    expect(second!.entry?.past.name).toBe('from the first');
    other.done();
  });

  it('clear() disposes everything, and a past leased before it is not stored back', async () => {
    const disposed: string[] = [];
    const cache = new FieldKvCache<FakePast>((p) => disposed.push(p.name));
    (await cache.checkout('a', 'model')).done(entry('a'));
    const lease = await cache.checkout('b', 'model');
    cache.clear();
    lease.done(entry('b'));
    expect(disposed).toEqual(['a', 'b']);
    expect(cache.size).toBe(0);
  });

  it('forgets everything after the idle time, like the model pool', async () => {
    vi.useFakeTimers();
    const disposed: string[] = [];
    const cache = new FieldKvCache<FakePast>((p) => disposed.push(p.name));
    cache.setIdleMs(1000);
    (await cache.checkout('a', 'model')).done(entry('a'));
    vi.advanceTimersByTime(600);
    (await cache.checkout('b', 'model')).done(entry('b'));
    vi.advanceTimersByTime(600);
    expect(cache.size).toBe(2);
    vi.advanceTimersByTime(500);
    expect(cache.size).toBe(0);
    expect(disposed).toEqual(['a', 'b']);
  });
});
