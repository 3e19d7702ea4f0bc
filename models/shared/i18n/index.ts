// The UI's strings in English and Simplified Chinese, switchable at run time (browser.i18n only
// follows the browser's language, so the manifest and menus use it and everything else uses
// these tables). Both tables must have every key: a missing one is a type error here.
import en from './en.json';
import zhCN from './zh_CN.json';

export type MessageKey = keyof typeof en;
export const UI_LANGUAGES = ['en', 'zh_CN'] as const;
export type UiLanguage = (typeof UI_LANGUAGES)[number];
export type UiLanguageSetting = 'auto' | UiLanguage;

export const MESSAGES: Record<UiLanguage, Record<MessageKey, string>> = { en, zh_CN: zhCN };

/** The UI language for a browser language tag (zh-CN, zh-Hans, zh-TW… → Chinese; else English). */
export function languageFor(tag: string | undefined): UiLanguage {
  return tag?.toLowerCase().startsWith('zh') ? 'zh_CN' : 'en';
}

let current: UiLanguage = languageFor(globalThis.navigator?.language);

export function setUiLanguage(setting: UiLanguageSetting | undefined): UiLanguage {
  current = !setting || setting === 'auto' ? languageFor(globalThis.navigator?.language) : setting;
  return current;
}

export function uiLanguage(): UiLanguage {
  return current;
}

/** The BCP 47 tag for `lang` attributes. */
export function uiLangTag(): string {
  return current === 'zh_CN' ? 'zh-CN' : 'en';
}

type Params = Record<string, string | number>;

function fill(template: string, params: Params | undefined): string {
  return params ? template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole)) : template;
}

export function t(key: MessageKey, params?: Params): string {
  return fill(MESSAGES[current][key] ?? MESSAGES.en[key] ?? key, params);
}

type PluralBase = { [K in MessageKey]: K extends `${infer B}_other` ? B : never }[MessageKey];
const plurals = new Map<UiLanguage, Intl.PluralRules>();

/** A count in words: `{base}_one` when the language's plural rule says so, else `{base}_other`. */
export function tn(base: PluralBase, n: number, params?: Params): string {
  let rules = plurals.get(current);
  if (!rules) plurals.set(current, (rules = new Intl.PluralRules(uiLangTag())));
  const one = `${base}_one` as MessageKey;
  const key = rules.select(n) === 'one' && one in MESSAGES[current] ? one : (`${base}_other` as MessageKey);
  return t(key, { n, ...params });
}
