// The background router: accepts client ports from this extension's pages and content scripts,
// validates every message, adds the host config from settings, and relays to the model host.
// Browser APIs are injected, so the routing rules are tested in Node.
import {
  clientMessage,
  hostConfig,
  type HostConfig,
  type HostMessage,
  isLearningRequest,
  type LearningRequestType,
  type Lang,
  parse,
  type RequestOf,
  type RequestType,
  serverMessage,
  type ServerMessage,
  type ToolRequest,
} from '../shared/protocol';
import type { PortLike, SenderInfo } from '../shared/port';
import { DEFAULT_STALL_MS, Watchdog, type WatchdogDeps } from './watchdog';
import { RATE_LIMIT_MESSAGE, RequestBudget } from './request-budget';
import { findEntry, guessFamily, type Tool } from '../shared/registry';
import { hostConfigFor, isAnySiteDisabled, type Settings, siteOf } from '../shared/settings';
import { isPageToolRequest, requestLang, toolOfRequest, type ToolRequestOf } from '../shared/tools';
import type { WordEntry } from '../shared/words/word-list';
import type { LearningHandler } from './learn/learning';
import { learningErrorInfo } from './learn/learning-error';
import type { Speaker } from './speech';
import { span } from '../shared/spans';

export type SenderKind = 'extension-page' | 'content-script';

/** Who is talking: one of our pages, one of our content scripts, or nobody we accept. */
export function classifySender(sender: SenderInfo, extensionId: string, extensionOrigin: string): SenderKind | null {
  if (sender.id !== extensionId) return null;
  if (sender.url?.startsWith(extensionOrigin)) return 'extension-page';
  if (!sender.tab) return null;
  const url = sender.url ?? sender.tab.url ?? '';
  if (/^(https?|file):/.test(url)) return 'content-script';
  if (/^about:(blank|srcdoc)$/.test(url) && /^(https?|file):/.test(sender.origin ?? '')) return 'content-script';
  return null;
}

/** Content scripts live in pages we do not control: the tools' page requests, a practice tab, a saved word. */
const mayComeFromPage = (type: RequestType): boolean =>
  isPageToolRequest(type) ||
  type === 'practice.open' ||
  type === 'words.save' ||
  type === 'anki.add' ||
  type === 'anki.canAdd' ||
  type === 'dict.match' ||
  type === 'speak';

export type { PortLike, SenderInfo };

export interface HostLink {
  send(message: HostMessage): Promise<void>;
}

export interface RouterDeps {
  extensionId: string;
  extensionOrigin: string;
  settings: () => Promise<Settings>;
  host: HostLink;
  /** Extra diagnostics the router adds to a status result (e.g. offscreen creations). */
  decorateStatus?: (result: ServerMessage & { kind: 'result' }) => Promise<void>;
  log?: (reason: string) => void;
  /** Keeps a passage for the practice page and opens it in a tab; returns the passage id. */
  openPractice?: (passage: { text: string; url: string; lang?: Lang }) => Promise<string>;
  /**
   * Recreates a host that made no progress (background/watchdog.ts): closes and reopens the
   * offscreen document; on Firefox, reloads the page the host runs in.
   */
  restartHost?: (reason: string) => Promise<void>;
  /** Saves a word in the list, one save at a time (words/word-saver.ts); resolves to the list's length. */
  saveWord?: (entry: WordEntry) => Promise<number>;
  /** Answers Anki, review and backup requests (background/learn/learning.ts). */
  learning?: LearningHandler;
  /** The longest dictionary word at each position of a text (background/dict-match.ts), for hover lookup. */
  matchWords?: (text: string) => Promise<number[]>;
  /** Speaks with an on-device voice (background/speech.ts); resolves to the voice, null when there is none. */
  speak?: Speaker;
  /** The watchdog's limit and, for tests, its clock and timers. */
  watchdog?: Partial<Omit<WatchdogDeps, 'busy' | 'onStall'>>;
  /** Requests content scripts may send per tab (default: TAB_BUDGET). */
  budget?: RequestBudget;
}

/** How many refusal reasons the router keeps (the count goes on). */
export const REJECTED_KEPT = 50;

interface Pending {
  port: PortLike;
  tool: Tool | null;
  fieldKey?: string;
}

/** Counts of what the router saw: diagnostics for the user and assertions for tests. */
export interface RouterStats {
  requests: Partial<Record<RequestType, number>>;
  /** The same, sent by content scripts only: what a page could set off. */
  pageRequests: Partial<Record<RequestType, number>>;
  cancelled: number;
  rejected: number;
  /** Times the watchdog restarted a host that made no progress. */
  hostRestarts: number;
  /** Content-script requests refused because their tab's budget was spent. */
  limited?: number;
}

