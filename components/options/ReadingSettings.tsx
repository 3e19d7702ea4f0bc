// Options: how Chinese readings are written (tone-marked pinyin, zhuyin, tone numbers) and which
// tone colours they take, with a sample in the chosen style.
import { t, type MessageKey } from '@/models/shared/i18n';
import type { Settings } from '@/models/shared/settings';
import { READING_STYLES } from '@/models/shared/text/pinyin';
import { TONE_COLOR_SCHEME_NAMES } from '@/models/shared/text/tone-colors';
import { Syllables } from '../result/ReadingView';

type Reading = Settings['reading'];

const STYLE_TEXT: Record<Reading['pinyin'], MessageKey> = {
  marks: 'options_pinyin_marks',
  zhuyin: 'options_pinyin_zhuyin',
  numbers: 'options_pinyin_numbers',
};
const SCHEME_TEXT: Record<Reading['toneColors'], MessageKey> = {
  standard: 'options_tone_standard',
  pleco: 'options_tone_pleco',
  hanping: 'options_tone_hanping',
  none: 'options_tone_none',
};

/** Four tones and the neutral one: 妈麻马骂吗. */
const SAMPLE = 'ma1 ma2 ma3 ma4 ma5';

export function ReadingSettings({ value, onChange }: { value: Reading; onChange: (next: Reading) => void }) {
  return (
    <section aria-labelledby="reading-h">
      <h2 id="reading-h">{t('options_reading')}</h2>
      <label>
        {t('options_pinyin_style')}{' '}
        <select
          data-testid="pinyin-style"
          value={value.pinyin}
          onChange={(e) => onChange({ ...value, pinyin: (e.target as HTMLSelectElement).value as Reading['pinyin'] })}
        >
          {READING_STYLES.map((s) => (
            <option key={s} value={s}>
              {t(STYLE_TEXT[s])}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t('options_tone_colors')}{' '}
        <select
          data-testid="tone-colors"
          value={value.toneColors}
          onChange={(e) => onChange({ ...value, toneColors: (e.target as HTMLSelectElement).value as Reading['toneColors'] })}
        >
          {TONE_COLOR_SCHEME_NAMES.map((s) => (
            <option key={s} value={s}>
              {t(SCHEME_TEXT[s])}
            </option>
          ))}
        </select>
      </label>
      <p data-testid="reading-sample">
        <span lang="zh-Hans">妈 麻 马 骂 吗</span> <Syllables reading={SAMPLE} prefs={value} />
      </p>
    </section>
  );
}
