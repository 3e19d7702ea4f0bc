// Options: hover lookup's modifier key (or off), and marking saved words on pages.
import { t } from '@/models/shared/i18n';
import { HOVER_MODIFIERS, type HoverModifier, type Settings } from '@/models/shared/settings';

type PageLookup = Pick<Settings, 'hover' | 'knownWords'>;

const MODIFIER_LABEL = {
  shift: 'options_hover_shift',
  alt: 'options_hover_alt',
  ctrl: 'options_hover_ctrl',
  off: 'options_hover_off',
} as const;

export function PageLookupSettings({ value, onChange }: { value: PageLookup; onChange: (next: PageLookup) => void }) {
  return (
    <section aria-labelledby="page-lookup-h">
      <h2 id="page-lookup-h">{t('options_page_lookup')}</h2>
      <label>
        {t('options_hover_modifier')}{' '}
        <select
          data-testid="hover-modifier"
          value={value.hover.modifier}
          onChange={(e) => onChange({ ...value, hover: { modifier: (e.target as HTMLSelectElement).value as HoverModifier } })}
        >
          {HOVER_MODIFIERS.map((m) => (
            <option key={m} value={m}>
              {t(MODIFIER_LABEL[m])}
            </option>
          ))}
        </select>
      </label>
      <label>
        <input
          type="checkbox"
          data-testid="known-words-highlight"
          checked={value.knownWords.highlight}
          onChange={(e) => onChange({ ...value, knownWords: { highlight: (e.target as HTMLInputElement).checked } })}
        />{' '}
        {t('options_known_words')}
      </label>
      <p class="muted">{t('options_known_words_note')}</p>
    </section>
  );
}
