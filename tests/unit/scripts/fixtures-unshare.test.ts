// Fixture generation in a working copy whose .fixtures are hard links to another's (`cp -al`, as
// git worktrees are set up here) must not rewrite the other copy's files in place.
import { linkSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
// @ts-expect-error plain ESM helper without types
import { unshareHardLinks } from '@/tests/fixtures/ensure.mjs';

let dir = '';
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('unshareHardLinks', () => {
  it('gives each hard-linked file its own copy, same bytes, so writing it leaves the other copy alone', () => {
    dir = mkdtempSync(path.join(tmpdir(), 'sesame-unshare-'));
    const theirs = path.join(dir, 'theirs', 'model.onnx');
    const ours = path.join(dir, 'ours', 'repo', 'onnx', 'model.onnx');
    const alone = path.join(dir, 'ours', 'repo', 'config.json');
    mkdirSync(path.dirname(theirs), { recursive: true });
    mkdirSync(path.dirname(ours), { recursive: true });
    writeFileSync(theirs, 'weights v1');
    linkSync(theirs, ours);
    writeFileSync(alone, '{}');

    expect(unshareHardLinks(path.join(dir, 'ours'))).toBe(1);
    expect(statSync(ours).nlink).toBe(1);
    expect(statSync(theirs).nlink).toBe(1);
    expect(readFileSync(ours, 'utf8')).toBe('weights v1');
    writeFileSync(ours, 'weights v2');
    expect(readFileSync(theirs, 'utf8')).toBe('weights v1');
    expect(unshareHardLinks(path.join(dir, 'missing'))).toBe(0);
  });
});
