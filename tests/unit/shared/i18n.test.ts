import { afterEach, describe, expect, it } from 'vitest';
import { languageFor, MESSAGES, type MessageKey, setUiLanguage, t, tn, UI_LANGUAGES } from '@/models/shared/i18n';

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

afterEach(() => {
  setUiLanguage('en');
});

describe('UI strings', () => {
  it('every language has every key, none empty, with the same placeholders', () => {
    const keys = Object.keys(MESSAGES.en).sort();
    expect(keys.length).toBeGreaterThan(0);
    for (const lang of UI_LANGUAGES) {
      const table = MESSAGES[lang] as Record<string, string>;
      expect(Object.keys(table).sort(), lang).toEqual(keys);
      for (const key of keys) {
        expect(table[key]!.trim(), `${lang}.${key}`).not.toBe('');
        expect(placeholders(table[key]!), `${lang}.${key}`).toEqual(placeholders(MESSAGES.en[key as MessageKey]));
      }
    }
  });

  it('Chinese strings are actually translated', () => {
    const same = Object.keys(MESSAGES.en).filter((k) => {
      const zh = MESSAGES.zh_CN[k as MessageKey];
      return zh === MESSAGES.en[k as MessageKey] && /[a-z]{3,}/i.test(zh.replace(/\{\w+\}/g, ''));
    });
    // Product and library names stay as they are.
    expect(same.filter((k) => !/Sesame|WordNet|CC-CEDICT|WebGPU|WASM|Anki|CSV|URL|ID/.test(MESSAGES.en[k as MessageKey]))).toEqual([]);
  });

  it('follows the browser language, can be switched, fills parameters and plurals', () => {
    expect(languageFor('zh-CN')).toBe('zh_CN');
    expect(languageFor('zh-Hant-TW')).toBe('zh_CN');
    expect(languageFor('en-GB')).toBe('en');
    expect(languageFor(undefined)).toBe('en');
    setUiLanguage('en');
    expect(tn('sense_uses', 1)).toBe('1 use');
    expect(tn('sense_uses', 3)).toBe('3 uses');
    setUiLanguage('zh_CN');
    expect(t('ui_language')).toBe('界面语言');
    expect(tn('sense_uses', 3)).toBe('3 处');
  });
});
