import { describe, expect, it } from 'vitest';
import { modelsFor, shownSize, suggestedLangs, totalShown, totalSize } from '@/models/shared/onboarding';
import type { ModelFiles } from '@/models/shared/protocol';
import { withDefaults } from '@/models/shared/settings';

describe('first-run model choice', () => {
  it('downloads one model per distinct id, only for the chosen languages, with sizes from the registry', () => {
    const en = modelsFor(withDefaults({}), ['en']);
    expect(en.map((m) => m.spec.id)).toEqual(['Xenova/bert-base-uncased', 'Xenova/distilgpt2']);
    expect(en[0]!.tools).toEqual(['sense', 'cloze']);
    expect(en[0]!.sizeMb).toBe(111);
    expect(totalSize(en)).toEqual({ mb: 111 + 85, unknown: 0 });
    const both = modelsFor(withDefaults({ dtype: 'fp32' }), ['zh', 'en']);
    expect(both.map((m) => m.spec.id)).toEqual([
      'Xenova/ernie-3.0-base-zh',
      'onnx-community/Qwen2.5-0.5B-Instruct',
      'Xenova/bert-base-uncased',
      'Xenova/distilgpt2',
    ]);
    expect(both.every((m) => m.spec.dtype === 'fp32')).toBe(true);
  });

  it('follows the user’s model choices, with unknown sizes for ids the registry lacks', () => {
    const s = withDefaults({ models: { 'sense.en': { id: 'me/tiny' }, 'cloze.en': { id: 'me/tiny' }, 'complete.en': { id: 'me/tiny-gpt2' } } });
    const needed = modelsFor(s, ['en']);
    expect(needed.map((m) => [m.spec.id, m.spec.family, m.sizeMb])).toEqual([
      ['me/tiny', 'bert', null],
      ['me/tiny-gpt2', 'gpt2', null],
    ]);
    expect(totalSize(needed)).toEqual({ mb: 0, unknown: 2 });
  });

  it('suggests the browser’s language first', () => {
    expect(suggestedLangs('zh-CN')).toEqual(['zh', 'en']);
    expect(suggestedLangs('en-US')).toEqual(['en']);
    expect(suggestedLangs(undefined)).toEqual(['en']);
  });
});

describe('sizes shown before download', () => {
  const en = modelsFor(withDefaults({}), ['en']);
  const bert = en[0]!;
  const listed = (over: Partial<ModelFiles>): ModelFiles => ({
    type: 'models.files',
    modelId: bert.spec.id,
    dtype: 'q8',
    source: 'hub',
    file: 'onnx/model_quantized.onnx',
    files: [{ file: 'onnx/model_quantized.onnx', bytes: 110_000_000 }],
    bytes: 110_400_000,
    ...over,
  });

  it('exact from the host’s file list, the registry estimate (labelled as such) otherwise', () => {
    expect(shownSize(bert, listed({}))).toEqual({ bytes: 110_400_000, exact: true, cached: false, usable: true });
    expect(shownSize(bert, undefined)).toEqual({ bytes: 111_000_000, exact: false, cached: false, usable: true });
    expect(shownSize(bert, listed({ source: 'estimate', bytes: null, files: [], note: 'No file list' }))).toEqual({
      bytes: 111_000_000,
      exact: false,
      cached: false,
      usable: true,
      note: 'No file list',
    });
    expect(shownSize(bert, listed({ source: 'cache' }))).toMatchObject({ cached: true, exact: true });
  });

  it('a repo with nothing usable: no size, not usable, the reason kept', () => {
    const { file: _drop, ...rest } = listed({ bytes: null, files: [], note: 'has no q8 ONNX file' });
    expect(shownSize(bert, rest)).toEqual({ bytes: null, exact: false, cached: false, usable: false, note: 'has no q8 ONNX file' });
  });

  it('totals what is left to download; exact only when every size is', () => {
    const exact = { bytes: 100, exact: true, cached: false, usable: true };
    expect(totalShown([exact, { ...exact, bytes: 50 }])).toEqual({ bytes: 150, exact: true, unknown: 0, unusable: 0 });
    expect(totalShown([exact, { ...exact, cached: true }])).toEqual({ bytes: 100, exact: true, unknown: 0, unusable: 0 });
    expect(totalShown([exact, { ...exact, exact: false }])).toMatchObject({ bytes: 200, exact: false });
    expect(totalShown([exact, { bytes: null, exact: false, cached: false, usable: true }])).toMatchObject({ unknown: 1 });
    expect(totalShown([exact, { bytes: null, exact: false, cached: false, usable: false }])).toMatchObject({ bytes: 100, unusable: 1, exact: true });
  });
});
