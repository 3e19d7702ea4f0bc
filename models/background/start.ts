// The background's body: routes client requests to the model host. Chrome hosts models in an
// offscreen document; Firefox (no offscreen API) hosts them right here in the background page.
// entrypoints/background.ts only wires it (and hands over the in-page host, which this room may
// not import).
import { browser } from 'wxt/browser';
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
import { installLearning } from '@/models/background/learn/install-learning';
import { dictMatcher } from '@/models/background/dict-match';
import { CEDICT_GLOSS_ASSET_DIR } from '@/models/shared/dict/cedict-shards';
import { type Speaker, ttsSpeaker, webSpeechSpeaker } from '@/models/background/speech';
import { installSpeakCommand } from '@/models/background/speak-command';

/** A model host in this page (Firefox), as the entry point makes it. */
export interface InPageHost {
  handle(message: Parameters<HostLink['send']>[0], send: (m: unknown) => void): Promise<void> | void;
}

export interface BackgroundWiring {
  /** Makes the in-page host (Firefox), on first need. */
  inPageHost: () => Promise<InPageHost>;
  /** A context menu's title in the UI language, or the fallback. */
  menuTitle: (id: string, fallback: string) => string;
}

export function startBackground(wiring: BackgroundWiring): void {
  let router: Router | null = null;
  const speak = backgroundSpeaker();
  const fromHost = (m: unknown): void => void router?.fromHost(m);
  // A build-time constant: each browser's package holds only its own branch (no chrome.tts in Firefox's).
  const host = import.meta.env.FIREFOX
    ? inPageHost(wiring.inPageHost, fromHost)
    : chromeHost(
        fromHost,
        (reason) => router?.hostLost(reason),
        () => (router?.inFlight ?? 0) === 0,
      );
  const wordsInTurn = serial();
  router = new Router({
    extensionId: browser.runtime.id,
    extensionOrigin: browser.runtime.getURL('/'),
    settings: loadSettings,
    log: (reason) => console.warn('Sesame:', reason),
    openPractice: openPracticeTab,
    saveWord: wordSaver({ get: () => wordListItem.getValue(), set: (list) => wordListItem.setValue(list) }, wordsInTurn),
    learning: installLearning(wordsInTurn),
    matchWords: dictMatcher((name) =>
      fetch(browser.runtime.getURL(`/${CEDICT_GLOSS_ASSET_DIR}/${name}.json` as '/')).then((r) => {
        if (!r.ok) throw new Error(`CC-CEDICT shard ${name}: HTTP ${r.status}`);
        return r.json() as Promise<unknown>;
      }),
    ),
    watchdog: { stallMs: () => globalThis.sesameWatchdogMs ?? DEFAULT_STALL_MS },
    speak,
    ...host,
  });
  installSpeakCommand(speak, (message) => console.warn('Sesame:', message));
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
  installMenus(wiring.menuTitle);
  browser.runtime.onInstalled.addListener(({ reason }) => {
    if (reason === 'install') void browser.tabs.create({ url: browser.runtime.getURL('/onboarding.html') });
  });
}

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

function inPageHost(make: () => Promise<InPageHost>, fromHost: (m: unknown) => void): HostSetup {
  const host = make();
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

/**
 * On-device speech from the background: chrome.tts in Chrome (looked up at each call, so the e2e
 * tests can stand in for it), the Web Speech API in Firefox's background page.
 */
function backgroundSpeaker(): Speaker {
  if (import.meta.env.FIREFOX) {
    // Off when Firefox's speech synthesis is disabled (media.webspeech.synth.enabled): every request still gets an answer.
    const synth = (globalThis as { speechSynthesis?: SpeechSynthesis }).speechSynthesis;
    if (!synth) return () => Promise.reject(new Error('This browser has no speech synthesis.'));
    return webSpeechSpeaker(synth, (text) => new SpeechSynthesisUtterance(text));
  }
  return ttsSpeaker(
    {
      getVoices: (cb) => chrome.tts.getVoices(cb),
      speak: (text, options, cb) => chrome.tts.speak(text, options, cb),
    },
    () => chrome.runtime.lastError?.message,
  );
}
