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

  /** Releases every model idle for at least idleMs; returns the released keys. */
  async releaseIdle(): Promise<string[]> {
    const cutoff = this.now() - this.options.idleMs;
    const idle = this.entries().filter((e) => e.inUse === 0 && e.lastUsed <= cutoff);
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
    const next = Math.min(...idle.map((e) => e.lastUsed)) + this.options.idleMs;
    this.timer = this.setTimer(
      () => {
        this.timer = null;
        void this.releaseIdle();
      },
      Math.max(0, next - this.now()),
    );
  }
}