export class Router {
  private readonly pending = new Map<string, Pending>();
  /** The last REJECTED_KEPT refusal reasons (sender origins, never full URLs). */
  readonly rejected: string[] = [];
  readonly stats: RouterStats = { requests: {}, pageRequests: {}, cancelled: 0, rejected: 0, hostRestarts: 0 };
  private readonly watchdog: Watchdog;
  private readonly budget: RequestBudget;

  constructor(private readonly deps: RouterDeps) {
    this.budget = deps.budget ?? new RequestBudget();
    this.watchdog = new Watchdog({
      stallMs: () => DEFAULT_STALL_MS,
      ...deps.watchdog,
      busy: () => this.pending.size > 0,
      onStall: (silentMs) => this.stalled(silentMs),
    });
  }

  private reject(reason: string): void {
    this.rejected.push(reason.slice(0, 300));
    if (this.rejected.length > REJECTED_KEPT) this.rejected.splice(0, this.rejected.length - REJECTED_KEPT);
    this.stats.rejected++;
    this.deps.log?.(`rejected: ${reason}`);
  }

  /** A client connected on the "sesame" port. */
  accept(port: PortLike): void {
    const kind = port.sender ? classifySender(port.sender, this.deps.extensionId, this.deps.extensionOrigin) : null;
    if (!kind) {
      this.reject(`port from unknown sender ${originOf(port.sender?.url)}`);
      port.disconnect();
      return;
    }
    const mine = new Set<string>();
    port.onMessage.addListener((raw) => {
      const parsed = parse(clientMessage, raw);
      if (!parsed.ok) {
        this.reject(parsed.reason);
        const id = typeof (raw as { id?: unknown })?.id === 'string' ? (raw as { id: string }).id.slice(0, 64) : 'invalid';
        port.postMessage({ kind: 'error', id, error: { code: 'bad-request', message: parsed.reason } });
        return;
      }
      const message = parsed.value;
      if (message.kind === 'ping') return port.postMessage({ kind: 'pong', id: message.id });
      if (message.kind === 'cancel') {
        if (mine.has(message.id)) void this.cancel(message.id);
        return;
      }
      if (kind === 'content-script' && !mayComeFromPage(message.request.type)) {
        this.reject(`content script may not send ${message.request.type}`);
        port.postMessage({ kind: 'error', id: message.id, error: { code: 'bad-request', message: 'Not allowed here' } });
        return;
      }
      if (kind === 'content-script' && !this.budget.take(`tab:${port.sender?.tab?.id ?? '?'}`)) {
        this.stats.limited = (this.stats.limited ?? 0) + 1;
        port.postMessage({ kind: 'error', id: message.id, error: { code: 'rate-limited', message: RATE_LIMIT_MESSAGE } });
        return;
      }
      if (this.pending.has(message.id)) {
        this.reject(`duplicate request id ${message.id}`);
        return;
      }
      mine.add(message.id);
      this.stats.requests[message.request.type] = (this.stats.requests[message.request.type] ?? 0) + 1;
      if (kind === 'content-script') this.stats.pageRequests[message.request.type] = (this.stats.pageRequests[message.request.type] ?? 0) + 1;
      void this.route(port, kind, message.id, message.request).catch((error: unknown) => {
        // Settings that cannot be read, a failure of the background's own: still an answer.
        this.pending.delete(message.id);
        post(port, { kind: 'error', id: message.id, error: { code: 'internal', message: String((error as Error)?.message ?? error).slice(0, 2000) } });
      });
    });
    port.onDisconnect.addListener(() => {
      for (const id of mine) if (this.pending.has(id)) void this.cancel(id);
    });
  }

