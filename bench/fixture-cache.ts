// A Cache-API-like store backed by the fixture folder on disk, for the Node host: every model
// file is "already cached", so a load in Node reads the bytes from disk and hands transformers.js
// a whole Response, as the extension's Cache API does. Nothing is written.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { type CacheLike, parseModelFileUrl } from '@/models/shared/model-files/model-cache';

export function fixtureCache(hubRoot: string): CacheLike & { reads: string[] } {
  const reads: string[] = [];
  const pathOf = (key: string): string | null => {
    const parsed = parseModelFileUrl(key);
    if (!parsed) return null;
    const p = join(hubRoot, ...parsed.model.split('/'), ...parsed.file.split('/'));
    return existsSync(p) && statSync(p).isFile() ? p : null;
  };
  return {
    reads,
    match: async (key) => {
      const p = pathOf(key);
      if (!p) return undefined;
      reads.push(key);
      const body = readFileSync(p);
      return new Response(body, { headers: { 'content-length': String(body.byteLength) } });
    },
    put: async () => undefined,
    delete: async () => false,
    keys: async () => [],
  };
}
