// The popup's sampling settings for "Continue this text": temperature, top-p and length.
import { t } from '@/models/shared/i18n';
import type { Settings } from '@/models/shared/settings';
import { TypedInput } from './TypedInput';

type Sampling = Settings['continueText'];

const FIELDS: { key: keyof Sampling; label: 'popup_temperature' | 'popup_top_p' | 'popup_max_tokens'; min: number; max: number; step: number }[] = [
  { key: 'temperature', label: 'popup_temperature', min: 0, max: 2, step: 0.1 },
  { key: 'topP', label: 'popup_top_p', min: 0.05, max: 1, step: 0.05 },
  { key: 'maxTokens', label: 'popup_max_tokens', min: 1, max: 256, step: 1 },
];

export function SamplingControls({ value, onChange }: { value: Sampling; onChange: (next: Sampling) => void }) {
  return (
    <details class="sampling" data-testid="sampling">
      <summary>{t('popup_sampling')}</summary>
      {FIELDS.map((f) => (
        <label key={f.key}>
          {t(f.label)}{' '}
          <TypedInput
            type="number"
            min={f.min}
            max={f.max}
            step={f.step}
            value={value[f.key]}
            data-testid={`sampling-${f.key}`}
            onChange={(e) => {
              const n = Number((e.target as HTMLInputElement).value);
              if (Number.isFinite(n)) onChange({ ...value, [f.key]: Math.min(f.max, Math.max(f.min, n)) });
            }}
          />
        </label>
      ))}
    </details>
  );
}
