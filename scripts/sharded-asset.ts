// Sharded JSON assets built once into .cache/ and shipped as extension public assets
// (the WordNet and CC-CEDICT gloss shards).
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export interface PublicAsset {
  absoluteSrc: string;
  relativeDest: string;
}

/**
 * The directory `.cache/<name>/` holding one `<shard>.json` per entry of `build()`, built on
 * first use. It is written elsewhere and renamed into place, so an interrupted build (or one
 * racing another test worker) never leaves a partial cache behind.
 */
export async function cachedShards(name: string, build: () => Promise<Record<string, unknown>> | Record<string, unknown>): Promise<string> {
  const dir = resolve('.cache', name);
  if (existsSync(dir)) return dir;
  const shards = await build();
  const tmp = `${dir}.tmp-${process.pid}-${Date.now()}`;
  mkdirSync(tmp, { recursive: true });
  for (const [shard, value] of Object.entries(shards)) writeFileSync(join(tmp, `${shard}.json`), JSON.stringify(value));
  try {
    renameSync(tmp, dir);
  } catch (error) {
    rmSync(tmp, { recursive: true, force: true });
    if (!existsSync(dir)) throw error;
  }
  return dir;
}

/** The shards of a cached directory as public assets under `dest/`. */
export function shardAssets(dir: string, dest: string): PublicAsset[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => ({ absoluteSrc: join(dir, f), relativeDest: `${dest}/${f}` }));
}

export function shardSizes(dir: string): { total: number; largest: { file: string; bytes: number } } {
  let total = 0;
  let largest = { file: '', bytes: 0 };
  for (const file of readdirSync(dir)) {
    const bytes = statSync(join(dir, file)).size;
    total += bytes;
    if (bytes > largest.bytes) largest = { file, bytes };
  }
  return { total, largest };
}

/** Byte length of a value's JSON, as written to a shard. */
export const jsonBytes = (value: unknown): number => Buffer.byteLength(JSON.stringify(value));
