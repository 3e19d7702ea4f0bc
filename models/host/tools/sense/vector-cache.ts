// Occurrence vectors already computed, so looking the same word up again on a page (from the
// bubble, the popup, or another of its uses) costs no forward pass. Memory only, bounded, and
// dropped with the model: page text is never written anywhere.
import type { Scored } from '../../../shared/protocol';
import type { MaskRow } from './embed';

export interface CachedOccurrence {
  /** The layer-mixed vector, or null when the session has no hidden states. */
  vector: Float32Array | null;
  /** Top log-probabilities at each of the word's masks (the substitute-vector fallback). */
  masks: MaskRow[];
  /** The occurrence's own cleaned substitutes, best first (cluster labels). */
  substitutes: Scored[];
  /** Log-probability of the original word at its masks (reading-aids.ts), null when it cannot be read off. */
  original?: number | null;
}

/**
 * The model part of a cache key, partitioned by the top-level site a content script's request
 * came from (`site`, set by the background), so one site never gets, or times, another's vectors.
 * Sesame's own pages (no site) have their own partition. Starts with the model id, so a model's
 * entries are still dropped with it.
 */
export function partitionedModelKey(model: { id: string; dtype: string }, device: string, site: string | undefined): string {
  return `${model.id}|${model.dtype}|${device}|${site === undefined ? 'sesame' : `site:${site}`}`;
}

export class VectorCache {
  private readonly entries = new Map<string, CachedOccurrence>();
  /** Lookups answered from the cache, for diagnostics (extension pages only). */
  hits = 0;

  constructor(private readonly maxEntries = 4000) {}

  static key(model: string, lang: string, weights: string, t: { text: string; start: number; end: number }): string {
    return `${model}\u0000${lang}\u0000${weights}\u0000${t.start}:${t.end}\u0000${t.text}`;
  }

  get(key: string): CachedOccurrence | undefined {
    const hit = this.entries.get(key);
    if (hit) {
      this.hits++;
      // Refresh its place in the LRU order.
      this.entries.delete(key);
      this.entries.set(key, hit);
    }
    return hit;
  }

  set(key: string, value: CachedOccurrence): void {
    this.entries.delete(key);
    this.entries.set(key, value);
    while (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
  }

  /** Drops every entry of a model (all of them without an argument). */
  clear(modelPrefix?: string): void {
    if (modelPrefix === undefined) {
      this.entries.clear();
      return;
    }
    for (const key of [...this.entries.keys()]) if (key.startsWith(`${modelPrefix}\u0000`) || key.startsWith(`${modelPrefix}|`)) this.entries.delete(key);
  }

  get size(): number {
    return this.entries.size;
  }
}
