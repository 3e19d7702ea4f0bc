import { BASE_CSS } from './styles';

const PAGE_CSS = {
  popup: `body { margin: 0; width: 360px; } .popup { padding: 10px 12px; }`,
  options: `body { margin: 0 auto; max-width: 760px; padding: 16px; } section { margin: 18px 0; } table { border-collapse: collapse; width: 100%; } td, th { text-align: left; padding: 4px 6px; border-bottom: 1px solid var(--line); }`,
};

/** Styles for Sesame's own extension pages. */
export function injectPageStyles(page: keyof typeof PAGE_CSS): void {
  const style = document.createElement('style');
  style.textContent = `${BASE_CSS}
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", "PingFang SC", "Microsoft YaHei", sans-serif; color: var(--fg); background: var(--bg); }
h1 { font-size: 1.1em; margin: 0; } .bar { display: flex; justify-content: space-between; align-items: center; }
.actions { display: flex; gap: 6px; margin: 8px 0; } .diagnostics { display: grid; grid-template-columns: auto 1fr; gap: 2px 10px; font-size: 0.85em; }
.diagnostics dd { margin: 0; } .toggle { display: block; margin-top: 8px; }
${PAGE_CSS[page]}`;
  document.head.append(style);
}
