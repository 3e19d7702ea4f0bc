// Firefox gives an extension frame inside a web page no `tabs` API, so the bubble's frame cannot
// open a port to its tab's content scripts itself: it connects here, and the background opens that
// port for it (`tabs.connect`, to the frame's own tab) and passes messages both ways. Only this
// extension's bubble page, in a tab, is relayed; Chrome's frame connects directly.
import type { PortLike, SenderInfo } from '../shared/port';
import { BUBBLE_PORT_PREFIX } from '../shared/protocol';

const BUBBLE_PATH = '/bubble.html';

export interface RelayDeps {
  extensionId: string;
  extensionOrigin: string;
  connectToTab(tabId: number, name: string): PortLike;
}

function bubbleTab(sender: SenderInfo | undefined, deps: RelayDeps): number | null {
  if (sender?.id !== deps.extensionId || !sender.url?.startsWith(deps.extensionOrigin)) return null;
  if (new URL(sender.url).pathname !== BUBBLE_PATH) return null;
  return typeof sender.tab?.id === 'number' && sender.tab.id >= 0 ? sender.tab.id : null;
}

/** Whether `name` is a bubble port (the id after the prefix is checked by the content script). */
export function isBubblePort(name: string): boolean {
  return name.startsWith(BUBBLE_PORT_PREFIX) && name.length <= BUBBLE_PORT_PREFIX.length + 64;
}

/** Relays one bubble frame's port to its tab; anything else is disconnected. */
export function relayBubblePort(frame: PortLike & { name: string }, deps: RelayDeps): boolean {
  const tabId = bubbleTab(frame.sender, deps);
  if (tabId === null || !isBubblePort(frame.name)) {
    frame.disconnect();
    return false;
  }
  const tab = deps.connectToTab(tabId, frame.name);
  let open = true;
  const end = (): void => {
    if (!open) return;
    open = false;
    for (const port of [frame, tab]) {
      try {
        port.disconnect();
      } catch {
        // already closed
      }
    }
  };
  const pass = (to: PortLike) => (message: unknown) => {
    try {
      if (open) to.postMessage(message);
    } catch {
      end();
    }
  };
  frame.onMessage.addListener(pass(tab));
  tab.onMessage.addListener(pass(frame));
  frame.onDisconnect.addListener(end);
  tab.onDisconnect.addListener(end);
  return true;
}
