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

/** Relative luminance of a #rrggbb colour (WCAG 2). */
function luminance(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => {
    const c = Number.parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
}

/** WCAG contrast ratio of two #rrggbb colours (1 to 21). */
export function contrastRatio(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi! + 0.05) / (lo! + 0.05);
}

const hex2 = (n: number): string =>
  Math.round(Math.min(255, Math.max(0, n)))
    .toString(16)
    .padStart(2, '0');

/** `color` mixed with `toward` by `t` (0: unchanged, 1: `toward`). */
function mix(color: string, toward: string, t: number): string {
  const ch = (hex: string, i: number) => Number.parseInt(hex.slice(i, i + 2), 16);
  return `#${[1, 3, 5].map((i) => hex2(ch(color, i) + (ch(toward, i) - ch(color, i)) * t)).join('')}`;
}

/**
 * The colour as close to `color` as keeps text readable on `background` (WCAG AA, 4.5:1 for
 * body text): darkened toward black on a light background, lightened toward white on a dark
 * one, in small steps. Several of Zhongwen's colours (Hanping's #64b4ff, its grey #a0a0a0) are too
 * light for white; the hue is kept.
 */
export function readableColor(color: string, background: string, min = 4.5): string {
  const toward = luminance(background) > 0.18 ? '#000000' : '#ffffff';
  for (let t = 0; t <= 1; t += 0.02) {
    const candidate = mix(color, toward, t);
    if (contrastRatio(candidate, background) >= min) return candidate;
  }
  return toward;
}

/** A syllable's tone colour made readable on a background; null when it has none. */
export function readableToneColor(tone: Tone | null, scheme: ToneColorScheme, background: string): string | null {
  const color = toneColor(tone, scheme);
  return color === null ? null : readableColor(color, background);
}
