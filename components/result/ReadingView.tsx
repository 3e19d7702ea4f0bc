// A Chinese word's reading: one text span per syllable, coloured by its tone (colours made
// readable on the bubble's background), how the reading was chosen, and the word's other readings.
// Readings are text only, never HTML.
import { Fragment } from 'preact';
import type { ReadingOut } from '@/models/shared/protocol';
import { t, type MessageKey } from '@/models/shared/i18n';
import { formatReading, parseReading, type ReadingStyle } from '@/models/shared/text/pinyin';
import { readableToneColor, type ToneColorScheme } from '@/models/shared/text/tone-colors';
import { THEME_BACKGROUNDS } from '../common/reading-styles';

export interface ReadingPrefs {
  pinyin: ReadingStyle;
  toneColors: ToneColorScheme;
}

const BY_TEXT: Record<ReadingOut['by'], MessageKey> = {
  word: 'reading_by_word',
  context: 'reading_by_context',
  dictionary: 'reading_by_dictionary',
  characters: 'reading_by_characters',
};

/** The language tag of a romanisation: pinyin or zhuyin (axe checks lang attributes). */
export const readingLang = (style: ReadingStyle): string => (style === 'zhuyin' ? 'zh-Bopo' : 'zh-Latn-pinyin');

/** A numbered reading as spans, one per syllable, each coloured by its tone. */
export function Syllables({ reading, prefs }: { reading: string; prefs: ReadingPrefs }) {
  const syllables = parseReading(reading);
  return (
    <span class="pinyin" lang={readingLang(prefs.pinyin)} data-testid="pinyin">
      {syllables.map((s, i) => {
        const light = readableToneColor(s.tone, prefs.toneColors, THEME_BACKGROUNDS.light);
        const dark = readableToneColor(s.tone, prefs.toneColors, THEME_BACKGROUNDS.dark);
        const text = prefs.pinyin === 'marks' ? s.marked : prefs.pinyin === 'zhuyin' ? s.zhuyin : s.numbered;
        const space = i > 0 && !(s.joined && prefs.pinyin !== 'numbers') ? ' ' : '';
        return (
          <Fragment key={i}>
            {space}
            <span
              class="syllable"
              data-testid="syllable"
              data-tone={s.tone ?? undefined}
              style={light && dark ? { '--tone-light': light, '--tone-dark': dark } : undefined}
            >
              {text}
            </span>
          </Fragment>
        );
      })}
    </span>
  );
}

export function ReadingView({ reading, prefs }: { reading: ReadingOut; prefs: ReadingPrefs }) {
  return (
    <p class="reading" data-testid="reading" data-by={reading.by}>
      <Syllables reading={reading.reading} prefs={prefs} /> <span class="muted">({t(BY_TEXT[reading.by])})</span>
      {reading.others.length > 0 && (
        <>
          {' '}
          <span class="muted" data-testid="other-readings">
            {t('reading_others')} <span lang={readingLang(prefs.pinyin)}>{reading.others.map((r) => formatReading(r, prefs.pinyin)).join(', ')}</span>
          </span>
        </>
      )}
    </p>
  );
}
