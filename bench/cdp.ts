// A minimal Chrome DevTools Protocol client for one target (Node's WebSocket: run with
// --experimental-websocket on Node 20). Playwright does not expose the extension's offscreen
// document, so the benchmark talks to it directly through --remote-debugging-port.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

interface WebSocketLike {
  send(data: string): void;
  close(): void;
  addEventListener(type: 'message', cb: (e: { data: unknown }) => void): void;
  addEventListener(type: 'open' | 'close' | 'error', cb: (e: unknown) => void): void;
}

export interface TargetInfo {
  id: string;
  type: string;
  url: string;
  webSocketDebuggerUrl: string;
}

export class Cdp {
  private next = 0;
  private readonly pending = new Map<number, { ok: (v: unknown) => void; fail: (e: Error) => void }>();
  private readonly listeners = new Map<string, ((params: Record<string, unknown>) => void)[]>();

  private constructor(private readonly ws: WebSocketLike) {
    ws.addEventListener('message', (e) => {
      const m = JSON.parse(String(e.data)) as { id?: number; method?: string; params?: Record<string, unknown>; result?: unknown; error?: { message: string } };
      if (m.id === undefined) {
        for (const cb of this.listeners.get(m.method ?? '') ?? []) cb(m.params ?? {});
        return;
      }
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if (m.error) p.fail(new Error(m.error.message));
      else p.ok(m.result);
    });
    ws.addEventListener('close', () => {
      for (const p of this.pending.values()) p.fail(new Error('CDP connection closed'));
      this.pending.clear();
    });
  }

  static connect(url: string): Promise<Cdp> {
    const WS = (globalThis as unknown as { WebSocket?: new (url: string) => WebSocketLike }).WebSocket;
    if (!WS) throw new Error('no global WebSocket: run Node with --experimental-websocket');
    const ws = new WS(url);
    return new Promise((ok, fail) => {
      ws.addEventListener('open', () => ok(new Cdp(ws)));
      ws.addEventListener('error', () => fail(new Error(`cannot connect to ${url}`)));
    });
  }

  send<T = Record<string, unknown>>(method: string, params: Record<string, unknown> = {}): Promise<T> {
    const id = ++this.next;
    this.ws.send(JSON.stringify({ id, method, params }));
    return new Promise((ok, fail) => this.pending.set(id, { ok: ok as (v: unknown) => void, fail }));
  }

  /** A command to a target attached to this (browser) connection in flat mode (`Target.setAutoAttach` with `flatten`). */
  sendTo<T = Record<string, unknown>>(sessionId: string, method: string, params: Record<string, unknown> = {}): Promise<T> {
    const id = ++this.next;
    this.ws.send(JSON.stringify({ id, method, params, sessionId }));
    return new Promise((ok, fail) => this.pending.set(id, { ok: ok as (v: unknown) => void, fail }));
  }

  on(method: string, cb: (params: Record<string, unknown>) => void): void {
    this.listeners.set(method, [...(this.listeners.get(method) ?? []), cb]);
  }

  /** Evaluates an expression (awaiting a promise) and returns its JSON value. */
  async evaluate<T>(expression: string, contextId?: number): Promise<T> {
    const r = await this.send<{ result: { value?: T }; exceptionDetails?: { text: string; exception?: { description?: string } } }>('Runtime.evaluate', {
      expression,
      awaitPromise: true,
      returnByValue: true,
      ...(contextId !== undefined ? { contextId } : {}),
    });
    if (r.exceptionDetails) throw new Error(r.exceptionDetails.exception?.description ?? r.exceptionDetails.text);
    return r.result.value as T;
  }

  close(): void {
    this.ws.close();
  }
}

/** The DevTools port Chromium picked for --remote-debugging-port=0 (written into the profile). */
export async function devtoolsPort(profile: string, timeoutMs = 15_000): Promise<number> {
  const file = join(profile, 'DevToolsActivePort');
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (existsSync(file)) {
      const port = Number(readFileSync(file, 'utf8').split('\n')[0]);
      if (port > 0) return port;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('Chromium wrote no DevToolsActivePort');
}

export async function findTarget(port: number, match: (t: TargetInfo) => boolean, timeoutMs = 15_000): Promise<TargetInfo> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const list = (await (await fetch(`http://127.0.0.1:${port}/json/list`)).json()) as TargetInfo[];
    const t = list.find(match);
    if (t) return t;
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error('target not found');
}
