// The model host's watchdog: while the host has work, it must show progress (a progress, partial,
// update, result or error message for any request) at least every `stallMs`. A host that stays
// silent that long is stuck (a hung ONNX run blocks transformers.js' one inference chain, and with
// it every tool in every tab): the router answers what it was waiting for and restarts it.
// Timers and clock are injected, so the rules are tested with fake time.

export interface WatchdogDeps {
  /** Longest silence allowed while work is pending, in ms (read at each check: tests shorten it). */
  stallMs: () => number;
  /** Whether anything is waiting on the host. */
  busy: () => boolean;
  /** The host made no progress for `silentMs`. */
  onStall: (silentMs: number) => void;
  now?: () => number;
  setTimer?: (run: () => void, ms: number) => unknown;
  clearTimer?: (timer: unknown) => void;
}

export const DEFAULT_STALL_MS = 90_000;

export class Watchdog {
  private last: number;
  private timer: unknown = null;
  private readonly now: () => number;
  private readonly setTimer: (run: () => void, ms: number) => unknown;
  private readonly clearTimer: (timer: unknown) => void;

  constructor(private readonly deps: WatchdogDeps) {
    this.now = deps.now ?? Date.now;
    this.setTimer = deps.setTimer ?? ((run, ms) => setTimeout(run, ms));
    this.clearTimer = deps.clearTimer ?? ((timer) => clearTimeout(timer as ReturnType<typeof setTimeout>));
    this.last = this.now();
  }

  /** Work was handed to the host: when it was idle, the silence starts now. */
  started(wasIdle: boolean): void {
    if (wasIdle) {
      this.last = this.now();
      this.stop();
    }
    this.arm();
  }

  /** The host said something: it is making progress. */
  progress(): void {
    this.last = this.now();
  }

  /** Nothing left to watch (the host was restarted or lost). */
  stop(): void {
    if (this.timer !== null) this.clearTimer(this.timer);
    this.timer = null;
  }

  private arm(): void {
    if (this.timer !== null) return;
    const wait = Math.max(10, this.last + this.limit() - this.now());
    this.timer = this.setTimer(() => this.check(), wait);
  }

  private check(): void {
    this.timer = null;
    if (!this.deps.busy()) return;
    const silent = this.now() - this.last;
    if (silent >= this.limit()) {
      this.last = this.now();
      this.deps.onStall(silent);
      return;
    }
    this.arm();
  }

  private limit(): number {
    const ms = this.deps.stallMs();
    return Number.isFinite(ms) && ms > 0 ? ms : DEFAULT_STALL_MS;
  }
}
