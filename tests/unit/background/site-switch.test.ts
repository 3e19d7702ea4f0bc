// The per-site switch: subdomains and www., the tab's top-level site, and frames inside it.
import { describe, expect, it } from 'vitest';
import { frameSiteUrls } from '@/models/page/frame-sites';
import type { HostMessage } from '@/models/shared/protocol';
import { type PortLike, Router } from '@/models/background/router';
import { isAnySiteDisabled, isSiteDisabled, siteCovers, withDefaults } from '@/models/shared/settings';

const EXT = 'abcdefghijklmnop';

describe('which sites a switched-off entry covers', () => {
  it('the host, its www. form either way, and its subdomains; not look-alikes', () => {
    expect(siteCovers('example.com', 'example.com')).toBe(true);
    expect(siteCovers('example.com', 'www.example.com')).toBe(true);
    expect(siteCovers('www.example.com', 'example.com')).toBe(true);
    expect(siteCovers('example.com', 'mail.example.com')).toBe(true);
    expect(siteCovers('Example.COM', 'a.b.example.com')).toBe(true);
    expect(siteCovers('example.com', 'badexample.com')).toBe(false);
    expect(siteCovers('example.com', 'example.com.evil.org')).toBe(false);
    expect(siteCovers('', 'example.com')).toBe(false);
    // A site is its host name: the port a page is served on does not matter.
    expect(siteCovers('example.com', 'www.example.com:8443')).toBe(true);
    expect(siteCovers('127.0.0.1:4000', '127.0.0.1:5000')).toBe(true);
  });

  it('isSiteDisabled: www. and subdomains of a switched-off site are off', () => {
    const s = withDefaults({ disabledSites: ['example.com'] });
    expect(isSiteDisabled(s, 'https://www.example.com/a')).toBe(true);
    expect(isSiteDisabled(s, 'https://docs.example.com/')).toBe(true);
    expect(isSiteDisabled(withDefaults({ disabledSites: ['www.example.com'] }), 'https://example.com/')).toBe(true);
    expect(isSiteDisabled(s, 'https://example.org/')).toBe(false);
  });

  it("a frame's sites are its own URL and its ancestors' origins", () => {
    const urls = frameSiteUrls({ href: 'https://widget.other.net/embed', ancestorOrigins: ['https://mid.example.org', 'https://www.example.com'] });
    expect(urls).toEqual(['https://widget.other.net/embed', 'https://mid.example.org', 'https://www.example.com']);
    expect(isAnySiteDisabled(withDefaults({ disabledSites: ['example.com'] }), urls)).toBe(true);
    expect(isAnySiteDisabled(withDefaults({ disabledSites: ['example.com'] }), frameSiteUrls({ href: 'https://widget.other.net/' }))).toBe(false);
  });
});

describe('the router refuses content scripts on switched-off sites', () => {
  function attempt(sender: PortLike['sender'], disabledSites: string[]) {
    const sent: HostMessage[] = [];
    const out: { kind: string; error?: { code: string } }[] = [];
    const listeners: ((m: unknown) => void)[] = [];
    const router = new Router({
      extensionId: EXT,
      extensionOrigin: `chrome-extension://${EXT}/`,
      settings: async () => withDefaults({ disabledSites }),
      host: { send: async (m) => void sent.push(m) },
    });
    router.accept({
      sender,
      postMessage: (m) => void out.push(m as (typeof out)[number]),
      onMessage: { addListener: (cb) => void listeners.push(cb) },
      onDisconnect: { addListener: () => {} },
      disconnect: () => {},
    });
    listeners.forEach((l) => l({ kind: 'request', id: 'r1', request: { type: 'sense', text: 'the bank', start: 4, end: 8 } }));
    return new Promise<{ sent: HostMessage[]; code: string | undefined }>((done) => setTimeout(() => done({ sent, code: out[0]?.error?.code }), 0));
  }

  it('a www. page when the bare domain is off', async () => {
    const r = await attempt({ id: EXT, url: 'https://www.example.com/a', tab: { id: 1, url: 'https://www.example.com/a' } }, ['example.com']);
    expect(r.code).toBe('disabled');
    expect(r.sent).toEqual([]);
  });

  it('a cross-origin iframe whose tab is on a switched-off site', async () => {
    const r = await attempt({ id: EXT, url: 'https://widget.other.net/embed', tab: { id: 1, url: 'https://example.com/page' } }, ['example.com']);
    expect(r.code).toBe('disabled');
    expect(r.sent).toEqual([]);
  });

  it('the same iframe on a site that is on still works', async () => {
    const r = await attempt({ id: EXT, url: 'https://widget.other.net/embed', tab: { id: 1, url: 'https://example.org/page' } }, ['example.com']);
    expect(r.code).toBeUndefined();
    expect(r.sent).toHaveLength(1);
  });
});
