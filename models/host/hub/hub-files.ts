// What a model repo holds, and which of its ONNX files Sesame loads for a dtype. The one place
// that knows model file names: the host, the loader, the cache surgery and the UI all ask here.
//
// The hub's API (huggingface.co and servers that copy it):
//   GET {host}api/models/{id}/revision/{rev}             -> { sha, siblings: [{ rfilename }], … }
//   GET {host}api/models/{id}/tree/{rev}?recursive=true  -> [{ type: 'file'|'directory', path, size, oid, lfs?: { oid, size } }]
// (the tree may be paged: a `Link: <…>; rel="next"` header names the next page).
//
// transformers.js 4.x loads `onnx/{model_file_name}{suffix}.onnx`, the suffix from the dtype
// (src/utils/dtypes.js DEFAULT_DTYPE_SUFFIX_MAPPING); the exports name their files that way:
// v3 repos `onnx/model{suffix}.onnx`, older ones `onnx/decoder_model_merged{suffix}.onnx` for
// decoders. A choice is therefore a base name and a transformers.js dtype.
import type { Dtype, ModelSpec } from '../../shared/protocol';
import { isCausalFamily } from '../../shared/registry';

type Family = ModelSpec['family'];

/** The dtypes transformers.js 4.3 names files by, with their file-name suffixes. */
export const TF_DTYPE_SUFFIX = {
  fp32: '',
  fp16: '_fp16',
  q8: '_quantized',
  int8: '_int8',
  uint8: '_uint8',
  q4: '_q4',
  q4f16: '_q4f16',
  bnb4: '_bnb4',
} as const;
export type TfDtype = keyof typeof TF_DTYPE_SUFFIX;

/** One ONNX file transformers.js can load: `onnx/{base}{suffix(dtype)}.onnx`. */
export interface OnnxChoice {
  /** Path in the repo, e.g. `onnx/model_int8.onnx`. */
  file: string;
  /** transformers.js `model_file_name`. */
  base: string;
  /** transformers.js `dtype`. */
  dtype: TfDtype;
}

export interface RepoFile {
  path: string;
  bytes: number;
  /** LFS files: the SHA-256 of the content (the tree's `lfs.oid`), lowercase hex. */
  sha256?: string;
  /** Files kept in git itself: the git blob id (the tree's `oid`, SHA-1 of `blob {size}\0{content}`), lowercase hex. */
  blobSha1?: string;
}

export interface RepoListing {
  files: RepoFile[];
  /** The commit the listing is of, when the API told. */
  sha?: string;
}

export function onnxPath(base: string, dtype: TfDtype): string {
  return `onnx/${base}${TF_DTYPE_SUFFIX[dtype]}.onnx`;
}

const choice = (base: string, dtype: TfDtype): OnnxChoice => ({ file: onnxPath(base, dtype), base, dtype });

/**
 * The files that serve a Sesame dtype, best first. q8: the v3 `model_quantized`, then the same
 * weights as `model_int8` / `model_uint8` (what `Xenova/gpt2` holds today instead of
 * `model_quantized`), then the legacy decoder names. Encoders were never exported as `decoder_*`.
 */
export function candidatesFor(dtype: Dtype, family: Family): OnnxChoice[] {
  const decoder = isCausalFamily(family);
  const legacy = (d: TfDtype): OnnxChoice[] => (decoder ? [choice('decoder_model_merged', d), choice('decoder_model', d)] : []);
  switch (dtype) {
    case 'q8':
      return [choice('model', 'q8'), choice('model', 'int8'), choice('model', 'uint8'), ...legacy('q8'), ...legacy('int8'), ...legacy('uint8')];
    case 'fp32':
      return [choice('model', 'fp32'), ...legacy('fp32')];
    case 'fp16':
      return [choice('model', 'fp16'), ...legacy('fp16')];
    case 'q4':
      return [choice('model', 'q4'), ...legacy('q4')];
  }
}

/** What transformers.js loads for a dtype when nobody tells it a file (`onnx/model{suffix}.onnx`). */
export function defaultChoice(dtype: Dtype, family: Family): OnnxChoice {
  return candidatesFor(dtype, family)[0]!;
}

/** The file a choice names, as an OnnxChoice, or null when it is not one transformers.js can be pointed at. */
export function choiceOfFile(file: string): OnnxChoice | null {
  const m = /^onnx\/(.+)\.onnx$/.exec(file);
  if (!m) return null;
  const name = m[1]!;
  // The longest suffix first: `_q4f16` before `_q4`, and fp32 (no suffix) last.
  const suffixes = (Object.entries(TF_DTYPE_SUFFIX) as [TfDtype, string][]).filter(([, s]) => s).sort((a, b) => b[1].length - a[1].length);
  for (const [dtype, suffix] of suffixes) {
    if (name.endsWith(suffix) && name.length > suffix.length) return choice(name.slice(0, -suffix.length), dtype);
  }
  return choice(name, 'fp32');
}

/** Files besides the ONNX model that a load reads, when the repo has them. */
const SIDE_FILES = ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'generation_config.json'];

export type Pick = { ok: true; choice: OnnxChoice; files: RepoFile[]; bytes: number } | { ok: false; reason: string; onnx: string[] };

