// Runs a tool request and reports UI state: working (with download progress and streamed
// text), done, or error. Shared by the on-page bubble and the popup.
import { request, RequestError } from '@/models/shared/client';
import { t } from '@/models/shared/i18n';
import { DEFAULT_SETTINGS, type Settings } from '@/models/shared/settings';
import type { Capture, ErrorInfo, Progress, Update } from '@/models/shared/protocol';
import { type SelectionRequest, type Tool, TOOLS } from '@/models/shared/tools';
import type { ToolState } from './ResultView';
import { span } from '@/models/shared/spans';

type SenseUpdate = Extract<Update, { type: 'sense' }>;

/** The request that runs `tool` on a selection (the tool table's builder), with the user's sampling settings. */
export function requestForCapture(tool: Tool, capture: Capture, sampling: Settings['continueText'] = DEFAULT_SETTINGS.continueText): SelectionRequest {
  return TOOLS[tool].fromSelection(capture, sampling);
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

export async function runTool(req: SelectionRequest, set: (state: ToolState) => void, signal?: AbortSignal): Promise<void> {
  const files: Record<string, Progress> = {};
  const streamed: string[] = [];
  let sense: SenseUpdate | undefined;
  const working = (): ToolState => ({
    phase: 'working',
    tool: req.type,
    label: t(TOOLS[req.type].working),
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
        if (!sense) span('page:update');
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
