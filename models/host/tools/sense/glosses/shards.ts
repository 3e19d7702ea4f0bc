// Loading and checking shards of the dictionary assets, shared by the WordNet and CC-CEDICT lookups.
import type { ShardLoader } from './types';

// Shards are memoised by the loader, so each parsed object is checked once, not per lookup.
const checked = new WeakSet<object>();

export async function loadChecked<T extends object>(loadShard: ShardLoader, name: string, isValid: (value: unknown) => value is T, asset: string): Promise<T> {
  const value = await loadShard(name);
  if (typeof value === 'object' && value !== null && checked.has(value)) return value as T;
  if (!isValid(value)) throw new Error(`The ${asset} asset is damaged: shard "${name}" has an unexpected shape`);
  checked.add(value);
  return value;
}

/** A record's own entry (a lemma such as "constructor" must not find Object.prototype's). */
export function own<V>(record: Record<string, V>, key: string): V | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}
