// Before a download: which files a model's load will fetch and how big they are. From the cache
// when the model is already there (offline stays offline), else from the host's file listing
// (hub-files.ts), else — a mirror without the hub's API — the registry's estimate and
// transformers.js's default file name, said as such.
import {
  candidatesFor,
  choiceOfFile,
  defaultChoice,
  fetchListing,
  ListingError,
  type OnnxChoice,
  pickFiles,
  type RepoFile,
  type RepoListing,
} from './hub-files';
import type { ModelSpec } from '../../shared/protocol';
import { findEntry } from '../../shared/registry';

export interface FilePlan {
  /** Where the file list came from: the cache, the host's API listing, or the registry's estimate. */
  source: 'cache' | 'hub' | 'estimate';
  /** The ONNX file to load; null when the repo has none for the dtype. */
  choice: OnnxChoice | null;
  files: RepoFile[];
  /** Exact bytes (cache, hub), an estimate, or null when nothing is known. */
  bytes: number | null;
  /**
   * The listing's commit (source 'hub'): the load downloads at it and checks each file with the
   * listing's hashes (`RepoFile.sha256`, `blobSha1`).
   */
  sha?: string;
  /** Why the plan is what it is, in words for the user (no listing, nothing usable, no hashes). */
  note?: string;
}

export interface PlanDeps {
  /** The model's cached files, if any. */
  cached: (id: string) => Promise<RepoFile[]>;
  listing: (host: string, id: string) => Promise<RepoListing>;
}

export const LOCAL_PREFIX = 'local/';

export async function planFiles(spec: ModelSpec, host: string, deps: PlanDeps): Promise<FilePlan> {
  const cachedFiles = await deps.cached(spec.id).catch(() => [] as RepoFile[]);
  if (cachedFiles.length > 0) {
    const fromCache = pickFiles({ files: cachedFiles }, spec.id, spec.dtype, spec.family);
    if (fromCache.ok) {
      // A local folder has no listing: nothing to check its files against.
      const local = spec.id.startsWith(LOCAL_PREFIX) ? { note: `${spec.id} was imported from a local folder: no hashes check its files.` } : {};
      return { source: 'cache', choice: fromCache.choice, files: fromCache.files, bytes: fromCache.bytes, ...local };
    }
    if (spec.id.startsWith(LOCAL_PREFIX)) return { source: 'cache', choice: null, files: [], bytes: null, note: fromCache.reason };
  }
  if (spec.id.startsWith(LOCAL_PREFIX)) {
    return { source: 'cache', choice: null, files: [], bytes: null, note: `${spec.id} is not in the cache any more: import its folder again.` };
  }
  let listing: RepoListing;
  try {
    listing = await deps.listing(host, spec.id);
  } catch (error) {
    const why = error instanceof ListingError ? error.message : String((error as Error)?.message ?? error);
    const entry = findEntry(spec.id);
    const mb = entry?.sizeMb[spec.dtype];
    // A registry id: the file its public listing holds; anything else: transformers.js's default name.
    const known = entry?.onnx?.[spec.dtype];
    const choice = (known && choiceOfFile(known)) || defaultChoice(spec.dtype, spec.family);
    return {
      source: 'estimate',
      choice,
      files: [],
      bytes: mb === undefined ? null : mb * 1e6,
      note: `No file list from ${host} (${why.slice(0, 300)}): sizes are estimates, Sesame asks for ${choice.file} at main, and no hashes check the files.`.slice(
        0,
        500,
      ),
    };
  }
  const picked = pickFiles(listing, spec.id, spec.dtype, spec.family);
  const sha = listing.sha ? { sha: listing.sha } : {};
  if (!picked.ok) return { source: 'hub', choice: null, files: [], bytes: null, note: picked.reason.slice(0, 500), ...sha };
  const best = candidatesFor(spec.dtype, spec.family)[0]!;
  const note = picked.choice.file === best.file ? {} : { note: `${spec.id} has no ${best.file}; Sesame loads ${picked.choice.file}.` };
  return { source: 'hub', choice: picked.choice, files: picked.files, bytes: picked.bytes, ...sha, ...note };
}

/** The plan's dependencies over a fetch and the model cache's listing. */
export function planDeps(
  fetchFn: Parameters<typeof fetchListing>[2],
  cacheList: () => Promise<{ id: string; files: { file: string; bytes: number }[] }[]>,
): PlanDeps {
  return {
    cached: async (id) => ((await cacheList()).find((m) => m.id === id)?.files ?? []).map((f) => ({ path: f.file, bytes: f.bytes })),
    listing: (host, id) => fetchListing(host, id, fetchFn),
  };
}
