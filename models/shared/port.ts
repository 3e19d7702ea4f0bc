// A runtime.Port as every context sees it, and who sent a message as the browser reports it:
// the one shape the client, the router, the host's gate and the content script share.

export interface SenderInfo {
  id?: string;
  url?: string;
  /** The frame's origin (Chrome); for about:srcdoc / about:blank frames this is the embedder's. */
  origin?: string;
  tab?: { id?: number; url?: string };
}

export interface PortLike {
  sender?: SenderInfo;
  postMessage(message: unknown): void;
  onMessage: { addListener(cb: (message: unknown) => void): void };
  onDisconnect: { addListener(cb: () => void): void };
  disconnect(): void;
}
