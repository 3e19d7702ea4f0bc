import type { Progress } from '@/models/shared/protocol';
import { t } from '@/models/shared/i18n';
import { megabytes } from '../common/format';

/** Per-file download bars for a model being fetched. */
export function ProgressView({ files }: { files: Record<string, Progress> }) {
  const entries = Object.values(files);
  if (entries.length === 0) return null;
  return (
    <div class="progress" role="status" aria-live="polite" data-testid="download-progress">
      <div class="muted">{t('downloading_model', { model: entries[0]!.model })}</div>
      {entries.map((p) => (
        <div class="file" key={p.file}>
          <span class="name">{p.file}</span>
          <progress max={p.total || 1} value={p.status === 'done' ? p.total || 1 : (p.loaded ?? 0)} />
          <span class="muted">{p.total ? megabytes(p.total) : ''}</span>
        </div>
      ))}
    </div>
  );
}
