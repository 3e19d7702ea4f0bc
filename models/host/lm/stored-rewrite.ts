// Where a model's rewritten graph is kept between loads (issue #21): in the model cache beside
// the file it was made from (`ModelCache.storeDerived`), named for the file and for what the
// rewrite did, so a cold load from the cache is served the rewrite and does no surgery. Deleted
// with the model; a stored rewrite of an older copy of the file (another size or revision) is
// not used (attach-head.ts checks) and is replaced by the next one made.
import type { ModelCache } from '../../shared/model-files/model-cache';
import type { RewriteStore } from './attach-head';
import { span } from '../../shared/spans';

/** Bumped when a rewrite's bytes or what is packed with them change: older stored ones are then never read. */
export const REWRITE_FORMAT = 1;

/** `what`: the rewrite's parts (e.g. `head+hidden`, `head+gpt2`): a rewrite of other parts is another file. */
export function rewriteStore(
  cache: Pick<ModelCache, 'readDerived' | 'storeDerived' | 'deleteDerived'>,
  model: string,
  file: string,
  what: string,
): RewriteStore {
  const name = `${file}.${what}.v${REWRITE_FORMAT}.bin`;
  return {
    read: async () => {
      span('rewrite:read');
      const hit = await cache.readDerived(model, name);
      const bytes = hit ? new Uint8Array(await hit.arrayBuffer()) : undefined;
      span('rewrite:bytes');
      return bytes;
    },
    write: (bytes) => cache.storeDerived(model, name, bytes),
    remove: () => cache.deleteDerived(model, name),
  };
}
