// What a tool is to the model host: for each request it serves, a check made before any model
// loads and a run on the loaded model; what it keeps between requests, and how to drop it.
// The host (host.ts) owns models, backends and messages; a tool owns only its own work.
import type { Backend, Diagnostics, HostConfig, Lang, Partial as StreamPart, RequestOf, ResultOf, Update } from '../../shared/protocol';
import type { TOOLS, Tool, ToolRequestType } from '../../shared/tools';
import type { ChineseDict } from '../../shared/dict/chinese-dict';
import type { LoadedModel } from '../lm/loader';
import type { Gloss } from './sense/glosses/types';
import type { ReadingAids } from './sense/reading-aids';

export interface ToolContext {
  /** The request's language: the settings' choice, else the one it names, else its script's. */
  lang: Lang | undefined;
  config: HostConfig;
  backend: Backend;
  signal: AbortSignal;
  /** A long request's results so far (the sense tool's substitutes before its senses). */
  update(update: Update): void;
  /** Streamed text (completion). */
  partial(part: StreamPart): void;
}

export interface RequestRunner<T extends ToolRequestType> {
  /** Refuses a request before its model loads (no language, an empty span); returns the language it runs in. */
  check?(request: RequestOf<T>, lang: Lang | undefined): Lang | undefined;
  run(lm: LoadedModel, request: RequestOf<T>, ctx: ToolContext): Promise<ResultOf<T>>;
}

export interface HostTool<R extends ToolRequestType> {
  runners: { [T in R]: RequestRunner<T> };
  /** Drops what the tool keeps between requests: for one model, or everything. */
  clear?(modelId?: string): void;
  /** The tool's own counters for the host's status. */
  diagnostics?(): Partial<Diagnostics>;
}

/** What the host hands its tools (dictionaries live outside the models). */
export interface ToolDeps {
  /** Dictionary glosses of a word (bundled WordNet / CC-CEDICT), for the sense tool. */
  lookupGlosses?: (word: string, lang: Lang) => Promise<Gloss[]>;
  /** Traditional → simplified for judging Chinese answers (loaded on first need). */
  loadChineseDict?: () => Promise<ChineseDict>;
  /** Readings, Chinese equivalents and levels for the sense tool. */
  readingAids?: ReadingAids;
}

/** What a tool folder's run.ts exports as `makeTool`: its host tool, serving exactly its row's requests. */
export type ToolMaker<T extends Tool> = (deps: ToolDeps) => HostTool<(typeof TOOLS)[T]['requests'][number]>;
