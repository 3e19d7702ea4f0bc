// Client side of the protocol, used by the content script, popup and options page.
// One port per request: disconnecting cancels it, and a port that drops without an answer
// (the service worker was stopped or restarted) is retried once on a new port. A drop is seen
// through onDisconnect, or by the keep-alive: the background answers every ping, and a port
// that stays silent for a whole interval after one is dead. (Chromium does not always fire
// onDisconnect when it stops a worker that it had restarted for a port.)
import {
  CLIENT_PORT,
  type ErrorInfo,
  parse,
  type Partial,
  type Progress,
  type Update,
  type RequestOf,
  type RequestType,
  type ResultOf,
  serverMessage,
} from './protocol';
import { span } from './spans';
import type { PortLike } from './port';

export type Connect = (name: string) => PortLike;

export interface RequestOptions {
  onProgress?: (progress: Progress) => void;
  onPartial?: (partial: Partial) => void;
  onUpdate?: (update: Update) => void;
  signal?: AbortSignal;
  /** Re-sends after a dropped connection; tools are idempotent so this is safe. */
  retries?: number;
  /** How often to ping; a port silent for this long after a ping counts as dropped. */
  keepAliveMs?: number;
}

export class RequestError extends Error {
  constructor(readonly info: ErrorInfo) {
    super(info.message);
    this.name = 'RequestError';
  }
}

let connect: Connect | null = null;
export function setConnector(c: Connect): void {
  connect = c;
}

let counter = 0;
function newId(): string {
  counter = (counter + 1) % 1e9;
  return `${Date.now().toString(36)}-${counter.toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}

export function request<T extends RequestType>(req: RequestOf<T>, options: RequestOptions = {}): Promise<ResultOf<T>> {
  if (!connect) throw new Error('setConnector was not called');
  const open = connect;
  const retries = options.retries ?? 1;
  return new Promise<ResultOf<T>>((resolve, reject) => {
    const attempt = (left: number): void => {
      const id = newId();
      let settled = false;
      let port: PortLike;
      try {
        port = open(CLIENT_PORT);
      } catch (error) {
        reject(new RequestError({ code: 'host-unavailable', message: String(error) }));
        return;
      }
      let silent = false;
      const keepAlive = setInterval(() => {
        if (silent) return dropped();
        silent = true;
        try {
          port.postMessage({ kind: 'ping', id });
        } catch {
          dropped();
        }
      }, options.keepAliveMs ?? 5_000);
      const finish = (): void => {
        settled = true;
        clearInterval(keepAlive);
        options.signal?.removeEventListener('abort', onAbort);
        try {
          port.disconnect();
        } catch {
          // already gone
        }
      };
      const onAbort = (): void => {
        if (settled) return;
        try {
          port.postMessage({ kind: 'cancel', id });
        } catch {
          // port already closed
        }
        finish();
        reject(new RequestError({ code: 'cancelled', message: 'Cancelled' }));
      };
      port.onMessage.addListener((raw) => {
        if (settled) return;
        const parsed = parse(serverMessage, raw);
        if (!parsed.ok || parsed.value.id !== id) return;
        const message = parsed.value;
        silent = false;
        if (message.kind === 'pong') return;
        if (message.kind === 'progress') options.onProgress?.(message.progress);
        else if (message.kind === 'partial') options.onPartial?.(message.partial);
        else if (message.kind === 'update') options.onUpdate?.(message.update);
        else if (message.kind === 'error') {
          finish();
          if (message.error.code === 'host-unavailable' && left > 0) attempt(left - 1);
          else reject(new RequestError(message.error));
        } else if (message.result.type !== req.type) {
          finish();
          reject(new RequestError({ code: 'internal', message: `Expected a ${req.type} result` }));
        } else {
          finish();
          resolve(message.result as ResultOf<T>);
        }
      });
      function dropped(): void {
        if (settled) return;
        finish();
        if (left > 0 && !options.signal?.aborted) attempt(left - 1);
        else reject(new RequestError({ code: 'host-unavailable', message: 'Sesame restarted while working; please try again.' }));
      }
      port.onDisconnect.addListener(dropped);
      if (options.signal?.aborted) {
        onAbort();
        return;
      }
      options.signal?.addEventListener('abort', onAbort);
      try {
        port.postMessage({ kind: 'request', id, request: req });
        span(`client:sent:${req.type}`);
      } catch {
        dropped();
      }
    };
    attempt(retries);
  });
}
