// User settings: their shape, defaults, and how they turn into a host config for a request.
// Stored with @wxt-dev/storage (see settings-store.ts); this file stays free of browser APIs.
import type { UiLanguageSetting } from './i18n';
import type { Dtype, HostConfig, Lang } from './protocol';
import { type Family, resolveModel, type Tool } from './registry';
import { type AnkiSettings, DEFAULT_ANKI } from './learn/anki-settings';
import { READING_STYLES, type ReadingStyle } from './text/pinyin';
import { isToneColorScheme, type ToneColorScheme } from './text/tone-colors';

export interface ModelChoice {
  id: string;
  family?: Family;
}

export interface Settings {
  modelHost: string;
  dtype: Dtype;
  models: Partial<Record<`${Tool}.${Lang}`, ModelChoice>>;
  backend: 'auto' | 'wasm' | 'webgpu';
  idleReleaseMinutes: number;
  disabledSites: string[];
  lookupOnDoubleClick: boolean;
  /** Hover lookup: the key held while pointing at a word ('off': none). */
  hover: { modifier: HoverModifier };
  /** Marks saved words where they appear on pages (off by default: a page can read the marks, docs/security.md). */
  knownWords: { highlight: boolean };
  completion: { enabled: boolean; pauseMs: number; maxTokens: number };
  /** Sampling for "Continue this text" (several alternatives). */
  continueText: { temperature: number; topP: number; maxTokens: number };
  /** The UI's language: the browser's by default. */
  uiLanguage: UiLanguageSetting;
  sense: {
    /** English: bank also finds banks / banking / banked. */
    inflections: boolean;
    /** ELMo scalar-mix weights w_0…w_L (e.g. fitted by `npm run eval:wic -- --fit-alpha`); null = default curve. */
    layerWeights: number[] | null;
  };
  /** Adding saved words to Anki through AnkiConnect (off until the user turns it on). */
  anki: AnkiSettings;
  /** How a Chinese word's reading is written in the bubble, and its tones coloured. */
  reading: { pinyin: ReadingStyle; toneColors: ToneColorScheme };
  /**
   * For end-to-end tests only (never shown in Options): the bubble's shadow root is open, so
   * Playwright locators reach it. `pageMarks`: the content script leaves its cold-path marks
   * (spans.ts) in the page's timeline, where the bench reads them; never otherwise, since the page
   * could read them too. Page script cannot set either (it has no access to extension storage).
   */
  testing?: { openShadowRoots?: boolean; pageMarks?: boolean };
}

export const HOVER_MODIFIERS = ['shift', 'alt', 'ctrl', 'off'] as const;
export type HoverModifier = (typeof HOVER_MODIFIERS)[number];

export const HUB_URL = 'https://huggingface.co/';

export const DEFAULT_SETTINGS: Settings = {
  modelHost: HUB_URL,
  dtype: 'q8',
  models: {},
  backend: 'auto',
  idleReleaseMinutes: 10,
  disabledSites: [],
  lookupOnDoubleClick: true,
  hover: { modifier: 'shift' },
  knownWords: { highlight: false },
  completion: { enabled: true, pauseMs: 350, maxTokens: 24 },
  continueText: { temperature: 0.8, topP: 0.9, maxTokens: 40 },
  uiLanguage: 'auto',
  sense: { inflections: true, layerWeights: null },
  anki: DEFAULT_ANKI,
  reading: { pinyin: 'marks', toneColors: 'standard' },
};

/** Fills in fields missing from stored settings (older versions, partial writes). */
export function withDefaults(stored: Partial<Settings> | null | undefined): Settings {
  return {
    ...DEFAULT_SETTINGS,
    ...stored,
    completion: { ...DEFAULT_SETTINGS.completion, ...stored?.completion },
    continueText: { ...DEFAULT_SETTINGS.continueText, ...stored?.continueText },
    sense: { ...DEFAULT_SETTINGS.sense, ...stored?.sense },
    hover: { modifier: HOVER_MODIFIERS.find((m) => m === stored?.hover?.modifier) ?? DEFAULT_SETTINGS.hover.modifier },
    knownWords: { highlight: stored?.knownWords?.highlight === true },
    reading: readingSettings(stored?.reading),
    models: { ...stored?.models },
    anki: { ...DEFAULT_ANKI, ...stored?.anki },
  };
}

