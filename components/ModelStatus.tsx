import { Fragment } from 'preact';
import type { Diagnostics, ResultOf } from '@/models/protocol';
import type { ToolState } from './ResultView';
import { megabytes } from './format';

export type ModelState = 'not-downloaded' | 'downloading' | 'ready' | 'error';

/** Where a model stands, from the cache listing, the host's loaded models and the current run. */
export function modelState(
  modelId: string,
  cached: ResultOf<'models.list'> | null,
  status: Diagnostics | null,
  run: ToolState | null,
): ModelState {
  if (run?.phase === 'error' && /model|download/.test(run.error.code)) return 'error';
  if (run?.phase === 'working' && Object.keys(run.files).length > 0) return 'downloading';
  if (status?.loaded.some((m) => m.id === modelId)) return 'ready';
  if (cached?.models.some((m) => m.id === modelId)) return 'ready';
  return 'not-downloaded';
}

const LABEL: Record<ModelState, string> = {
  'not-downloaded': 'not downloaded',
  downloading: 'downloading',
  ready: 'ready',
  error: 'error',
};

export function ModelStatusLine({ modelId, state, bytes }: { modelId: string; state: ModelState; bytes?: number }) {
  return (
    <p class="muted" data-testid="model-status" data-state={state}>
      Model {modelId}: <strong>{LABEL[state]}</strong>
      {bytes ? ` (${megabytes(bytes)})` : ''}
    </p>
  );
}

export function DiagnosticsView({ status }: { status: Diagnostics }) {
  return (
    <dl class="diagnostics" data-testid="diagnostics">
      <dt>Backend</dt>
      <dd data-testid="backend">{status.backend === null ? 'not started' : status.backend === 'webgpu' ? 'WebGPU' : 'WASM'}</dd>
      {status.backendNote && (
        <>
          <dt>Note</dt>
          <dd>{status.backendNote}</dd>
        </>
      )}
      <dt>Cross-origin isolated</dt>
      <dd data-testid="coi">{status.crossOriginIsolated ? 'yes' : 'no'}</dd>
      <dt>WASM threads</dt>
      <dd data-testid="threads">{status.threads}</dd>
      <dt>Model host</dt>
      <dd>{status.host === 'offscreen' ? 'offscreen document' : 'background page'}</dd>
      {status.loaded
        .filter((m) => m.layers)
        .map((m) => (
          <Fragment key={m.id}>
            <dt>Layers of {m.id}</dt>
            <dd data-testid="model-layers">{m.layers}</dd>
          </Fragment>
        ))}
    </dl>
  );
}
