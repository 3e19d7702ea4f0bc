// The backgrounds the tone colours are made readable on: base.css's --bg, light and dark (keep them equal).
export const THEME_BACKGROUNDS = { light: '#ffffff', dark: '#161b22' } as const;