  private async route(port: PortLike, kind: SenderKind, id: string, request: ToolRequest): Promise<void> {
    span(`bg:request:${request.type}`);
    const settings = await this.deps.settings();
    if (kind === 'content-script' && isAnySiteDisabled(settings, siteUrlsOf(port.sender))) {
      port.postMessage({ kind: 'error', id, error: { code: 'disabled', message: 'Sesame is turned off on this site.' } });
      return;
    }
    if (request.type === 'practice.open') return this.openPractice(port, kind, id, request);
    if (request.type === 'words.save') return this.saveWord(port, kind, id, request);
    if (isLearningRequest(request.type)) return this.learn(port, id, request as RequestOf<LearningRequestType>);
    if (request.type === 'dict.match') return this.matchWords(port, id, request);
    if (request.type === 'speak') return this.speak(port, id, request);
    const tool = toolOfRequest(request.type);
    const fieldKey = request.type === 'complete' && request.fieldKey ? `${port.sender?.tab?.id ?? 'page'}:${request.fieldKey}` : undefined;
    if (fieldKey) this.supersede(fieldKey);
    let config: HostConfig;
    try {
      config = hostConfigFor(settings, tool, tool ? requestLang(request as ToolRequestOf) : undefined);
      if (request.type === 'models.download' || request.type === 'models.files') {
        config.model = {
          id: request.modelId,
          family: request.family ?? findEntry(request.modelId)?.family ?? guessFamily(request.modelId),
          dtype: settings.dtype,
        };
      }
    } catch (error) {
      port.postMessage({ kind: 'error', id, error: { code: 'bad-request', message: String((error as Error).message) } });
      return;
    }
    if (kind === 'content-script') config.site = partitionOf(port.sender);
    // The host refuses a config its validators reject: checked here with the same ones, so a bad
    // setting is an answer naming it, not a request the host drops and the client waits on forever.
    const checked = parse(hostConfig, config);
    if (!checked.ok) {
      this.reject(`invalid settings: ${checked.reason}`);
      port.postMessage({
        kind: 'error',
        id,
        error: { code: 'bad-request', message: `A setting is not valid (${checked.reason.slice(0, 300)}); fix it in Sesame's options.` },
      });
      return;
    }
    this.watchdog.started(this.pending.size === 0);
    this.pending.set(id, { port, tool, ...(fieldKey ? { fieldKey } : {}) });
    try {
      await this.deps.host.send({ kind: 'run', id, request, config });
    } catch (error) {
      this.pending.delete(id);
      port.postMessage({
        kind: 'error',
        id,
        error: { code: 'host-unavailable', message: `The model host could not be reached: ${(error as Error).message}` },
      });
    }
  }

  /** Answered here: the page text goes to session storage, never into the tab's URL. */
  private async openPractice(port: PortLike, kind: SenderKind, id: string, request: RequestOf<'practice.open'>): Promise<void> {
    // A content script's page is what its port says, not what it claims.
    const url = (kind === 'content-script' ? (port.sender?.url ?? port.sender?.tab?.url) : request.url) ?? '';
    try {
      if (!this.deps.openPractice) throw new Error('Practice is not available here.');
      const passage = await this.deps.openPractice({
        text: request.text,
        url: url.slice(0, 4000),
        ...(request.lang ? { lang: request.lang } : {}),
        ...(request.focus ? { focus: request.focus } : {}),
      });
      port.postMessage({ kind: 'result', id, result: { type: 'practice.open', id: passage } });
    } catch (error) {
      port.postMessage({ kind: 'error', id, error: { code: 'internal', message: String((error as Error)?.message ?? error).slice(0, 2000) } });
    }
  }

  /** Answered here: content scripts never write extension storage; the background saves for them, in turn. */
  private async saveWord(port: PortLike, kind: SenderKind, id: string, request: RequestOf<'words.save'>): Promise<void> {
    // A content script's page is what its port says, not what it claims.
    const url = kind === 'content-script' ? (siteUrlsOf(port.sender)[0] ?? '') : request.entry.url;
    try {
      if (!this.deps.saveWord) throw new Error('Saving words is not available here.');
      const count = await this.deps.saveWord({ ...request.entry, url: url.slice(0, 4000) });
      post(port, { kind: 'result', id, result: { type: 'words.save', count } });
    } catch (error) {
      post(port, { kind: 'error', id, error: { code: 'internal', message: String((error as Error)?.message ?? error).slice(0, 2000) } });
    }
  }

  /** Answered here, never by the model host: Anki over loopback, the review state, the backup file. */
  private async learn(port: PortLike, id: string, request: RequestOf<LearningRequestType>): Promise<void> {
    try {
      if (!this.deps.learning) throw new Error('Anki and review are not available here.');
      post(port, { kind: 'result', id, result: await this.deps.learning(request) });
    } catch (error) {
      post(port, { kind: 'error', id, error: learningErrorInfo(error) });
    }
  }

  /** Answered here from the bundled dictionary: no model, no host. */
  private async matchWords(port: PortLike, id: string, request: RequestOf<'dict.match'>): Promise<void> {
    try {
      if (!this.deps.matchWords) throw new Error('The dictionary is not available here.');
      const lengths = await this.deps.matchWords(request.text);
      post(port, { kind: 'result', id, result: { type: 'dict.match', lengths } });
    } catch (error) {
      post(port, { kind: 'error', id, error: { code: 'internal', message: String((error as Error)?.message ?? error).slice(0, 2000) } });
    }
  }

