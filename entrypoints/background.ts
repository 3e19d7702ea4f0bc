// Background: routes client requests to the model host. Chrome hosts models in an offscreen
// document; Firefox (no offscreen API) hosts them right here in the background page.
import { browser } from 'wxt/browser';
import { i18n } from '#i18n';
import { isBubblePort, relayBubblePort } from '@/models/background/bubble-relay';
import { installMenus } from '@/models/background/menus';
import { openPracticeTab } from '@/models/background/practice';
import { isHostIdle, OffscreenHostLink, offscreenCreations } from '@/models/background/offscreen-host';
import { DEFAULT_STALL_MS } from '@/models/background/watchdog';
import { CLIENT_PORT } from '@/models/shared/protocol';
import { type HostLink, type PortLike, Router, type RouterDeps, type RouterStats } from '@/models/background/router';

declare global {
  // Read by the e2e tests through the service worker (what was requested, cancelled, rejected).
  var sesameRouterStats: RouterStats | undefined;
  // Set by the e2e tests through the service worker: the watchdog's limit in ms (default 90 s).
  var sesameWatchdogMs: number | undefined;
}
import { loadSettings } from '@/models/shared/settings-store';
import { serial } from '@/models/background/serial';
import { wordSaver } from '@/models/background/word-saver';
import { wordListItem } from '@/models/shared/words/word-store';

export default defineBackground(() => {
  let router: Router | null = null;
  const fromHost = (m: unknown): void => void router?.fromHost(m);
  const host = import.meta.env.FIREFOX
    ? inPageHost(fromHost)
    : chromeHost(
        fromHost,
        (reason) => router?.hostLost(reason),
        () => (router?.inFlight ?? 0) === 0,
      );
  router = new Router({
    extensionId: browser.runtime.id,
    extensionOrigin: browser.runtime.getURL('/'),
    settings: loadSettings,
    log: (reason) => console.warn('Sesame:', reason),
    openPractice: openPracticeTab,
    saveWord: wordSaver({ get: () => wordListItem.getValue(), set: (list) => wordListItem.setValue(list) }, serial()),
    watchdog: { stallMs: () => globalThis.sesameWatchdogMs ?? DEFAULT_STALL_MS },
    ...host,
  });
  globalThis.sesameRouterStats = router.stats;
  browser.runtime.onConnect.addListener((port) => {
    if (port.name === CLIENT_PORT) router?.accept(port as unknown as PortLike);
    else if (isBubblePort(port.name)) {
      relayBubblePort(port as unknown as PortLike & { name: string }, {
        extensionId: browser.runtime.id,
        extensionOrigin: browser.runtime.getURL('/'),
        connectToTab: (tabId, name) => browser.tabs.connect(tabId, { name }) as unknown as PortLike,
      });
    }
  });
  installMenus((id, fallback) => i18n.t(`menu_${id}` as 'menu_sense') || fallback);
  browser.runtime.onInstalled.addListener(({ reason }) => {
    if (reason === 'install') void browser.tabs.create({ url: browser.runtime.getURL('/onboarding.html') });
  });
});

type HostSetup = Pick<RouterDeps, 'host' | 'decorateStatus' | 'restartHost'>;

function chromeHost(fromHost: (m: unknown) => void, lost: (reason: string) => void, idle: () => boolean): HostSetup {
  const link = new OffscreenHostLink({ onMessage: fromHost, onLost: lost });
  // Idle release emptied the host: closing its document is what frees the WebAssembly memory.
  browser.runtime.onMessage.addListener((message, sender) => {
    if (isHostIdle(message, sender)) void link.closeIfIdle(idle);
  });
  return {
    host: link,
    restartHost: () => link.restart(),
    decorateStatus: async (message) => {
      if (message.result.type === 'status') message.result.offscreenCreated = await offscreenCreations();
    },
  };
}

function inPageHost(fromHost: (m: unknown) => void): HostSetup {
  const host = import('@/models/host/runtime').then((m) => m.createBrowserHost('background-page'));
  const link: HostLink = { send: async (message) => void (await host).handle(message, fromHost) };
  // A hung run blocks transformers.js' inference chain in this page for good: only a new page
  // gives a new one. The stuck requests were answered; the reload drops every port, and clients
  // retry what else was in flight once.
  const restartHost = async (): Promise<void> => {
    await new Promise((resolve) => setTimeout(resolve, 250));
    location.reload();
  };
  return { host: link, restartHost };
}
