import { describe, expect, it } from 'vitest';
import { isFromExtension } from '@/models/page/sender';

const ID = 'sesame@sesame.invalid';
const ORIGIN = 'moz-extension://5e5a3e00-0000-4000-8000-000000000001/';

describe('who may drive the content script', () => {
  it('the background and the popup (no tab)', () => {
    expect(isFromExtension({ id: ID, url: `${ORIGIN}_generated_background_page.html` }, ID, ORIGIN)).toBe(true);
    expect(isFromExtension({ id: ID, url: `${ORIGIN}popup.html` }, ID, ORIGIN)).toBe(true);
  });

  it('an extension page in a tab, which Firefox gives sender.tab (the popup opened as a tab)', () => {
    expect(isFromExtension({ id: ID, url: `${ORIGIN}popup.html?tabId=3`, tab: { id: 7 } }, ID, ORIGIN)).toBe(true);
  });

  it('not a content script (a web page’s tab), nor another extension', () => {
    expect(isFromExtension({ id: ID, url: 'https://example.com/', tab: { id: 7 } }, ID, ORIGIN)).toBe(false);
    expect(isFromExtension({ id: ID, url: 'moz-extension://other-uuid/popup.html', tab: { id: 7 } }, ID, ORIGIN)).toBe(false);
    expect(isFromExtension({ id: ID, tab: { id: 7 } }, ID, ORIGIN)).toBe(false);
    expect(isFromExtension({ id: 'other@addon', url: `${ORIGIN}popup.html` }, ID, ORIGIN)).toBe(false);
  });
});
