// A completion's text goes out as it is decoded, but not one message a token: each partial wakes
// two other processes (the background relays it, the page paints it), and where every core decodes
// (two threads on two cores) that time comes out of the next step. So the first piece goes at once
// (ghost text's first token), later ones at most every PARTIAL_MS, each alternative's pieces
// merged in order; whatever is held goes out before the request's answer (`flush`).
import { type Partial, LIMITS } from '../shared/protocol';

/** At most one partial message this often after the first (about two frames: the text still streams). */
export const PARTIAL_MS = 32;

export interface PartialClock {
  now(): number;
  setTimer(fn: () => void, ms: number): unknown;
  clearTimer(handle: unknown): void;
}

const realClock: PartialClock = {
  now: () => performance.now(),
  setTimer: (fn, ms) => setTimeout(fn, ms),
  clearTimer: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

export class PartialStream {
  /** Text held per alternative, in the order they first came. */
  private readonly held = new Map<number, string>();
  private last = Number.NEGATIVE_INFINITY;
  private timer: unknown = null;

  constructor(
    private readonly send: (p: Partial) => void,
    private readonly clock: PartialClock = realClock,
    private readonly intervalMs = PARTIAL_MS,
  ) {}

  push(p: Partial): void {
    if (!p.delta) return;
    // A merged piece stays within what the protocol lets one partial carry.
    if ((this.held.get(p.index)?.length ?? 0) + p.delta.length > LIMITS.partialChars) this.flush();
    this.held.set(p.index, (this.held.get(p.index) ?? '') + p.delta);
    const wait = this.last + this.intervalMs - this.clock.now();
    if (wait <= 0) this.flush();
    else if (this.timer === null) this.timer = this.clock.setTimer(() => this.flush(), wait);
  }

  /** Sends whatever is held now. */
  flush(): void {
    if (this.timer !== null) this.clock.clearTimer(this.timer);
    this.timer = null;
    if (this.held.size === 0) return;
    this.last = this.clock.now();
    for (const [index, delta] of this.held) this.send({ index, delta });
    this.held.clear();
  }
}
