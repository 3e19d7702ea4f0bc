// The compact CC-CEDICT dictionary shipped with the extension, read once per context on demand.
import { browser } from 'wxt/browser';
import { type ChineseDict, chineseDict, isCompactDict } from './chinese-dict';

let loading: Promise<ChineseDict> | null = null;

export function loadBundledDict(): Promise<ChineseDict> {
  loading ??= fetch(browser.runtime.getURL('/cedict.json' as '/'))
    .then((r) => r.json())
    .then((data: unknown) => {
      if (!isCompactDict(data)) throw new Error('cedict.json is damaged');
      return chineseDict(data);
    })
    .catch((error: unknown) => {
      loading = null;
      throw error;
    });
  return loading;
}
