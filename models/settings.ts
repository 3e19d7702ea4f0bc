// User settings: their shape, defaults, and how they turn into a host config for a request.
// Stored with @wxt-dev/storage (see settings-store.ts); this file stays free of browser APIs.
import type { Dtype, HostConfig, Lang } from './protocol';
import { type Family, resolveModel, type Tool } from './registry';

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
  completion: { enabled: boolean; pauseMs: number; maxTokens: number };
}

export const HUB_URL = 'https://huggingface.co/';

export const DEFAULT_SETTINGS: Settings = {
  modelHost: HUB_URL,
  dtype: 'q8',
  models: {},
  backend: 'auto',
  idleReleaseMinutes: 10,
  disabledSites: [],
  lookupOnDoubleClick: true,
  completion: { enabled: true, pauseMs: 350, maxTokens: 24 },
};

/** Fills in fields missing from stored settings (older versions, partial writes). */
export function withDefaults(stored: Partial<Settings> | null | undefined): Settings {
  return {
    ...DEFAULT_SETTINGS,
    ...stored,
    completion: { ...DEFAULT_SETTINGS.completion, ...stored?.completion },
    models: { ...stored?.models },
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
  return { ...base, lang, model: resolveModel(tool, l, settings.models[`${tool}.${l}`], settings.dtype) };
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

export function isSiteDisabled(settings: Settings, url: string | undefined): boolean {
  const site = siteOf(url);
  return site !== null && settings.disabledSites.includes(site);
}
