// Tone colours for pinyin and zhuyin, the three schemes Chinese readers know from Zhongwen
// (its own default, Pleco's, Hanping's: colours as in Zhongwen's css/content.css), or none.
import type { Tone } from './pinyin';

/** Colours of tones 1, 2, 3, 4 and neutral. */
type Palette = readonly [string, string, string, string, string];

export const TONE_COLOR_SCHEMES = {
  /** Zhongwen's default: red, orange, green, blue, grey. */
  standard: ['#ee363e', '#f47c36', '#73bb4f', '#649cd3', '#a0a0a0'],
  /** Pleco: red, green, blue, purple, grey. */
  pleco: ['#e30000', '#02b31c', '#1510f0', '#8900bf', '#777777'],
  /** Hanping: blue, green, orange, red, grey. */
  hanping: ['#64b4ff', '#30b030', '#f08000', '#d00020', '#a0a0a0'],
} as const satisfies Record<string, Palette>;

export type ToneColorScheme = keyof typeof TONE_COLOR_SCHEMES | 'none';
export const TONE_COLOR_SCHEME_NAMES: readonly ToneColorScheme[] = ['standard', 'pleco', 'hanping', 'none'];

export function isToneColorScheme(value: unknown): value is ToneColorScheme {
  return TONE_COLOR_SCHEME_NAMES.includes(value as ToneColorScheme);
}

/** The colour of a syllable's tone, or null: no scheme, or a token that is not a syllable. */
export function toneColor(tone: Tone | null, scheme: ToneColorScheme): string | null {
  if (tone === null || scheme === 'none') return null;
  return TONE_COLOR_SCHEMES[scheme][tone - 1]!;
}
