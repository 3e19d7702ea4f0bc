// Hints for a blank, from least to most revealing: length, then pinyin (Chinese), then the
// first letter or character.
import type { Lang } from '../protocol';

const TONED: Record<string, string> = { a: 'āáǎà', e: 'ēéěè', i: 'īíǐì', o: 'ōóǒò', u: 'ūúǔù', ü: 'ǖǘǚǜ' };

/** "lv4" → "lǜ", "hang2" → "háng"; tone 5 (neutral) and unknown syllables stay unmarked. */
export function toneMark(syllable: string): string {
  const m = /^([a-zü:]+?)([1-5])$/i.exec(syllable.replace(/u:|v/g, 'ü'));
  if (!m) return syllable;
  const [, base = '', digit = '5'] = m;
  const tone = Number(digit);
  if (tone === 5) return base;
  const lower = base.toLowerCase();
  // The mark goes on a or e; on the o of "ou"; otherwise on the last vowel.
  let at = lower.search(/[ae]/);
  if (at < 0) at = lower.indexOf('ou');
  if (at < 0) {
    for (let i = lower.length - 1; i >= 0; i--) {
      if ('iouü'.includes(lower[i]!)) {
        at = i;
        break;
      }
    }
  }
  if (at < 0) return base;
  const vowel = lower[at]!;
  const marked = TONED[vowel]?.[tone - 1] ?? vowel;
  return base.slice(0, at) + (base[at] === vowel ? marked : marked.toUpperCase()) + base.slice(at + 1);
}

/** Numbered pinyin → tone marks, syllables joined: "yin2 hang2" → "yínháng". */
export function pinyinWithMarks(numbered: string): string {
  return numbered.split(/\s+/).filter(Boolean).map(toneMark).join('');
}

/** A hint as data; the practice page words it in the UI language. */
export type Hint = { kind: 'letters' | 'characters'; n: number } | { kind: 'pinyin' | 'first'; text: string };

/** The hints for an answer, least revealing first. */
export function buildHints(answer: string, lang: Lang, pinyin?: string | null): Hint[] {
  const chars = [...answer];
  const hints: Hint[] = [{ kind: lang === 'zh' ? 'characters' : 'letters', n: chars.length }];
  if (lang === 'zh' && pinyin) hints.push({ kind: 'pinyin', text: pinyinWithMarks(pinyin) });
  hints.push({ kind: 'first', text: chars[0] ?? '' });
  return hints;
}
