// A per-tab request budget for content scripts: a token bucket, so a page (or a compromised
// content script) that fires requests in a loop gets a clear error instead of keeping the model
// host busy for every other tab. A person typing or looking words up stays far below it.

export interface BudgetOptions {
  /** Requests a tab may send at once. */
  burst: number;
  /** Requests per second the budget refills by. */
  perSecond: number;
  now?: () => number;
}

export const TAB_BUDGET: BudgetOptions = { burst: 100, perSecond: 2 };

export const RATE_LIMIT_MESSAGE = 'Too many requests from this tab; wait a few seconds and try again.';

export class RequestBudget {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  private readonly now: () => number;

  constructor(private readonly options: BudgetOptions = TAB_BUDGET) {
    this.now = options.now ?? Date.now;
  }

  /** Takes one request from `key`'s budget; false when it is spent. */
  take(key: string): boolean {
    const now = this.now();
    const bucket = this.buckets.get(key) ?? { tokens: this.options.burst, at: now };
    bucket.tokens = Math.min(this.options.burst, bucket.tokens + ((now - bucket.at) / 1000) * this.options.perSecond);
    bucket.at = now;
    if (bucket.tokens < 1) {
      this.buckets.set(key, bucket);
      return false;
    }
    bucket.tokens -= 1;
    this.buckets.set(key, bucket);
    if (this.buckets.size > 256) this.prune(now);
    return true;
  }

  /** Forgets tabs whose budget has refilled (closed tabs, idle ones): the map stays small. */
  private prune(now: number): void {
    for (const [key, b] of this.buckets) {
      if (b.tokens + ((now - b.at) / 1000) * this.options.perSecond >= this.options.burst) this.buckets.delete(key);
    }
  }

  get size(): number {
    return this.buckets.size;
  }
}
