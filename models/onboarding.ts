// First run: which models the languages a user reads need, with their sizes before download.
import type { Lang, ModelSpec } from './protocol';
import { findEntry, resolveModel, type Tool } from './registry';
import type { Settings } from './settings';

export interface NeededModel {
  spec: ModelSpec;
  tools: Tool[];
  langs: Lang[];
  /** Approximate download in MB (registry estimate), or null for an id the registry lacks. */
  sizeMb: number | null;
}

const TOOLS: Tool[] = ['sense', 'cloze', 'complete'];

/** One entry per distinct model the chosen languages' tools use (sense and cloze share one). */
export function modelsFor(settings: Settings, langs: readonly Lang[]): NeededModel[] {
  const out = new Map<string, NeededModel>();
  for (const lang of langs) {
    for (const tool of TOOLS) {
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
  return models.reduce((acc, m) => (m.sizeMb === null ? { ...acc, unknown: acc.unknown + 1 } : { ...acc, mb: acc.mb + m.sizeMb }), { mb: 0, unknown: 0 });
}

/** The languages to offer first: the browser's, plus English. */
export function suggestedLangs(browserLanguage: string | undefined): Lang[] {
  return browserLanguage?.toLowerCase().startsWith('zh') ? ['zh', 'en'] : ['en'];
}
