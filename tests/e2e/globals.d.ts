// The extension APIs as seen from code evaluated inside the service worker by playwright.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
// biome-ignore lint/suspicious/noExplicitAny: the extension APIs as page.evaluate sees them, untyped in the test process.
declare const chrome: any;
declare namespace chrome.runtime {
  type ContextType = string;
}
