// Keys/values of the last prompt of each text field, kept between completion requests: when a
// field's new prompt starts with the same tokens, only the tokens after them are run.
//
// Reuse is decided on token ids, never on text: the new prompt is tokenised whole and compared
// with the ids the cached past was computed for. Appending text can re-merge the old last BPE
// piece (" bank" + "s" → " banks"), and accepting a ghost gives ids the model may have spelt
// differently; the identical leading run is reused and everything from the first difference is
// recomputed, so a reused step sees exactly the keys/values a fresh run would compute.

/**
 * Fields whose past is kept, least recently used dropped first. One field's past for a full
 * window is ~15 MB on distilgpt2 and ~30 MB on gpt2 (~9 MB on Qwen2.5-0.5B: 2 key/value heads of
 * 64 in 24 layers), and people write in one or two fields at a time.
 */
export const CACHED_FIELDS = 3;
/** Fewer identical leading tokens than this is a different text: compute afresh. */
export const MIN_REUSE = 4;
/** How far a reused window may grow past the prompt limit before it is cut afresh. */
export const WINDOW_SLACK = 64;
/** Tokens that locate a cached window's start in a prompt that has grown past the limit. */
const ANCHOR = 8;

/** How many leading ids of `next` can come from a past computed for `cached`. */
export function reusablePrefix(cached: readonly number[], next: readonly number[]): number {
  // The last token always runs: its logits are the ones the next step needs.
  const max = Math.min(cached.length, next.length - 1);
  let n = 0;
  while (n < max && cached[n] === next[n]) n++;
  return n >= MIN_REUSE ? n : 0;
}

/**
 * The ids to feed for a prompt: all of them when they fit in `max`, else the last `max`. But
 * when the cached window's start is still in the prompt and the window has grown by less than
 * WINDOW_SLACK, it starts there instead: a window cut at the end would move with every new
 * token and nothing could be reused. Positions count from the window's start either way.
 */
export function tokenWindow(ids: readonly number[], max: number, cached?: readonly number[]): readonly number[] {
  if (ids.length <= max) return ids;
  if (cached && cached.length >= ANCHOR) {
    const at = indexOfRun(ids, cached, ANCHOR);
    if (at >= 0 && ids.length - at <= max + WINDOW_SLACK) return ids.slice(at);
  }
  return ids.slice(ids.length - max);
}

function indexOfRun(ids: readonly number[], run: readonly number[], length: number): number {
  outer: for (let i = 0; i + length <= ids.length; i++) {
    for (let k = 0; k < length; k++) if (ids[i + k] !== run[k]) continue outer;
    return i;
  }
  return -1;
}

export interface CachedPast<P> {
  /** The loaded model the past belongs to; another model's past is dropped. */
  owner: unknown;
  /** The ids the past holds keys/values for, from the window's start. */
  ids: number[];
  past: P;
}

export interface Lease<P> {
  /** The field's past, taken out of the cache until `done`. */
  entry: CachedPast<P> | undefined;
  /** Ends the request: keeps `next` as the field's past (or nothing) and lets the next request in. */
  done(next?: CachedPast<P>): void;
}

/** What the completion tool did, for the host's diagnostics. */
export interface CompletionCounters {
  requests: number;
  /** Generations that stopped because their request was cancelled. */
  cancelled: number;
  reusedTokens: number;
  computedTokens: number;
}

export class FieldKvCache<P> {
  /** In least-recently-used-first order. */
  private readonly entries = new Map<string, CachedPast<P>>();
  private readonly lanes = new Map<string, Promise<void>>();
  /** Bumped by clear(): a past leased before it is not stored back. */
  private generation = 0;
  private idleMs = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  readonly counters: CompletionCounters = { requests: 0, cancelled: 0, reusedTokens: 0, computedTokens: 0 };

  constructor(
    private readonly dispose: (past: P) => void,
    private readonly limit = CACHED_FIELDS,
  ) {}

  /** Drops every past after this long unused, like the model pool releases models (0: never). */
  setIdleMs(ms: number): void {
    this.idleMs = ms;
  }

  get size(): number {
    return this.entries.size;
  }

  /**
   * Waits until the field's previous request is done (it is being cancelled, so at most one
   * forward pass), then hands over its past: two requests never share one, and the newer one
   * sees what the older computed.
   */
  async checkout(field: string, owner: unknown): Promise<Lease<P>> {
    const before = this.lanes.get(field);
    let release!: () => void;
    const mine = new Promise<void>((resolve) => (release = resolve));
    const lane = before ? before.then(() => mine) : mine;
    this.lanes.set(field, lane);
    await before;
    const generation = this.generation;
    let entry = this.entries.get(field);
    this.entries.delete(field);
    if (entry && entry.owner !== owner) {
      this.dispose(entry.past);
      entry = undefined;
    }
    let open = true;
    return {
      entry,
      done: (next) => {
        if (!open) return;
        open = false;
        if (next && generation === this.generation) this.store(field, next);
        else if (next) this.dispose(next.past);
        if (this.lanes.get(field) === lane) this.lanes.delete(field);
        release();
      },
    };
  }

  clear(): void {
    this.generation++;
    for (const entry of this.entries.values()) this.dispose(entry.past);
    this.entries.clear();
    this.stopTimer();
  }

  private store(field: string, next: CachedPast<P>): void {
    this.entries.set(field, next);
    for (const [key, old] of this.entries) {
      if (this.entries.size <= this.limit) break;
      this.entries.delete(key);
      this.dispose(old.past);
    }
    this.stopTimer();
    if (this.idleMs <= 0) return;
    this.timer = setTimeout(() => this.clear(), this.idleMs);
    // Under Node (tests) a pending expiry must not keep the process alive.
    (this.timer as { unref?: () => void }).unref?.();
  }

  private stopTimer(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }
}
