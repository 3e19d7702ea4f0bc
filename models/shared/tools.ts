// The tool table: Sesame's tools and everything the extension needs to know of each, in one
// place — menus, keyboard commands, titles, the requests a tool serves (and which of them a
// content script may send), the text a request's language is read from. Menus, commands
// (wxt.config.ts), the router, the content script and the views read it; the model host's
// dispatch (host/tools/index.ts) is typed against it, so a new row does not compile until the
// host can run it. Adding a tool: its folder under host/tools/, one row here, one row there.
import type { MessageKey } from './i18n';
import type { Capture, Lang, RequestOf } from './protocol';
import type { Settings } from './settings';
import { langOfSelection } from './text/lang';

interface ToolRow {
  /** The requests this tool serves; the first is the one that runs it on a selection. */
  requests: readonly string[];
  /** Which of them a content script may send (the others come from Sesame's own pages). */
  fromPages: readonly string[];
  title: MessageKey;
  /** Shown while it works. */
  working: MessageKey;
  /** Its name in lists (the model table). */
  label: MessageKey;
  /** The context menu entry (English fallback when the UI language has no title for it). */
  menu: { title: string; contexts: readonly ('selection' | 'editable')[] };
  /** The keyboard command (manifest `commands`), its default key and its description's message. */
  command: { name: string; key: string; description: string };
  /** The request that runs it on a selection (bubble, popup, demo). */
  fromSelection: (capture: Capture, sampling: Sampling) => RequestOf<'sense' | 'cloze' | 'complete'>;
}

type Sampling = Settings['continueText'];
const clamp = (x: number, lo: number, hi: number): number => (Number.isFinite(x) ? Math.min(hi, Math.max(lo, x)) : lo);

export const TOOLS = {
  sense: {
    requests: ['sense'],
    fromPages: ['sense'],
    title: 'title_sense',
    working: 'working_sense',
    label: 'tool_sense',
    menu: { title: 'Meaning in context', contexts: ['selection'] },
    command: { name: 'sense-lookup', key: 'Alt+Shift+S', description: '__MSG_commandSense__' },
    fromSelection: (capture: Capture): RequestOf<'sense'> => ({
      type: 'sense',
      text: capture.text,
      start: capture.start,
      end: capture.end,
      ...(capture.occurrences ? { occurrences: capture.occurrences } : {}),
      ...(capture.selected !== undefined ? { selected: capture.selected } : {}),
    }),
  },
  cloze: {
    requests: ['cloze', 'cloze.check'],
    fromPages: ['cloze'],
    title: 'title_cloze',
    working: 'working_cloze',
    label: 'tool_cloze',
    menu: { title: 'Cloze practice', contexts: ['selection'] },
    command: { name: 'cloze-practice', key: 'Alt+Shift+C', description: '__MSG_commandCloze__' },
    fromSelection: (capture: Capture): RequestOf<'cloze'> => ({ type: 'cloze', text: capture.text.slice(capture.start, capture.end), blanks: 5, seed: 1 }),
  },
  complete: {
    requests: ['complete'],
    fromPages: ['complete'],
    title: 'title_complete',
    working: 'working_complete',
    label: 'tool_complete',
    menu: { title: 'Continue this text', contexts: ['selection', 'editable'] },
    command: { name: 'continue-text', key: 'Alt+Shift+G', description: '__MSG_commandComplete__' },
    fromSelection: (capture: Capture, sampling: Sampling): RequestOf<'complete'> => ({
      type: 'complete',
      prompt: capture.text.slice(0, capture.end),
      maxNewTokens: Math.round(clamp(sampling.maxTokens, 1, 256)),
      alternatives: 3,
      temperature: clamp(sampling.temperature, 0, 2),
      topP: clamp(sampling.topP, 0, 1),
    }),
  },
} as const satisfies Record<string, ToolRow>;

/** Speaking the selected word and its sentence: no tool (no model), but a keyboard command beside theirs. */
export const SPEAK_COMMAND = { name: 'speak-word', key: 'Alt+Shift+A', description: '__MSG_commandSpeak__' } as const;

export type Tool = keyof typeof TOOLS;
export const TOOL_NAMES = Object.keys(TOOLS) as Tool[];
/** The requests that run a tool on a model. */
export type ToolRequestType = (typeof TOOLS)[Tool]['requests'][number];
export type ToolRequestOf = RequestOf<ToolRequestType>;
/** The request that runs each tool on a selection. */
export type SelectionRequest = ReturnType<(typeof TOOLS)[Tool]['fromSelection']>;

/** The tool a request belongs to; null for requests that are no tool's (status, models, words…). */
export function toolOfRequest(type: string): Tool | null {
  return TOOL_NAMES.find((tool) => (TOOLS[tool].requests as readonly string[]).includes(type)) ?? null;
}

/** Whether a content script may send this request type to a tool. */
export function isPageToolRequest(type: string): boolean {
  return TOOL_NAMES.some((tool) => (TOOLS[tool].fromPages as readonly string[]).includes(type));
}

/** The words a tool request's language is read from: the selection, and the text around it. */
export function languageSample(request: ToolRequestOf): { selection: string; text: string } {
  switch (request.type) {
    case 'sense':
      return { selection: request.text.slice(request.start, request.end), text: request.text };
    case 'cloze':
    case 'cloze.check':
      return { selection: request.text, text: request.text };
    case 'complete':
      return { selection: request.prompt.slice(-200), text: request.prompt };
  }
}

/** A tool request's language: the one it names, else the script of its selection and text. */
export function requestLang(request: ToolRequestOf): Lang | undefined {
  if ('lang' in request && request.lang) return request.lang;
  const { selection, text } = languageSample(request);
  return langOfSelection(selection, text) ?? undefined;
}
