// The built packages carry Sesame's own icon at every size the stores and toolbars ask for,
// and the toolbar button uses it (no letter placeholder).
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const BUILDS = { chrome: resolve('.output/chrome-mv3'), firefox: resolve('.output/firefox-mv2') };

/** Width and height from a PNG's IHDR chunk (bytes 16..24), or null when the bytes are no PNG. */
function pngSize(bytes: Buffer): { width: number; height: number } | null {
  const signature = '89504e470d0a1a0a';
  if (bytes.subarray(0, 8).toString('hex') !== signature || bytes.subarray(12, 16).toString('ascii') !== 'IHDR') return null;
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

describe.each(Object.entries(BUILDS))('%s package icons', (_browser, dir) => {
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));

  it('lists 16, 32, 48, 96 and 128 px icons, each a PNG of its stated size', () => {
    expect(
      Object.keys(manifest.icons ?? {})
        .map(Number)
        .sort((a, b) => a - b),
    ).toEqual([16, 32, 48, 96, 128]);
    for (const [size, file] of Object.entries<string>(manifest.icons)) {
      expect(pngSize(readFileSync(join(dir, file))), file).toEqual({ width: Number(size), height: Number(size) });
    }
  });

  it('gives the toolbar button the same icon', () => {
    const action = manifest.action ?? manifest.browser_action;
    expect(action?.default_popup).toBeTruthy();
    for (const [size, file] of Object.entries<string>(action.default_icon ?? {})) {
      // Manifest paths are relative to the package root with or without a leading slash.
      expect(file.replace(/^\//, '')).toBe(manifest.icons[size]);
    }
    expect(Object.keys(action.default_icon ?? {})).toEqual(expect.arrayContaining(['16', '32']));
  });
});
