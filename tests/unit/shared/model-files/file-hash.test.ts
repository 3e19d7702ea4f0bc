import { describe, expect, it } from 'vitest';
import { BLOB_SHA1_MAX_BYTES, checkHash, gitBlobSha1Hex, sha256Hex } from '@/models/shared/model-files/file-hash';

const hello = new TextEncoder().encode('hello world\n');
// `git hash-object` and `sha256sum` of the same 12 bytes.
const HELLO_BLOB = '3b18e512dba79e4c8300dd08aeb37f8e728b8dad';
const HELLO_SHA256 = 'a948904f2f0f479b8f8197694b30184b0d2ed1c1cd2a1ec0fb85d299a192a447';

describe('file hashes as the hub lists them', () => {
  it('computes SHA-256 of the content and the git blob id', async () => {
    expect(await sha256Hex(hello)).toBe(HELLO_SHA256);
    expect(await gitBlobSha1Hex(hello)).toBe(HELLO_BLOB);
    expect(await gitBlobSha1Hex(new Uint8Array(0))).toBe('e69de29bb2d1d6434b8b29ae775ad8c2e48c5391');
    expect(await sha256Hex(hello.slice().buffer)).toBe(HELLO_SHA256);
  });

  it('passes matching bytes (LFS SHA-256, git blob SHA-1; hex in any case)', async () => {
    expect(await checkHash({ sha256: HELLO_SHA256.toUpperCase() }, hello)).toEqual({ ok: true, checked: 'sha256' });
    expect(await checkHash({ blobSha1: HELLO_BLOB }, hello)).toEqual({ ok: true, checked: 'blobSha1' });
  });

  it('fails other bytes of the same length', async () => {
    const other = new TextEncoder().encode('hello World\n');
    expect(await checkHash({ sha256: HELLO_SHA256 }, other)).toMatchObject({
      ok: false,
      algorithm: 'SHA-256',
      expected: HELLO_SHA256,
      actual: await sha256Hex(other),
    });
    expect(await checkHash({ blobSha1: HELLO_BLOB }, other)).toMatchObject({ ok: false, algorithm: 'git blob SHA-1', expected: HELLO_BLOB });
    // The content's SHA-256 wins over a blob id when both are given (an LFS file's oid is its pointer's).
    expect(await checkHash({ sha256: HELLO_SHA256, blobSha1: 'f'.repeat(40) }, hello)).toEqual({ ok: true, checked: 'sha256' });
  });

  it('checks nothing without a hash, and no blob id of a file too big to be a git file', async () => {
    expect(await checkHash({}, hello)).toEqual({ ok: true, checked: null });
    expect(await checkHash({ blobSha1: HELLO_BLOB }, new Uint8Array(BLOB_SHA1_MAX_BYTES + 1))).toEqual({ ok: true, checked: null });
  });
});
