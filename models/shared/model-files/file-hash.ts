// Checks a downloaded model file against the hashes the hub's tree listing gives for it
// (hub-files.ts `treeEntry`): LFS files by the SHA-256 of their content (`lfs.oid`), files kept in
// git itself by their git blob id (`oid` = SHA-1 of `blob {size}\0{content}`). Files without a
// listed hash (a mirror without the API, a local folder) are not checked: the caller says so.

export interface ExpectedHash {
  sha256?: string;
  blobSha1?: string;
}

export type HashCheck =
  | { ok: true; checked: 'sha256' | 'blobSha1' | null }
  | { ok: false; algorithm: 'SHA-256' | 'git blob SHA-1'; expected: string; actual: string };

/** Git blob ids are computed for files up to this size (they are small: the hub keeps big files in LFS). */
export const BLOB_SHA1_MAX_BYTES = 64 * 1024 * 1024;

const hex = (buffer: ArrayBuffer): string => Array.from(new Uint8Array(buffer), (b) => b.toString(16).padStart(2, '0')).join('');

export async function sha256Hex(bytes: ArrayBuffer | Uint8Array): Promise<string> {
  return hex(await crypto.subtle.digest('SHA-256', bytes as BufferSource));
}

/** Git's object id of a blob: SHA-1 over `blob {byte length}\0` and the content. */
export async function gitBlobSha1Hex(bytes: ArrayBuffer | Uint8Array): Promise<string> {
  const body = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  const header = new TextEncoder().encode(`blob ${body.byteLength}\0`);
  const all = new Uint8Array(header.byteLength + body.byteLength);
  all.set(header, 0);
  all.set(body, header.byteLength);
  return hex(await crypto.subtle.digest('SHA-1', all));
}

/** Whether `bytes` are the file the listing describes; `checked: null` when it gives no hash to check. */
export async function checkHash(expected: ExpectedHash, bytes: ArrayBuffer | Uint8Array): Promise<HashCheck> {
  if (expected.sha256) {
    const actual = await sha256Hex(bytes);
    return actual === expected.sha256.toLowerCase()
      ? { ok: true, checked: 'sha256' }
      : { ok: false, algorithm: 'SHA-256', expected: expected.sha256.toLowerCase(), actual };
  }
  if (expected.blobSha1 && bytes.byteLength <= BLOB_SHA1_MAX_BYTES) {
    const actual = await gitBlobSha1Hex(bytes);
    return actual === expected.blobSha1.toLowerCase()
      ? { ok: true, checked: 'blobSha1' }
      : { ok: false, algorithm: 'git blob SHA-1', expected: expected.blobSha1.toLowerCase(), actual };
  }
  return { ok: true, checked: null };
}
