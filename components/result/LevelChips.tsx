// How common a word is (frequency band, HSK level) and how expected here, as short chips.
import type { LevelOut } from '@/models/shared/protocol';
import { t, type MessageKey } from '@/models/shared/i18n';
import { predictabilityOf } from '@/models/shared/words/predictability';
import { percent } from '../common/format';

const BAND_TEXT: Record<number, MessageKey> = {
  1: 'level_band_1',
  2: 'level_band_2',
  3: 'level_band_3',
  4: 'level_band_4',
  5: 'level_band_5',
};

export function LevelChips({ level }: { level: LevelOut }) {
  return (
    <ul class="chips" aria-label={t('level_label')} data-testid="level" data-band={level.band ?? 'none'} data-hsk={level.hsk ?? 'none'}>
      <li class="chip" data-testid="level-band">
        {t(level.band === null ? 'level_unlisted' : (BAND_TEXT[level.band] ?? 'level_unlisted'))}
      </li>
      {level.hsk !== null && (
        <li class="chip" data-testid="level-hsk">
          {t('level_hsk', { n: level.hsk })}
        </li>
      )}
      {level.predicted !== undefined && (
        <li class="chip" data-testid="level-predicted" title={t('level_predicted_title')}>
          {t(`level_${predictabilityOf(level.predicted)}`, { p: percent(level.predicted) })}
        </li>
      )}
    </ul>
  );
}
