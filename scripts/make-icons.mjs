#!/usr/bin/env node
// Renders public/icon/sesame.svg to the PNG sizes the manifests use (public/icon/<size>.png, which
// WXT puts in `icons` and the toolbar action). Run after editing the SVG; the PNGs are committed.
//   node scripts/make-icons.mjs
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'public', 'icon');
const SIZES = [16, 32, 48, 96, 128];
const svg = readFileSync(path.join(DIR, 'sesame.svg'), 'utf8');

const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--no-sandbox'] });
try {
  const page = await browser.newPage();
  for (const size of SIZES) {
    await page.setViewportSize({ width: size, height: size });
    await page.setContent(
      `<html><body style="margin:0;background:transparent">${svg.replace('<svg ', `<svg width="${size}" height="${size}" `)}</body></html>`,
    );
    await page.screenshot({ path: path.join(DIR, `${size}.png`), omitBackground: true, clip: { x: 0, y: 0, width: size, height: size } });
  }
} finally {
  await browser.close();
}
console.log(`wrote ${SIZES.map((s) => `${s}.png`).join(', ')} in ${path.relative(process.cwd(), DIR)}`);
