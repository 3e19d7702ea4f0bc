// Firefox's relay between the bubble's frame and its tab's content scripts: only this extension's
// bubble page, in a tab, is relayed; messages pass both ways; either side closing closes both.
import { describe, expect, it } from 'vitest';
import { isBubblePort, relayBubblePort } from '@/models/background/bubble-relay';
import type { PortLike, SenderInfo } from '@/models/shared/port';

const ORIGIN = 'moz-extension://5e5a3e00-0000-4000-8000-000000000001/';

function fakePort(name: string, sender?: SenderInfo) {
  const listeners = { message: [] as ((m: unknown) => void)[], disconnect: [] as (() => void)[] };
  const port = {
    name,
    ...(sender ? { sender } : {}),
    sent: [] as unknown[],
    disconnected: false,
    postMessage: (m: unknown) => void port.sent.push(m),
    onMessage: { addListener: (cb: (m: unknown) => void) => void listeners.message.push(cb) },
    onDisconnect: { addListener: (cb: () => void) => void listeners.disconnect.push(cb) },
    disconnect: () => void (port.disconnected = true),
    receive: (m: unknown) => listeners.message.forEach((cb) => cb(m)),
    drop: () => listeners.disconnect.forEach((cb) => cb()),
  };
  return port;
}

const frameSender = (over: Partial<SenderInfo> = {}): SenderInfo => ({
  id: 'sesame@sesame.invalid',
  url: `${ORIGIN}bubble.html?id=abc12345`,
  tab: { id: 7 },
  ...over,
});

function relay(sender: SenderInfo, name = 'sesame-bubble:abc12345') {
  const frame = fakePort(name, sender);
  const opened: { tabId: number; name: string; port: ReturnType<typeof fakePort> }[] = [];
  const ok = relayBubblePort(frame as unknown as PortLike & { name: string }, {
    extensionId: 'sesame@sesame.invalid',
    extensionOrigin: ORIGIN,
    connectToTab: (tabId, portName) => {
      const port = fakePort(portName);
      opened.push({ tabId, name: portName, port });
      return port as unknown as PortLike;
    },
  });
  return { ok, frame, opened };
}

describe('bubble relay', () => {
  it('relays the bubble page to its own tab, both ways, and closes both when either closes', () => {
    const { ok, frame, opened } = relay(frameSender());
    expect(ok).toBe(true);
    expect(opened.map(({ tabId, name }) => ({ tabId, name }))).toEqual([{ tabId: 7, name: 'sesame-bubble:abc12345' }]);
    const tab = opened[0]!.port;
    frame.receive({ kind: 'size', width: 1, height: 2 });
    tab.receive({ kind: 'done', call: 1, ok: true });
    expect(tab.sent).toEqual([{ kind: 'size', width: 1, height: 2 }]);
    expect(frame.sent).toEqual([{ kind: 'done', call: 1, ok: true }]);
    tab.drop();
    expect(frame.disconnected).toBe(true);
    frame.receive({ kind: 'size', width: 3, height: 4 });
    expect(tab.sent).toHaveLength(1);
  });

  it('refuses other senders: another extension, another page of this one, a page outside a tab, a web page', () => {
    for (const sender of [
      frameSender({ id: 'other@example' }),
      frameSender({ url: `${ORIGIN}options.html` }),
      frameSender({ url: 'https://evil.test/bubble.html' }),
      frameSender({ tab: undefined }),
      frameSender({ tab: { id: -1 } }),
    ]) {
      const { ok, frame, opened } = relay(sender);
      expect(ok, JSON.stringify(sender)).toBe(false);
      expect(frame.disconnected).toBe(true);
      expect(opened).toEqual([]);
    }
    expect(relay(frameSender(), `sesame-bubble:${'a'.repeat(80)}`).ok).toBe(false);
    expect(isBubblePort('sesame')).toBe(false);
    expect(isBubblePort('sesame-bubble:abc12345')).toBe(true);
  });
});
