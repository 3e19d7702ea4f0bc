// The model host's door: it serves one kind of connection, the background's. Any other context
// of this extension (a page, a content script in a compromised tab) that opens a port named
// like the host's is disconnected, and every message is validated before the host sees it.
import { HOST_PORT, type HostMessage, hostMessage, id as messageId, parse, type ServerMessage } from '../shared/protocol';
import type { PortLike } from '../shared/port';

export interface HostPort extends PortLike {
  name: string;
}

export interface HostGateDeps {
  extensionId: string;
  /** The background service worker's script URL: the only sender accepted. */
  backgroundUrl: string;
  handle: (message: HostMessage, send: (message: ServerMessage) => void) => void;
  log?: (reason: string) => void;
}

export function isBackground(sender: PortLike['sender'], extensionId: string, backgroundUrl: string): boolean {
  return sender?.id === extensionId && sender.url === backgroundUrl && !sender.tab;
}

export class HostGate {
  /** Connections and messages refused, for diagnostics. */
  rejected = 0;

  constructor(private readonly deps: HostGateDeps) {}

  private reject(reason: string): void {
    this.rejected++;
    this.deps.log?.(reason);
  }

  accept(port: HostPort): void {
    if (port.name !== HOST_PORT) return;
    if (!isBackground(port.sender, this.deps.extensionId, this.deps.backgroundUrl)) {
      this.reject(`rejected connection from ${port.sender?.url ?? '?'}`);
      port.disconnect();
      return;
    }
    // A background that stopped (service worker killed) cannot cancel what it asked for: its port's
    // requests are cancelled here, and a restarted background asks again on a new port.
    const open = new Set<string>();
    port.onMessage.addListener((raw) => {
      const parsed = parse(hostMessage, raw);
      if (!parsed.ok) {
        this.reject(`rejected message: ${parsed.reason}`);
        // Whoever sent it waits on its id: a refusal is still an answer.
        const id = parse(messageId, (raw as { id?: unknown } | null)?.id);
        if (id.ok)
          reply({
            kind: 'error',
            id: id.value,
            error: { code: 'bad-request', message: `The model host refused the request: ${parsed.reason}`.slice(0, 2000) },
          });
        return;
      }
      const message = parsed.value;
      if (message.kind === 'run') open.add(message.id);
      this.deps.handle(message, (answer) => {
        if (answer.kind === 'result' || answer.kind === 'error') open.delete(answer.id);
        reply(answer);
      });
    });
    function reply(message: ServerMessage): void {
      try {
        port.postMessage(message);
      } catch {
        // the port closed; onDisconnect cancels the rest
      }
    }
    port.onDisconnect.addListener(() => {
      for (const id of open) this.deps.handle({ kind: 'cancel', id }, () => undefined);
      open.clear();
    });
  }
}
