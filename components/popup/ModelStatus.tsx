import { Fragment } from 'preact';
import type { Diagnostics, ResultOf } from '@/models/shared/protocol';
import { type MessageKey, t } from '@/models/shared/i18n';
import type { ToolState } from '../result/ResultView';
import { megabytes } from '../common/format';

export type ModelState = 'not-downloaded' | 'downloading' | 'ready' | 'error';

/** Where a model stands, from the cache listing, the host's loaded models and the current run. */
export function modelState(modelId: string, cached: ResultOf<'models.list'> | null, status: Diagnostics | null, run: ToolState | null): ModelState {
  if (run?.phase === 'error' && /model|download/.test(run.error.code)) return 'error';
  if (run?.phase === 'working' && Object.keys(run.files).length > 0) return 'downloading';
  if (status?.loaded.some((m) => m.id === modelId)) return 'ready';
  if (cached?.models.some((m) => m.id === modelId)) return 'ready';
  return 'not-downloaded';
}

const LABEL: Record<ModelState, MessageKey> = {
  'not-downloaded': 'model_state_not_downloaded',
  downloading: 'model_state_downloading',
  ready: 'model_state_ready',
  error: 'model_state_error',
};

/** `size`: the download size in words (models/shared/onboarding.ts ShownSize), for a model not downloaded yet; `exact` when from a file list. */
export function ModelStatusLine({
  modelId,
  state,
  bytes,
  size,
  exact,
}: {
  modelId: string;
  state: ModelState;
  bytes?: number;
  size?: string;
  exact?: boolean;
}) {
  return (
    <p class="muted" data-testid="model-status" data-state={state}>
      {t('model_status_line', { id: modelId })} <strong>{t(LABEL[state])}</strong>
      {bytes ? ` (${megabytes(bytes)})` : ''}
      {size && (
        <span data-testid="model-download-size" data-exact={String(exact === true)}>
          {' '}
          ({size})
        </span>
      )}
    </p>
  );
}

export function DiagnosticsView({ status }: { status: Diagnostics }) {
  return (
    <dl class="diagnostics" data-testid="diagnostics">
      <dt>{t('diag_backend')}</dt>
      <dd data-testid="backend">{status.backend === null ? t('diag_not_started') : status.backend === 'webgpu' ? 'WebGPU' : 'WASM'}</dd>
      {status.backendNote && (
        <>
          <dt>{t('diag_note')}</dt>
          <dd data-testid="backend-note">{status.backendNote}</dd>
        </>
      )}
      <dt>{t('diag_coi')}</dt>
      <dd data-testid="coi" data-value={String(status.crossOriginIsolated)}>
        {t(status.crossOriginIsolated ? 'yes' : 'no')}
      </dd>
      <dt>{t('diag_threads')}</dt>
      <dd data-testid="threads">{status.threads}</dd>
      <dt>{t('diag_host')}</dt>
      <dd>{t(status.host === 'offscreen' ? 'diag_host_offscreen' : 'diag_host_background')}</dd>
      {status.loaded.flatMap((m) =>
        graphNotes(m).map(([label, testId, note]) => (
          <Fragment key={`${m.id}-${testId}`}>
            <dt>{t(label, { id: m.id })}</dt>
            <dd data-testid={testId}>{note}</dd>
          </Fragment>
        )),
      )}
    </dl>
  );
}

type GraphNote = [label: 'diag_file' | 'diag_layers' | 'diag_head' | 'diag_decoder', testId: string, note: string];

/** What graph surgery did to a loaded model: its hidden states (encoders), its head (q8), its decoding steps (GPT-2 q8). */
function graphNotes(m: Diagnostics['loaded'][number]): GraphNote[] {
  const notes: GraphNote[] = [];
  if (m.file) notes.push(['diag_file', 'model-file', m.file]);
  if (m.layers) notes.push(['diag_layers', 'model-layers', m.layers]);
  if (m.head) notes.push(['diag_head', 'model-head', m.head]);
  if (m.decoder) notes.push(['diag_decoder', 'model-decoder', m.decoder]);
  return notes;
}
