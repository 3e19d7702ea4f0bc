import type { Hint } from '@/models/shared/practice/hints';
import { t, tn } from '@/models/shared/i18n';

export function hintText(h: Hint): string {
  switch (h.kind) {
    case 'letters':
      return tn('practice_hint_letters', h.n);
    case 'characters':
      return tn('practice_hint_characters', h.n);
    case 'pinyin':
      return t('practice_hint_pinyin', { pinyin: h.text });
    case 'first':
      return t('practice_hint_first', { first: h.text });
  }
}
