// The look of the reading aids (pinyin, level chips, speak buttons, equivalents), part of BASE_CSS.
// Backgrounds the tone colours are made readable on (common/styles.ts uses the same).
export const THEME_BACKGROUNDS = { light: '#ffffff', dark: '#161b22' } as const;

export const READING_CSS = `
.reading { margin: 0 0 4px; }
.pinyin { font-size: 1.05em; }
.syllable { color: var(--tone-light, inherit); }
@media (prefers-color-scheme: dark) { .syllable { color: var(--tone-dark, inherit); } }
.chips { display: flex; flex-wrap: wrap; gap: 4px; margin: 2px 0 6px; padding: 0; list-style: none; }
.chip { border: 1px solid var(--line); border-radius: 999px; padding: 0 8px; font-size: 0.8em; color: var(--fg); }
.speak { display: flex; flex-wrap: wrap; gap: 6px; align-items: center; margin: 2px 0 6px; }
.equivalents li { margin: 1px 0; }
`;
