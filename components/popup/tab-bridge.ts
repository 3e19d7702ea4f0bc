// The popup's container: its reach into the browser (the tab it was opened on, what that tab's
// content script says, the pages it opens). The views take it as a prop, so they call no browser
// API themselves and run in tests with a stand-in.
import { browser } from 'wxt/browser';
import { type Capture, captureReply, type MainTextReply, mainTextReply, parse } from '@/models/shared/protocol';

export interface TabInfo {
  id: number;
  url?: string;
}
export type MainText = Extract<MainTextReply, { kind: 'mainText' }>;

export interface TabBridge {
  /** The tab the popup acts on: ?tabId= when opened as a page, else the active tab. */
  targetTab(): Promise<TabInfo | null>;
  /** The tab's selection, and its URL (the content script knows it even without the "tabs" permission). */
  captureFrom(tabId: number): Promise<{ capture: Capture | null; url?: string }>;
  /** The tab's main text (an article), when it has one. */
  mainTextOf(tabId: number): Promise<MainText | null>;
  /** Scrolls the tab to one use of the looked-up word. */
  reveal(tabId: number, index: number): void;
  openOptions(): void;
  openReview(): void;
}

export const browserTabs: TabBridge = {
  async targetTab() {
    const param = new URLSearchParams(location.search).get('tabId');
    const tab = param ? await browser.tabs.get(Number(param)).catch(() => null) : (await browser.tabs.query({ active: true, currentWindow: true }))[0];
    return tab?.id !== undefined ? { id: tab.id, ...(tab.url ? { url: tab.url } : {}) } : null;
  },
  async captureFrom(tabId) {
    const parsed = parse(captureReply, await browser.tabs.sendMessage(tabId, { kind: 'capture' }).catch(() => null));
    if (!parsed.ok) return { capture: null };
    const reply = parsed.value;
    return reply.kind === 'capture' ? { capture: reply.capture, url: reply.capture.url } : { capture: null, ...(reply.url ? { url: reply.url } : {}) };
  },
  async mainTextOf(tabId) {
    const parsed = parse(mainTextReply, await browser.tabs.sendMessage(tabId, { kind: 'mainText' }).catch(() => null));
    return parsed.ok && parsed.value.kind === 'mainText' ? parsed.value : null;
  },
  reveal(tabId, index) {
    void browser.tabs.sendMessage(tabId, { kind: 'reveal', index }).catch(() => undefined);
  },
  openOptions() {
    void browser.runtime.openOptionsPage();
  },
  openReview() {
    void browser.tabs.create({ url: browser.runtime.getURL('/review.html') });
  },
};
