// Chrome: the model host lives in one offscreen document. It is created on first need, reused,
// and re-created if it was closed; the background talks to it over one port.
import { type Browser, browser as chrome } from '@wxt-dev/browser';
import { HOST_IDLE, HOST_PORT, type HostMessage } from '../shared/protocol';
import type { HostLink, PortLike } from './router';
import { span } from '../shared/spans';

const OFFSCREEN_PATH = '/offscreen.html';
const CREATED_KEY = 'offscreenCreated';

export interface OffscreenLinkEvents {
  onMessage(message: unknown): void;
  onLost(reason: string): void;
}

export class OffscreenHostLink implements HostLink {
  private port: PortLike | null = null;
  private opening: Promise<PortLike> | null = null;
  private closing: Promise<void> | null = null;

  constructor(private readonly events: OffscreenLinkEvents) {}

  async send(message: HostMessage): Promise<void> {
    const port = await this.connect();
    port.postMessage(message);
    if (message.kind === 'run') span(`bg:sent:${message.request.type}`);
  }

  /**
   * Closes the offscreen document when nothing is asked of it (`idle()` is checked last, after
   * any connection being opened has settled); the next request creates a new one.
   */
  async closeIfIdle(idle: () => boolean): Promise<boolean> {
    await this.opening?.catch(() => undefined);
    if (this.closing || !idle()) return false;
    const port = this.port;
    this.port = null;
    port?.disconnect();
    this.closing = closeOffscreenDocument().finally(() => {
      this.closing = null;
    });
    await this.closing;
    return true;
  }

  /**
   * Closes the offscreen document whatever it is doing (the watchdog found it stuck): a hung run
   * cannot be ended from inside it. The next request creates a new one.
   */
  async restart(): Promise<void> {
    await this.opening?.catch(() => undefined);
    await this.closing;
    const port = this.port;
    this.port = null;
    port?.disconnect();
    this.closing = closeOffscreenDocument().finally(() => {
      this.closing = null;
    });
    await this.closing;
  }

  private connect(): Promise<PortLike> {
    if (this.port) return Promise.resolve(this.port);
    this.opening ??= (async () => {
      await this.closing;
      span('bg:open');
      await ensureOffscreenDocument();
      span('bg:document');
      const port = chrome.runtime.connect({ name: HOST_PORT }) as unknown as PortLike;
      port.onMessage.addListener((m) => this.events.onMessage(m));
      port.onDisconnect.addListener(() => {
        this.port = null;
        this.events.onLost('The model host stopped; it will be restarted on the next request.');
      });
      this.port = port;
      return port;
    })().finally(() => {
      this.opening = null;
    });
    return this.opening;
  }
}

let creating: Promise<void> | null = null;

export async function ensureOffscreenDocument(): Promise<void> {
  const url = chrome.runtime.getURL(OFFSCREEN_PATH);
  const existing = await chrome.runtime.getContexts({
    contextTypes: ['OFFSCREEN_DOCUMENT' as Browser.runtime.ContextType],
    documentUrls: [url],
  });
  if (existing.length > 0) return;
  creating ??= chrome.offscreen
    .createDocument({
      url: OFFSCREEN_PATH,
      reasons: ['WORKERS' as Browser.offscreen.Reason],
      justification: 'Runs the on-device language models (onnxruntime-web workers).',
    })
    .then(async () => {
      const stored = await chrome.storage.session.get(CREATED_KEY);
      await chrome.storage.session.set({ [CREATED_KEY]: (Number(stored[CREATED_KEY]) || 0) + 1 });
    })
    .finally(() => {
      creating = null;
    });
  await creating;
}

async function closeOffscreenDocument(): Promise<void> {
  await creating?.catch(() => undefined);
  const existing = await chrome.runtime.getContexts({
    contextTypes: ['OFFSCREEN_DOCUMENT' as Browser.runtime.ContextType],
    documentUrls: [chrome.runtime.getURL(OFFSCREEN_PATH)],
  });
  if (existing.length > 0) await chrome.offscreen.closeDocument().catch(() => undefined);
}

/** The offscreen host saying idle release left it empty (checked: this extension's offscreen document). */
export function isHostIdle(message: unknown, sender: Browser.runtime.MessageSender): boolean {
  return (
    (message as { kind?: unknown } | null)?.kind === HOST_IDLE.kind &&
    sender.id === chrome.runtime.id &&
    sender.url === chrome.runtime.getURL(OFFSCREEN_PATH) &&
    !sender.tab
  );
}

/** How many times this browser session created the offscreen document (diagnostics, tests). */
export async function offscreenCreations(): Promise<number> {
  const stored = await chrome.storage.session.get(CREATED_KEY);
  return Number(stored[CREATED_KEY]) || 0;
}
