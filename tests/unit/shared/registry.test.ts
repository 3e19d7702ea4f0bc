import { describe, expect, it } from 'vitest';
import { DEFAULT_MODELS, familyFromModelType, findEntry, REGISTRY, resolveModel } from '@/models/shared/registry';
import { DEFAULT_SETTINGS, hostConfigFor, isSiteDisabled, parseLayerWeights, withDefaults } from '@/models/shared/settings';

describe('model registry', () => {
  it('has an entry for every default model, serving the tools it is default for', () => {
    for (const [tool, byLang] of Object.entries(DEFAULT_MODELS)) {
      for (const id of Object.values(byLang)) {
        const entry = findEntry(id);
        expect(entry, id).toBeDefined();
        expect(entry!.tools).toContain(tool);
      }
    }
  });

  it('lists ERNIE as its own family and every entry with sizes for its dtypes', () => {
    expect(findEntry('Xenova/ernie-3.0-base-zh')?.family).toBe('ernie');
    for (const e of REGISTRY) for (const d of e.dtypes) expect(e.sizeMb[d], `${e.id} ${d}`).toBeGreaterThan(0);
  });

  it('maps config model types to families', () => {
    expect(familyFromModelType('ernie')).toBe('ernie');
    expect(familyFromModelType('gpt2')).toBe('gpt2');
    expect(familyFromModelType('llama')).toBeUndefined();
  });

  it('resolves defaults, user choices and guesses, and refuses a model that cannot serve a tool', () => {
    expect(resolveModel('sense', 'zh', undefined, 'q8')).toEqual({ id: 'Xenova/ernie-3.0-base-zh', family: 'ernie', dtype: 'q8' });
    expect(resolveModel('sense', 'en', { id: 'me/my-distilbert' }, 'fp32').family).toBe('distilbert');
    expect(resolveModel('complete', 'en', { id: 'me/custom' }, 'q8').family).toBe('gpt2');
    expect(() => resolveModel('sense', 'en', { id: 'Xenova/distilgpt2' }, 'q8')).toThrow(/cannot serve/);
  });
});

describe('settings', () => {
  it('fills defaults and builds host configs per tool and language', () => {
    const s = withDefaults({ modelHost: 'http://127.0.0.1:9/', completion: { enabled: false } as never });
    expect(s.completion.pauseMs).toBe(DEFAULT_SETTINGS.completion.pauseMs);
    const c = hostConfigFor(s, 'cloze', 'zh');
    expect(c.remoteHost).toBe('http://127.0.0.1:9/');
    expect(c.model?.id).toBe('Xenova/ernie-3.0-base-zh');
    expect(hostConfigFor(s, null, undefined).model).toBeUndefined();
  });

  it('disables per site by host', () => {
    const s = withDefaults({ disabledSites: ['example.com'] });
    expect(isSiteDisabled(s, 'https://example.com/a')).toBe(true);
    expect(isSiteDisabled(s, 'https://other.org/')).toBe(false);
    expect(isSiteDisabled(s, 'chrome://settings')).toBe(false);
  });

  it('passes configured layer weights to the sense tool only', () => {
    const s = withDefaults({ sense: { inflections: true, layerWeights: [0, 1, 2] } });
    expect(hostConfigFor(s, 'sense', 'en').layerWeights).toEqual([0, 1, 2]);
    expect(hostConfigFor(s, 'cloze', 'en').layerWeights).toBeUndefined();
    expect(hostConfigFor(withDefaults({}), 'sense', 'en').layerWeights).toBeUndefined();
    expect(hostConfigFor(withDefaults({ sense: { inflections: true, layerWeights: [NaN] } }), 'sense', 'en').layerWeights).toBeUndefined();
  });

  it('reads layer weights as numbers, a JSON array, or eval:wic output', () => {
    expect(parseLayerWeights('')).toEqual({ ok: true, weights: null });
    expect(parseLayerWeights('0, 1.5 -2')).toEqual({ ok: true, weights: [0, 1.5, -2] });
    expect(parseLayerWeights('[1,2,3]')).toEqual({ ok: true, weights: [1, 2, 3] });
    expect(parseLayerWeights('{"model":"x","weights":[0.5,0.25]}')).toEqual({ ok: true, weights: [0.5, 0.25] });
    expect(parseLayerWeights('1, two')).toMatchObject({ ok: false });
    expect(parseLayerWeights('[99]')).toMatchObject({ ok: false });
  });
});
