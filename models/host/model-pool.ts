// One loaded model serves every tool that uses it; a model unused for `idleMs` is released.
// Plain TypeScript with injected loader and clock so it can be tested without a browser.

export interface Releasable {
  release(): Promise<void>;
}

export interface PoolEntry<M extends Releasable> {
  key: string;
  model: M;
  lastUsed: number;
  inUse: number;
}

export interface PoolOptions {
  idleMs: number;
  now?: () => number;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
  /** Called when an idle release leaves nothing loaded or loading. */
  onEmpty?: () => void;
  /**
   * How many times `idleMs` the most recently used model stays loaded (1, the default: like the
   * others). Where memory allows it (host deps `warmFactor`), the model a reader last used is
   * kept warm longer, so that a lookup some minutes after the last one is not a cold start.
   */
  warmFactor?: () => number;
}

/** The memory (GiB) from which a device keeps the last-used model warm longer; Chrome reports at most 8. */
export const WARM_MEMORY_GIB = 8;
/** How many times the idle time the last-used model stays loaded there (the default 10 minutes: an hour). */
export const WARM_FACTOR = 6;

/**
 * How long the last-used model outlives the idle time (model-pool.ts `warmFactor`): WARM_FACTOR
 * times on a device that reports WARM_MEMORY_GIB or more (`navigator.deviceMemory`), else not at all.
 */
export function warmFactorFor(deviceMemoryGiB: number | undefined): number {
  return (deviceMemoryGiB ?? 0) >= WARM_MEMORY_GIB ? WARM_FACTOR : 1;
}

export class ModelPool<M extends Releasable> {
  private readonly loaded = new Map<string, PoolEntry<M>>();
  private readonly loading = new Map<string, Promise<M>>();
  private timer: unknown = null;
  private readonly now: () => number;
  private readonly setTimer: (fn: () => void, ms: number) => unknown;
  private readonly clearTimer: (handle: unknown) => void;

  constructor(private options: PoolOptions) {
    this.now = options.now ?? Date.now;
    this.setTimer = options.setTimer ?? ((fn, ms) => setTimeout(fn, ms));
    this.clearTimer = options.clearTimer ?? ((h) => clearTimeout(h as ReturnType<typeof setTimeout>));
  }

  setIdleMs(idleMs: number): void {
    if (idleMs !== this.options.idleMs) {
      this.options = { ...this.options, idleMs };
      this.schedule();
    }
  }

  /** Runs `work` with the model for `key`, loading it once however many callers ask at once. */
  async use<T>(key: string, load: () => Promise<M>, work: (model: M) => Promise<T>): Promise<T> {
    const entry = await this.acquire(key, load);
    entry.inUse++;
    try {
      return await work(entry.model);
    } finally {
      entry.inUse--;
      entry.lastUsed = this.now();
      this.schedule();
    }
  }

  private async acquire(key: string, load: () => Promise<M>): Promise<PoolEntry<M>> {
    const existing = this.loaded.get(key);
    if (existing) return existing;
    let pending = this.loading.get(key);
    if (!pending) {
      pending = load();
      this.loading.set(key, pending);
    }
    try {
      const model = await pending;
      let entry = this.loaded.get(key);
      if (!entry) {
        entry = { key, model, lastUsed: this.now(), inUse: 0 };
        this.loaded.set(key, entry);
      }
      return entry;
    } finally {
      this.loading.delete(key);
    }
  }

  entries(): PoolEntry<M>[] {
    return [...this.loaded.values()];
  }

  /** How long `entry` may stay unused: idleMs, times the warm factor for the most recently used one. */
  private idleFor(entry: PoolEntry<M>): number {
    const factor = Math.max(1, this.options.warmFactor?.() ?? 1);
    if (factor === 1) return this.options.idleMs;
    const last = this.entries().reduce<PoolEntry<M> | null>((a, e) => (a && a.lastUsed >= e.lastUsed ? a : e), null);
    return entry === last ? this.options.idleMs * factor : this.options.idleMs;
  }

  /** Releases every model idle for at least its idle time (idleFor); returns the released keys. */
  async releaseIdle(): Promise<string[]> {
    const now = this.now();
    const idle = this.entries().filter((e) => e.inUse === 0 && e.lastUsed <= now - this.idleFor(e));
    for (const entry of idle) this.loaded.delete(entry.key);
    await Promise.allSettled(idle.map((e) => e.model.release()));
    this.schedule();
    if (idle.length > 0 && this.loaded.size === 0 && this.loading.size === 0) this.options.onEmpty?.();
    return idle.map((e) => e.key);
  }

  async releaseAll(matching: (key: string) => boolean = () => true): Promise<void> {
    const gone = this.entries().filter((e) => matching(e.key));
    for (const entry of gone) this.loaded.delete(entry.key);
    await Promise.allSettled(gone.map((e) => e.model.release()));
  }

  private schedule(): void {
    if (this.timer !== null) this.clearTimer(this.timer);
    this.timer = null;
    const idle = this.entries().filter((e) => e.inUse === 0);
    if (idle.length === 0 || this.options.idleMs <= 0) return;
    const next = Math.min(...idle.map((e) => e.lastUsed + this.idleFor(e)));
    this.timer = this.setTimer(
      () => {
        this.timer = null;
        void this.releaseIdle();
      },
      Math.max(0, next - this.now()),
    );
  }
}
