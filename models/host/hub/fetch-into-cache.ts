// A model's ONNX file downloaded into the cache before transformers.js loads it (issue #21).
// transformers.js builds the session from the bytes it downloaded, not from what the cache serves
// (it `put`s them, then returns its own copy): the first load after a download would skip the
// cache's rewrite (the head out, the weights as external data) and onnxruntime-web's heap would
// keep the whole file's high-water mark until the document closes. Downloaded here first, the
// file is then read from the cache like every later load, through the same rewrite.
import type { ModelCache } from '../../shared/model-files/model-cache';

/** A file's progress, as transformers.js reports it (lm/loader.ts `FileProgress`). */
export interface DownloadProgress {
  file: string;
  status: 'initiate' | 'download' | 'progress' | 'done';
  loaded?: number;
  total?: number;
}

/**
 * Downloads `url` into the cache when it is not there, through `fetchFile` (transformers.js's own
 * fetch: pinned, checked as it streams, with the stall timeout) and the cache's `put` (length and
 * hashes checked), reporting progress as transformers.js does. True when this download happened;
 * false when the file was cached already or the answer was not a 200 (left to transformers.js,
 * which reports it as it always did).
 */
export async function fetchIntoCache(
  cache: Pick<ModelCache, 'has' | 'put' | 'holdOnce'>,
  fetchFile: (url: string) => Promise<Response>,
  url: string,
  file: string,
  onProgress: (p: DownloadProgress) => void,
): Promise<boolean> {
  if (await cache.has(url)) return false;
  onProgress({ file, status: 'initiate' });
  const response = await fetchFile(url);
  if (response.status !== 200 || !response.body) {
    await response.body?.cancel().catch(() => undefined);
    return false;
  }
  onProgress({ file, status: 'download' });
  const total = Number(response.headers.get('content-length')) || undefined;
  const chunks: Uint8Array[] = [];
  let loaded = 0;
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    loaded += value.byteLength;
    onProgress({ file, status: 'progress', loaded, ...(total ? { total } : {}) });
  }
  const body = new Uint8Array(loaded);
  let at = 0;
  for (const chunk of chunks) {
    body.set(chunk, at);
    at += chunk.byteLength;
  }
  chunks.length = 0;
  // As transformers.js stores a download: the length of the bytes read (a compressed transfer's header gives another).
  const headers = new Headers(response.headers);
  headers.set('content-length', String(body.byteLength));
  await cache.put(url, new Response(body, { headers }));
  // Not stored (no space left: the host tells the user): served from memory to this load's one read instead of downloaded again.
  if (!(await cache.has(url))) cache.holdOnce(url, body);
  onProgress({ file, status: 'done' });
  return true;
}
