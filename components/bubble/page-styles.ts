import { BASE_CSS } from '../common/styles';

const PAGE_CSS = {
  popup: `body { margin: 0; width: max-content; min-width: 300px; max-width: 440px; } .popup { padding: 10px 12px; } .diagnostics-box { margin-top: 8px; } .diagnostics-box summary { cursor: pointer; color: var(--muted); } .diagnostics dd { overflow-wrap: anywhere; }`,
  options: `body { margin: 0 auto; max-width: 760px; padding: 16px; } section { margin: 18px 0; } table { border-collapse: collapse; width: 100%; } td, th { text-align: left; padding: 4px 6px; border-bottom: 1px solid var(--line); }`,
  onboarding: `body { margin: 0 auto; max-width: 760px; padding: 16px 20px; } h1 { font-size: 1.5em; margin-bottom: 8px; } section { margin: 22px 0; }
.tools li { margin: 4px 0; } fieldset { border: 1px solid var(--line); border-radius: 8px; } .choice { margin-right: 16px; }
table { border-collapse: collapse; width: 100%; margin: 8px 0; } td { padding: 4px 6px; border-bottom: 1px solid var(--line); }
.primary { font-weight: 600; padding: 6px 14px; } .done { font-weight: 600; color: var(--ok); }
.demo { border: 1px solid var(--line); border-radius: 8px; padding: 8px 12px; margin: 10px 0; } blockquote { margin: 4px 0; font-size: 1.05em; }`,
  practice: `body { margin: 0 auto; max-width: 860px; padding: 16px; } section { margin: 18px 0; } h2 { font-size: 1em; margin: 0; }
.passage { font-size: 1.15em; line-height: 2; white-space: pre-line; } .sections { align-items: center; } .blank-input { font: inherit; padding: 0 4px; border: 0; border-bottom: 2px solid var(--accent); background: transparent; color: inherit; }
.blank-input.correct { border-color: var(--ok); } .blank-input.acceptable { border-color: var(--warn); } .blank-input.wrong { border-color: var(--err); } .blank-input.revealed { border-style: dashed; }
.verdict.correct { color: var(--ok); } .verdict.acceptable { color: var(--warn); } .verdict.wrong { color: var(--err); } .hint { font-style: italic; }
.feedback li { margin: 6px 0; } .blank-actions { display: inline-flex; gap: 4px; margin-left: 6px; } .settings { align-items: center; flex-wrap: wrap; }
table { border-collapse: collapse; width: 100%; } td, th { text-align: left; padding: 4px 6px; border-bottom: 1px solid var(--line); vertical-align: top; } .source { word-break: break-all; max-width: 16em; }`,
};

/** Styles for Sesame's own extension pages. */
export function injectPageStyles(page: keyof typeof PAGE_CSS): void {
  const style = document.createElement('style');
  style.textContent = `${BASE_CSS}
:root { --ok:#1a7f37; --warn:#9a6700; }
@media (prefers-color-scheme: dark) { :root { --ok:#3fb950; --warn:#d29922; } }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", "PingFang SC", "Microsoft YaHei", sans-serif; color: var(--fg); background: var(--bg); }
h1 { font-size: 1.1em; margin: 0; } .bar { display: flex; justify-content: space-between; align-items: center; }
.actions { display: flex; gap: 6px; margin: 8px 0; } .diagnostics { display: grid; grid-template-columns: auto 1fr; gap: 2px 10px; font-size: 0.85em; }
.diagnostics dd { margin: 0; } .toggle { display: block; margin-top: 8px; }
${PAGE_CSS[page]}`;
  document.head.append(style);
}
