// Shared look of the popup, options and on-page bubble. Follows the OS/page colour scheme.
import { READING_CSS, THEME_BACKGROUNDS } from './reading-styles';

export const BASE_CSS = `
${READING_CSS}
:host, :root { color-scheme: light dark; --fg:#1b1f24; --bg:${THEME_BACKGROUNDS.light}; --muted:#57606a; --accent:#0a58ca; --line:#d0d7de; --err:#b3261e; }
@media (prefers-color-scheme: dark) { :host, :root { --fg:#e6edf3; --bg:${THEME_BACKGROUNDS.dark}; --muted:#9da7b3; --accent:#6cb6ff; --line:#30363d; --err:#ff8a80; } }
.muted { color: var(--muted); font-size: 0.85em; }
.error { color: var(--err); }
.word { margin: 0 0 4px; font-size: 1.25em; }
.word-bar { display: flex; justify-content: space-between; align-items: baseline; gap: 8px; }
ol { margin: 4px 0; padding-left: 1.4em; }
.substitutes li { margin: 1px 0; }
.sub { font-weight: 600; }
.blank { font-weight: 600; color: var(--accent); }
.senses { padding-left: 1.2em; }
.sense { margin: 4px 0; }
.sense.selected { border-left: 3px solid var(--accent); padding-left: 6px; margin-left: -9px; }
.snippets { list-style: none; margin: 2px 0 4px; padding: 0; }
.snippet { border: none; padding: 1px 0; text-align: left; font-size: 0.85em; color: var(--fg); text-decoration: underline dotted var(--muted); }
.snippet:hover { color: var(--accent); }
.glosses li { margin: 2px 0; }
.completion { white-space: pre-wrap; }
.footer { margin-top: 8px; border-top: 1px solid var(--line); padding-top: 4px; }
.progress .file { display: grid; grid-template-columns: 1fr 8em auto; gap: 6px; align-items: center; font-size: 0.85em; }
.progress .name { overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
button { font: inherit; color: inherit; background: transparent; border: 1px solid var(--line); border-radius: 6px; padding: 2px 8px; cursor: pointer; }
button:focus-visible, a:focus-visible, input:focus-visible, select:focus-visible { outline: 2px solid var(--accent); outline-offset: 2px; }
`;

export const BUBBLE_CSS = `
:host { all: initial; }
.bubble { position: fixed; z-index: 2147483647; max-width: min(380px, 90vw); max-height: 60vh; overflow: auto;
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", "PingFang SC", "Microsoft YaHei", sans-serif;
  color: var(--fg); background: var(--bg); border: 1px solid var(--line); border-radius: 10px;
  box-shadow: 0 8px 24px rgba(0,0,0,.18); padding: 10px 12px; box-sizing: border-box; }
.bar { display: flex; justify-content: space-between; align-items: center; gap: 8px; margin-bottom: 6px; }
.title { font-weight: 600; font-size: 0.9em; color: var(--muted); }
${BASE_CSS}
`;
