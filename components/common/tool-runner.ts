// Runs a tool request and reports UI state: working (with download progress and streamed
// text), done, or error. Shared by the on-page bubble and the popup.
import { request, RequestError } from '@/models/shared/client';
import { t } from '@/models/shared/i18n';
import { DEFAULT_SETTINGS, type Settings } from '@/models/shared/settings';
import type { Capture, ErrorInfo, Progress, RequestOf, Update } from '@/models/shared/protocol';
import type { ToolState } from '../bubble/ResultView';

type SenseUpdate = Extract<Update, { type: 'sense' }>;

export type ToolRequestOf = RequestOf<'sense'> | RequestOf<'cloze'> | RequestOf<'complete'>;

const LABELS = { sense: 'working_sense', cloze: 'working_cloze', complete: 'working_complete' } as const;

export function requestForCapture(
  tool: ToolRequestOf['type'],
  capture: Capture,
  sampling: Settings['continueText'] = DEFAULT_SETTINGS.continueText,
): ToolRequestOf {
  switch (tool) {
    case 'sense':
      return {
        type: 'sense',
        text: capture.text,
        start: capture.start,
        end: capture.end,
        ...(capture.occurrences ? { occurrences: capture.occurrences } : {}),
        ...(capture.selected !== undefined ? { selected: capture.selected } : {}),
      };
    case 'cloze':
      return { type: 'cloze', text: capture.text.slice(capture.start, capture.end), blanks: 5, seed: 1 };
    case 'complete':
      return {
        type: 'complete',
        prompt: capture.text.slice(0, capture.end),
        maxNewTokens: Math.round(clamp(sampling.maxTokens, 1, 256)),
        alternatives: 3,
        temperature: clamp(sampling.temperature, 0, 2),
        topP: clamp(sampling.topP, 0, 1),
      };
  }
}

/** Opens the practice page on the selected passage (the background keeps the text, the tab gets an id). */
export async function openPractice(capture: Pick<Capture, 'text' | 'start' | 'end' | 'url'>, onError: (error: ErrorInfo) => void): Promise<void> {
  const text = capture.text.slice(capture.start, capture.end).trim() || capture.text;
  try {
    await request({ type: 'practice.open', text, url: capture.url });
  } catch (error) {
    onError(error instanceof RequestError ? error.info : { code: 'internal', message: String((error as Error)?.message ?? error) });
  }
}

export async function runTool(req: ToolRequestOf, set: (state: ToolState) => void, signal?: AbortSignal): Promise<void> {
  const files: Record<string, Progress> = {};
  const streamed: string[] = [];
  let sense: SenseUpdate | undefined;
  const working = (): ToolState => ({
    phase: 'working',
    tool: req.type,
    label: t(LABELS[req.type]),
    files: { ...files },
    streamed: [...streamed],
    ...(sense ? { sense } : {}),
  });
  set(working());
  try {
    const result = await request(req, {
      ...(signal ? { signal } : {}),
      onProgress: (p) => {
        files[p.file] = p;
        set(working());
      },
      onPartial: (p) => {
        streamed[p.index] = (streamed[p.index] ?? '') + p.delta;
        set(working());
      },
      onUpdate: (u) => {
        sense = u;
        set(working());
      },
    });
    set({ phase: 'done', result });
  } catch (error) {
    set({
      phase: 'error',
      error: error instanceof RequestError ? error.info : { code: 'internal', message: String((error as Error)?.message ?? error) },
    });
  }
}

const clamp = (x: number, lo: number, hi: number): number => (Number.isFinite(x) ? Math.min(hi, Math.max(lo, x)) : lo);