/** The best file a listing holds for the dtype, and every file the load will download with its size. */
export function pickFiles(listing: RepoListing, id: string, dtype: Dtype, family: Family): Pick {
  const byPath = new Map(listing.files.map((f) => [f.path, f]));
  const wanted = candidatesFor(dtype, family);
  const found = wanted.find((c) => byPath.has(c.file));
  const onnx = listing.files
    .map((f) => f.path)
    .filter((p) => p.endsWith('.onnx'))
    .sort();
  if (!found) {
    const holds = onnx.length ? `it holds ${onnx.join(', ')}` : 'it holds no ONNX file';
    return {
      ok: false,
      onnx,
      reason: `${id} has no ${dtype} ONNX file Sesame can load (looked for ${wanted.map((c) => c.file).join(', ')}); ${holds}.`,
    };
  }
  const files: RepoFile[] = [];
  for (const side of SIDE_FILES) {
    const f = byPath.get(side);
    if (f && (side !== 'generation_config.json' || isCausalFamily(family))) files.push(f);
  }
  files.push(byPath.get(found.file)!);
  // External weights beside the graph (`model.onnx_data`, `model.onnx_data_1`…) come with it.
  for (const f of listing.files) if (f.path.startsWith(`${found.file}_data`)) files.push(f);
  return { ok: true, choice: found, files, bytes: files.reduce((sum, f) => sum + f.bytes, 0) };
}

// ---------------------------------------------------------------- reading the API

export class ListingError extends Error {
  constructor(
    message: string,
    /** The HTTP status, when the server answered. */
    readonly status?: number,
  ) {
    super(message);
    this.name = 'ListingError';
  }
}

type FetchLike = (url: string, init?: { signal?: AbortSignal; headers?: Record<string, string> }) => Promise<Response>;

const MAX_PAGES = 20;
const MAX_FILES = 10_000;

function apiBase(host: string, id: string): string {
  const base = host.endsWith('/') ? host : `${host}/`;
  return `${base}api/models/${id.split('/').map(encodeURIComponent).join('/')}`;
}

/** One tree entry as the hub writes it; null for directories and anything malformed. */
export function treeEntry(value: unknown): RepoFile | null {
  if (typeof value !== 'object' || value === null) return null;
  const v = value as Record<string, unknown>;
  if (v.type !== 'file' || typeof v.path !== 'string' || !v.path || v.path.length > 1000) return null;
  const lfs = v.lfs as Record<string, unknown> | undefined;
  // For LFS files `size` is the file's size too; `lfs.size` is the one the hub documents for them.
  const size = typeof lfs?.size === 'number' ? lfs.size : v.size;
  if (typeof size !== 'number' || !Number.isFinite(size) || size < 0) return null;
  // An LFS file's `oid` is the blob id of its pointer, not of its content: only `lfs.oid` hashes the content.
  if (lfs) return { path: v.path, bytes: size, ...(isHex(lfs.oid, 64) ? { sha256: lfs.oid.toLowerCase() } : {}) };
  return { path: v.path, bytes: size, ...(isHex(v.oid, 40) ? { blobSha1: v.oid.toLowerCase() } : {}) };
}

const isHex = (value: unknown, length: number): value is string => typeof value === 'string' && value.length === length && /^[0-9a-fA-F]+$/.test(value);

function nextPage(link: string | null, base: string): string | null {
  if (!link) return null;
  const m = /<([^>]+)>\s*;\s*rel="?next"?/.exec(link);
  if (!m) return null;
  try {
    return new URL(m[1]!, base).href;
  } catch {
    return null;
  }
}

async function getJson(fetchFn: FetchLike, url: string, signal?: AbortSignal): Promise<{ json: unknown; link: string | null }> {
  let response: Response;
  try {
    response = await fetchFn(url, { ...(signal ? { signal } : {}), headers: { accept: 'application/json' } });
  } catch (error) {
    throw new ListingError(`could not reach ${url}: ${(error as Error)?.message ?? error}`);
  }
  if (!response.ok) throw new ListingError(`${url} answered ${response.status}`, response.status);
  try {
    return { json: await response.json(), link: response.headers.get('link') };
  } catch {
    throw new ListingError(`${url} did not answer JSON`, response.status);
  }
}

/**
 * The repo's files with their sizes, from the host's API: the revision's commit first (so the
 * tree is of one commit even if the branch moves meanwhile), then its recursive tree.
 * Throws ListingError when the host has no such API (a plain mirror) or does not know the repo.
 */
export async function fetchListing(
  host: string,
  id: string,
  fetchFn: FetchLike,
  options: { revision?: string; signal?: AbortSignal } = {},
): Promise<RepoListing> {
  const revision = options.revision ?? 'main';
  const base = apiBase(host, id);
  const info = await getJson(fetchFn, `${base}/revision/${encodeURIComponent(revision)}`, options.signal);
  const sha = (info.json as { sha?: unknown } | null)?.sha;
  const commit = typeof sha === 'string' && /^[0-9a-f]{40}$/.test(sha) ? sha : undefined;
  const files: RepoFile[] = [];
  let url: string | null = `${base}/tree/${encodeURIComponent(commit ?? revision)}?recursive=true`;
  for (let page = 0; url && page < MAX_PAGES; page++) {
    const { json, link } = await getJson(fetchFn, url, options.signal);
    if (!Array.isArray(json)) throw new ListingError(`${url} did not answer a file list`);
    for (const item of json) {
      const f = treeEntry(item);
      if (f && files.length < MAX_FILES) files.push(f);
    }
    url = nextPage(link, url);
  }
  return { files, ...(commit ? { sha: commit } : {}) };
}
