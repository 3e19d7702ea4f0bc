// First run: which models the languages a user reads need, with their sizes before download.
import type { Lang, ModelFiles, ModelSpec } from './protocol';
import { findEntry, resolveModel, type Tool } from './registry';
import type { Settings } from './settings';
import { TOOL_NAMES } from './tools';

export interface NeededModel {
  spec: ModelSpec;
  tools: Tool[];
  langs: Lang[];
  /** Approximate download in MB (registry estimate), or null for an id the registry lacks. */
  sizeMb: number | null;
}

/** One entry per distinct model the chosen languages' tools use (sense and cloze share one). */
export function modelsFor(settings: Settings, langs: readonly Lang[]): NeededModel[] {
  const out = new Map<string, NeededModel>();
  for (const lang of langs) {
    for (const tool of TOOL_NAMES) {
      const spec = resolveModel(tool, lang, settings.models[`${tool}.${lang}`], settings.dtype);
      const have = out.get(spec.id);
      if (have) {
        if (!have.tools.includes(tool)) have.tools.push(tool);
        if (!have.langs.includes(lang)) have.langs.push(lang);
        continue;
      }
      out.set(spec.id, { spec, tools: [tool], langs: [lang], sizeMb: findEntry(spec.id)?.sizeMb[spec.dtype] ?? null });
    }
  }
  return [...out.values()];
}

/** Total of the known sizes, and whether some are unknown. */
export function totalSize(models: readonly NeededModel[]): { mb: number; unknown: number } {
  const total = { mb: 0, unknown: 0 };
  for (const m of models) {
    if (m.sizeMb === null) total.unknown++;
    else total.mb += m.sizeMb;
  }
  return total;
}

/** The languages to offer first: the browser's, plus English. */
export function suggestedLangs(browserLanguage: string | undefined): Lang[] {
  return browserLanguage?.toLowerCase().startsWith('zh') ? ['zh', 'en'] : ['en'];
}

/** A model's download size as shown: exact from the host's file list (or the cache), else the registry's estimate. */
export interface ShownSize {
  bytes: number | null;
  /** From a file list (hub or cache), not an estimate. */
  exact: boolean;
  /** Already in the cache: nothing to download. */
  cached: boolean;
  /** False when the repo's list has no file Sesame can load for the dtype. */
  usable: boolean;
  note?: string;
}

export function shownSize(model: NeededModel, listed: ModelFiles | undefined): ShownSize {
  const estimate = model.sizeMb === null ? null : model.sizeMb * 1e6;
  const note = listed?.note ? { note: listed.note } : {};
  if (!listed) return { bytes: estimate, exact: false, cached: false, usable: true };
  if (listed.source === 'estimate') return { bytes: listed.bytes ?? estimate, exact: false, cached: false, usable: true, ...note };
  const usable = listed.file !== undefined;
  return { bytes: usable ? listed.bytes : null, exact: usable, cached: listed.source === 'cache' && usable, usable, ...note };
}

/** What the chosen models add up to: bytes still to download, whether all of them are exact, and how many are unknown or unusable. */
export function totalShown(sizes: readonly ShownSize[]): { bytes: number; exact: boolean; unknown: number; unusable: number } {
  let bytes = 0;
  let exact = true;
  let unknown = 0;
  let unusable = 0;
  for (const s of sizes) {
    if (!s.usable) unusable++;
    else if (s.bytes === null) unknown++;
    else if (!s.cached) bytes += s.bytes;
    if (s.usable && !s.exact) exact = false;
  }
  return { bytes, exact, unknown, unusable };
}
