// Options: inline completion on/off, the typing pause before a suggestion, its longest length,
// and the editors it works in and is off in (and why).
import { editorSupport } from '@/models/shared/editors';
import { t, uiLangTag } from '@/models/shared/i18n';
import type { Settings } from '@/models/shared/settings';
import { TypedInput } from '../common/TypedInput';

type Completion = Settings['completion'];

export function CompletionSettings({ value, onChange }: { value: Completion; onChange: (next: Completion) => void }) {
  const number = (key: 'pauseMs' | 'maxTokens', min: number, max: number) => (e: Event) => {
    const n = Math.round(Number((e.target as HTMLInputElement).value));
    if (Number.isFinite(n)) onChange({ ...value, [key]: Math.min(max, Math.max(min, n)) });
  };
  const editors = editorSupport();
  const list = (names: string[]) => new Intl.ListFormat(uiLangTag(), { type: 'conjunction' }).format(names);
  return (
    <section aria-labelledby="completion-h">
      <h2 id="completion-h">{t('options_completion')}</h2>
      <label>
        <input
          type="checkbox"
          data-testid="completion-enabled"
          checked={value.enabled}
          onChange={(e) => onChange({ ...value, enabled: (e.target as HTMLInputElement).checked })}
        />{' '}
        {t('options_completion_enabled')}
      </label>
      <label>
        {t('options_completion_pause')}{' '}
        <TypedInput type="number" min={50} max={5000} step={50} value={value.pauseMs} data-testid="completion-pause" onChange={number('pauseMs', 50, 5000)} />
      </label>
      <label>
        {t('options_completion_tokens')}{' '}
        <TypedInput type="number" min={1} max={256} value={value.maxTokens} data-testid="completion-tokens" onChange={number('maxTokens', 1, 256)} />
      </label>
      <p class="muted" data-testid="completion-editors-on">
        {t('options_completion_editors_on', { editors: list(editors.on) })}
      </p>
      <p class="muted" data-testid="completion-editors-off">
        {t('options_completion_editors_off', { editors: list(editors.off) })}
      </p>
    </section>
  );
}
