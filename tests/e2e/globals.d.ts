// The extension APIs as seen from code evaluated inside the service worker by playwright.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
declare const chrome: any;
declare namespace chrome.runtime {
  type ContextType = string;
}
