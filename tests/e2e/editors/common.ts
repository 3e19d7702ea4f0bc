// What every editor test page exposes to the e2e test (window.__editor): the editor's own view of
// its content, read through the editor's API rather than the DOM.
export interface EditorProbe {
  /** Which editor library runs the page. */
  name: string;
  /** The editor's plain text, from its document model. */
  text(): string;
  /** The editor's serialised content (JSON of its document/state, or its HTML export). */
  serialised(): string;
  /** How many document changes the editor reported through its own change events. */
  changes: number;
}

export function expose(probe: EditorProbe): void {
  (window as unknown as { __editor: EditorProbe }).__editor = probe;
}