/** Stored reading settings, an unknown style or scheme (an older or damaged value) replaced by the default. */
export function readingSettings(stored: Partial<Settings['reading']> | undefined): Settings['reading'] {
  const fallback = DEFAULT_SETTINGS.reading;
  return {
    pinyin: READING_STYLES.includes(stored?.pinyin as ReadingStyle) ? stored!.pinyin! : fallback.pinyin,
    toneColors: isToneColorScheme(stored?.toneColors) ? stored.toneColors : fallback.toneColors,
  };
}

export function hostConfigFor(settings: Settings, tool: Tool | null, lang: Lang | undefined): HostConfig {
  const base: HostConfig = {
    remoteHost: settings.modelHost,
    idleReleaseMs: Math.round(settings.idleReleaseMinutes * 60_000),
    preferBackend: settings.backend,
  };
  if (!tool) return base;
  const l = lang ?? 'en';
  const weights = tool === 'sense' ? validLayerWeights(settings.sense.layerWeights) : null;
  return {
    ...base,
    lang,
    model: resolveModel(tool, l, settings.models[`${tool}.${l}`], settings.dtype),
    ...(weights ? { layerWeights: weights } : {}),
  };
}

/** Stored weights as the host takes them, or null when unset or malformed. */
export function validLayerWeights(weights: unknown): number[] | null {
  if (!Array.isArray(weights) || weights.length === 0 || weights.length > 64) return null;
  return weights.every((w) => typeof w === 'number' && Number.isFinite(w) && Math.abs(w) <= 50) ? (weights as number[]) : null;
}

export function siteOf(url: string | undefined): string | null {
  if (!url) return null;
  try {
    const u = new URL(url);
    return u.protocol === 'http:' || u.protocol === 'https:' || u.protocol === 'file:' ? u.host || 'file' : null;
  } catch {
    return null;
  }
}

/**
 * Whether a switched-off site entry covers a site: the same host, or a subdomain of it, with a
 * leading `www.` and any port ignored on both sides (turning off www.example.com turns off
 * example.com too; a site is its host name, whatever port a page is served on).
 */
export function siteCovers(entry: string, site: string): boolean {
  const bare = (h: string) =>
    h
      .trim()
      .toLowerCase()
      .replace(/:\d+$/, '')
      .replace(/\.$/, '')
      .replace(/^www\./, '');
  const e = bare(entry);
  const s = bare(site);
  return e !== '' && (s === e || s.endsWith(`.${e}`));
}

export function isSiteDisabled(settings: Settings, url: string | undefined): boolean {
  const site = siteOf(url);
  return site !== null && settings.disabledSites.some((entry) => siteCovers(entry, site));
}

/** Whether any of the URLs (a frame's own, its ancestors', its tab's) is on a switched-off site. */
export function isAnySiteDisabled(settings: Settings, urls: readonly (string | undefined)[]): boolean {
  return urls.some((url) => isSiteDisabled(settings, url));
}

/**
 * Layer weights as typed in Settings: comma- or space-separated numbers, a JSON array, or the
 * JSON that `npm run eval:wic -- --fit-alpha` writes ({ "weights": [...] }). Empty clears them.
 */
export function parseLayerWeights(input: string): { ok: true; weights: number[] | null } | { ok: false; message: string } {
  const text = input.trim();
  if (!text) return { ok: true, weights: null };
  let values: unknown;
  try {
    const json: unknown = JSON.parse(text);
    values = Array.isArray(json) ? json : (json as { weights?: unknown })?.weights;
  } catch {
    values = text
      .split(/[\s,]+/)
      .filter(Boolean)
      .map(Number);
  }
  const weights = validLayerWeights(values);
  return weights ? { ok: true, weights } : { ok: false, message: 'Layer weights must be 1 to 64 numbers between -50 and 50.' };
}