  /** Answered here: the background alone speaks, with an on-device voice or not at all. */
  private async speak(port: PortLike, id: string, request: RequestOf<'speak'>): Promise<void> {
    try {
      if (!this.deps.speak) throw new Error('Speech is not available in this browser.');
      const voice = await this.deps.speak(request.text, request.lang);
      post(port, { kind: 'result', id, result: { type: 'speak', voice: voice === null ? null : voice.slice(0, 200) } });
    } catch (error) {
      post(port, { kind: 'error', id, error: { code: 'internal', message: String((error as Error)?.message ?? error).slice(0, 2000) } });
    }
  }

  /** Only the latest completion of a text field is computed: older ones are cancelled. */
  private supersede(fieldKey: string): void {
    for (const [id, p] of this.pending) if (p.tool === 'complete' && p.fieldKey === fieldKey) void this.cancel(id);
  }

  private async cancel(id: string): Promise<void> {
    const p = this.pending.get(id);
    if (!p) return;
    this.pending.delete(id);
    this.stats.cancelled++;
    p.port.postMessage({ kind: 'error', id, error: { code: 'cancelled', message: 'Cancelled' } });
    await this.deps.host.send({ kind: 'cancel', id }).catch(() => undefined);
  }

  /** A message from the model host. */
  async fromHost(raw: unknown): Promise<void> {
    const parsed = parse(serverMessage, raw);
    if (!parsed.ok) {
      this.reject(`from host: ${parsed.reason}`);
      return;
    }
    const message = parsed.value;
    if (message.kind === 'update') span('bg:update');
    this.watchdog.progress();
    const p = this.pending.get(message.id);
    if (!p) return; // cancelled or superseded: drop stale output
    if (message.kind === 'result' || message.kind === 'error') this.pending.delete(message.id);
    if (message.kind === 'result' && message.result.type === 'status') await this.deps.decorateStatus?.(message);
    try {
      p.port.postMessage(message);
    } catch {
      // The client went away; its disconnect handler cancels the rest.
    }
  }

  /** The host went away (offscreen document closed or crashed): fail what it was doing. */
  hostLost(reason: string): void {
    this.watchdog.stop();
    for (const [id, p] of this.pending) {
      this.pending.delete(id);
      post(p.port, { kind: 'error', id, error: { code: 'host-unavailable', message: reason } });
    }
  }

  /**
   * The host made no progress for too long: what it was doing is answered with an error (not
   * "unavailable": the client would send the same work to the new host and wait again) and the
   * host is recreated, so the next request works.
   */
  private stalled(silentMs: number): void {
    const message = `The model host stopped responding (no progress for ${Math.round(silentMs / 1000)} s) and was restarted. Please try again.`;
    this.stats.hostRestarts++;
    this.deps.log?.(`watchdog: ${message}`);
    for (const [id, p] of this.pending) {
      this.pending.delete(id);
      post(p.port, { kind: 'error', id, error: { code: 'inference', message } });
    }
    void this.deps.restartHost?.(message).catch((error: unknown) => this.deps.log?.(`restarting the host failed: ${String(error)}`));
  }

  get inFlight(): number {
    return this.pending.size;
  }
}

function post(port: PortLike, message: ServerMessage): void {
  try {
    port.postMessage(message);
  } catch {
    // the client went away
  }
}

/** A sender's origin for the log: never its full URL (paths and queries can hold private data). */
export function originOf(url: string | undefined): string {
  if (!url) return '?';
  try {
    const origin = new URL(url).origin;
    return origin === 'null' ? new URL(url).protocol : origin;
  } catch {
    return '?';
  }
}

/**
 * The cache partition of a content script's request: its tab's top-level site, from the sender
 * the browser reports (never from the message), so one site cannot probe what was computed for another.
 */
function partitionOf(sender: SenderInfo | undefined): string {
  const url = sender?.tab?.url ?? sender?.origin ?? sender?.url;
  return (siteOf(url) ?? 'unknown').slice(0, 300);
}

/**
 * The URLs that decide per-site settings: the frame's own (an about:srcdoc frame belongs to its
 * embedder's site) and the tab's top-level page, so a frame inside a switched-off site is off too.
 */
function siteUrlsOf(sender: SenderInfo | undefined): (string | undefined)[] {
  if (!sender) return [];
  const own = sender.url && !sender.url.startsWith('about:') ? sender.url : (sender.origin ?? sender.tab?.url);
  return [own, sender.tab?.url];
}
