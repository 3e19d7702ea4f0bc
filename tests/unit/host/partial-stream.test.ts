import { describe, expect, it } from 'vitest';
import { PARTIAL_MS, PartialStream } from '@/models/host/partial-stream';
import { LIMITS, type Partial } from '@/models/shared/protocol';
import { fakeClock } from '@/tests/support/fake-clock';

function stream() {
  const clock = fakeClock();
  const sent: (Partial & { at: number })[] = [];
  const s = new PartialStream((p) => sent.push({ ...p, at: clock.now() }), clock);
  return { clock, sent, s };
}

describe('PartialStream: a completion streams in a few messages, not one a token', () => {
  it('sends the first piece at once, then merges each alternative’s pieces for PARTIAL_MS', async () => {
    const { clock, sent, s } = stream();
    s.push({ index: 0, delta: 'The' });
    expect(sent).toEqual([{ index: 0, delta: 'The', at: 0 }]);
    await clock.advance(10);
    s.push({ index: 0, delta: ' bank' });
    await clock.advance(10);
    s.push({ index: 0, delta: ' is' });
    expect(sent).toHaveLength(1);
    await clock.advance(PARTIAL_MS - 20);
    expect(sent).toEqual([
      { index: 0, delta: 'The', at: 0 },
      { index: 0, delta: ' bank is', at: PARTIAL_MS },
    ]);
    // Long after the last message, a piece goes at once again.
    await clock.advance(5 * PARTIAL_MS);
    s.push({ index: 0, delta: ' open' });
    expect(sent.at(-1)).toEqual({ index: 0, delta: ' open', at: 6 * PARTIAL_MS });
    expect(sent.map((p) => p.delta).join('')).toBe('The bank is open');
  });

  it('keeps alternatives apart and in order, and flush sends what it holds (before the answer)', async () => {
    const { clock, sent, s } = stream();
    s.push({ index: 0, delta: 'a' });
    s.push({ index: 0, delta: 'b' });
    s.push({ index: 1, delta: 'x' });
    s.push({ index: 1, delta: 'y' });
    await clock.advance(1);
    s.flush();
    expect(sent.map(({ index, delta }) => ({ index, delta }))).toEqual([
      { index: 0, delta: 'a' },
      { index: 0, delta: 'b' },
      { index: 1, delta: 'xy' },
    ]);
    // Nothing held: a flush sends nothing, and the timer it cleared fires no empty message.
    s.flush();
    await clock.advance(2 * PARTIAL_MS);
    expect(sent).toHaveLength(3);
  });

  it('never merges past what one partial may carry, and ignores empty pieces', async () => {
    const { clock, sent, s } = stream();
    s.push({ index: 0, delta: '' });
    expect(sent).toEqual([]);
    s.push({ index: 0, delta: 'x' });
    const big = 'y'.repeat(LIMITS.partialChars - 10);
    s.push({ index: 0, delta: big });
    s.push({ index: 0, delta: 'z'.repeat(20) });
    await clock.advance(PARTIAL_MS);
    expect(sent.map((p) => p.delta)).toEqual(['x', big, 'z'.repeat(20)]);
    expect(sent.every((p) => p.delta.length <= LIMITS.partialChars)).toBe(true);
  });
});
