// Plain renderings of each tool's result. Page text is only ever rendered as text nodes.
import type { ClozeResult, CompleteResult, ErrorCode, ErrorInfo, Progress, SenseResult, Update } from '@/models/shared/protocol';
import { type MessageKey, t } from '@/models/shared/i18n';
import type { Tool } from '@/models/shared/tools';
import { percent } from '../common/format';
import { ProgressView } from './ProgressView';
import { SenseView, type SenseViewProps } from './SenseView';

const ERROR_KEYS: Record<ErrorCode, MessageKey> = {
  'bad-request': 'error_bad_request',
  'empty-input': 'error_empty_input',
  'unsupported-language': 'error_unsupported_language',
  'model-load': 'error_model_load',
  download: 'error_download',
  inference: 'error_inference',
  cancelled: 'error_cancelled',
  'host-unavailable': 'error_host_unavailable',
  disabled: 'error_disabled',
  internal: 'error_internal',
  'rate-limited': 'error_rate_limited',
  anki: 'error_anki',
  'bad-file': 'error_bad_file',
  learning: 'error_learning',
};

export type ToolState =
  | {
      phase: 'working';
      tool: Tool;
      label: string;
      files: Record<string, Progress>;
      streamed?: string[];
      /** The sense tool's substitutes, shown while the page's other uses are still being read. */
      sense?: Extract<Update, { type: 'sense' }>;
    }
  | { phase: 'done'; result: SenseResult | ClozeResult | CompleteResult }
  | { phase: 'error'; error: ErrorInfo };

/** Shown above a result when the selection was cut to fit the model (never silently). */
export function Notice({ text }: { text: string | undefined }) {
  return text ? (
    <p class="notice muted" role="note" data-testid="notice">
      {text}
    </p>
  ) : null;
}

export interface ToolStateViewProps extends Omit<SenseViewProps, 'result'> {
  state: ToolState;
  onPractice?: (() => void) | undefined;
}

/** A failed request: what went wrong in the UI language, then the host's own message. */
export function ErrorView({ error, testId = 'error' }: { error: ErrorInfo; testId?: string }) {
  return (
    <div class="error" role="alert" data-testid={testId}>
      <p>{t(ERROR_KEYS[error.code])}</p>
      {error.message && <p class="muted">{error.message}</p>}
    </div>
  );
}

export function ToolStateView({ state, onPractice, ...sense }: ToolStateViewProps) {
  if (state.phase === 'error') return <ErrorView error={state.error} />;
  if (state.phase === 'working') {
    return (
      <div aria-busy="true">
        {state.sense && <SenseView {...sense} result={state.sense} />}
        <p class="muted" data-testid="working">
          {state.sense && state.sense.total > 1 ? t('working_sense_uses', { done: state.sense.done, total: state.sense.total }) : state.label}
        </p>
        <ProgressView files={state.files} />
        {state.streamed?.map((text, i) => (
          <p class="completion" key={i} data-testid="streamed">
            {text}
          </p>
        ))}
      </div>
    );
  }
  const r = state.result;
  return (
    <div>
      {r.type === 'sense' && <SenseView {...sense} result={r} />}
      {r.type === 'cloze' && <ClozeView result={r} onPractice={onPractice} />}
      {r.type === 'complete' && <CompleteView result={r} />}
      <p class="footer muted" data-testid="model-line">
        {r.model} · {r.backend === 'webgpu' ? 'WebGPU' : 'WASM'}
      </p>
    </div>
  );
}

export function ClozeView({ result, onPractice }: { result: ClozeResult; onPractice?: (() => void) | undefined }) {
  const parts: (string | { n: number })[] = [];
  let at = 0;
  result.blanks.forEach((b, n) => {
    parts.push(result.text.slice(at, b.start), { n });
    at = b.end;
  });
  parts.push(result.text.slice(at));
  return (
    <div data-testid="cloze">
      <p class="passage" lang={result.lang}>
        {parts.map((p, i) =>
          typeof p === 'string' ? (
            p
          ) : (
            <span key={i} class="blank">
              ({p.n + 1}) ____
            </span>
          ),
        )}
      </p>
      <ol class="blanks">
        {result.blanks.map((b, i) => (
          <li key={i}>
            <span class="muted">{t('cloze_model_guesses')}</span> {b.candidates.map((c) => `${c.text} ${percent(c.score)}`).join(', ')}
          </li>
        ))}
      </ol>
      {onPractice && result.blanks.length > 0 && (
        <button type="button" onClick={onPractice} data-testid="practice">
          {t('cloze_practice')}
        </button>
      )}
    </div>
  );
}

export function CompleteView({ result }: { result: CompleteResult }) {
  return (
    <ol class="alternatives" data-testid="alternatives">
      {result.alternatives.map((text, i) => (
        <li key={i} class="completion">
          {text}
        </li>
      ))}
    </ol>
  );
}
