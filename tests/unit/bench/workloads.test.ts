// The bench's fixture layouts: every layout's rows name fixtures the generator makes in that
// layout, and Sesame, transformers.js 4.3.1 and @xenova 2.17.2 are pointed at the same GPT file.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { pickFiles } from '@/models/host/hub/hub-files';
import { type FixtureLayout, layoutLabel, libraryFileOptions, modelSet } from '@/bench/workloads';
// @ts-expect-error plain ESM helper without types
import { DEFAULT_ROOT, ensureFixtures } from '@/tests/fixtures/ensure.mjs';

interface Manifest {
  catalog: { tiny: string[]; full: string[] };
  models: Record<string, { layout: string; tied: boolean; files: Record<string, number> }>;
}

const LAYOUTS: FixtureLayout[] = ['tied', 'untied', 'legacy'];
/** The q8 file a library loads given its options: `onnx/{model_file_name}_quantized.onnx`, its own default name otherwise. */
const q8File = (options: Record<string, string>, fallback: string): string => `onnx/${options.model_file_name ?? fallback}_quantized.onnx`;

let manifest: Manifest;
beforeAll(() => {
  const tiny = LAYOUTS.flatMap((l) =>
    Object.values(modelSet(true, l))
      .filter(Boolean)
      .map((m) => m!.id),
  );
  ensureFixtures({ only: [...new Set(tiny)], quiet: true });
  manifest = JSON.parse(readFileSync(join(DEFAULT_ROOT, 'manifest.json'), 'utf8')) as Manifest;
}, 600_000);

describe('bench fixture layouts', () => {
  it.each(LAYOUTS)('%s: the full and quick sets name fixtures of the catalog', (layout) => {
    for (const quick of [false, true]) {
      const ids = Object.values(modelSet(quick, layout))
        .filter(Boolean)
        .map((m) => m!.id);
      expect(ids.length).toBe(quick ? 3 : 4);
      for (const id of ids) expect(manifest.catalog[quick ? 'tiny' : 'full']).toContain(id);
    }
  });

  it('legacy: the GPT rows read merged decoders, the encoders the tied v3 files', () => {
    const full = modelSet(false, 'legacy');
    expect([full.distilgpt2.id, full.gpt2?.id]).toEqual(['sesame-fixtures/distilgpt2-legacy', 'sesame-fixtures/gpt2-legacy']);
    expect([full.bert.id, full.ernie.id]).toEqual(['sesame-fixtures/bert-base-uncased-tied', 'sesame-fixtures/ernie-3.0-base-zh-tied']);
  });

  it.each(LAYOUTS)('%s: each row label says the layout the generator wrote the files in', (layout) => {
    for (const m of Object.values(modelSet(true, layout))) {
      if (!m) continue;
      const entry = manifest.models[m.id]!;
      const expected = entry.layout === 'legacy' ? 'legacy merged decoder' : entry.tied ? 'tied v3' : 'untied v3';
      expect(layoutLabel(m.id)).toBe(expected);
    }
  });

  it.each(LAYOUTS)('%s: Sesame, transformers.js 4.3.1 and @xenova 2.17.2 load the same q8 GPT file', (layout) => {
    const gpt = modelSet(true, layout).distilgpt2;
    const files = Object.entries(manifest.models[gpt.id]!.files).map(([path, bytes]) => ({ path, bytes }));
    const sesame = pickFiles({ files }, gpt.id, 'q8', 'gpt2');
    if (!sesame.ok) throw new Error(sesame.reason);
    const options = libraryFileOptions(gpt.id);
    expect(q8File(options.transformers4, 'model')).toBe(sesame.choice.file);
    expect(q8File(options.xenova, 'decoder_model_merged')).toBe(sesame.choice.file);
    expect(sesame.choice.file).toBe(layout === 'legacy' ? 'onnx/decoder_model_merged_quantized.onnx' : 'onnx/model_quantized.onnx');
  });
});
