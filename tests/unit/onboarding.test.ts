import { describe, expect, it } from 'vitest';
import { modelsFor, suggestedLangs, totalSize } from '@/models/onboarding';
import { withDefaults } from '@/models/settings';

describe('first-run model choice', () => {
  it('downloads one model per distinct id, only for the chosen languages, with sizes from the registry', () => {
    const en = modelsFor(withDefaults({}), ['en']);
    expect(en.map((m) => m.spec.id)).toEqual(['Xenova/bert-base-uncased', 'Xenova/distilgpt2']);
    expect(en[0]!.tools).toEqual(['sense', 'cloze']);
    expect(en[0]!.sizeMb).toBe(110);
    expect(totalSize(en)).toEqual({ mb: 110 + 83, unknown: 0 });
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
