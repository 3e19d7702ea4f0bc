// The model host accepts only the background: every other sender is disconnected and counted,
// malformed messages never reach the host, and a background that dies has its work cancelled.
import { describe, expect, it } from 'vitest';
import { HostGate, type HostPort, isBackground } from '@/models/host/gate';
import { HOST_PORT, type HostMessage, type ServerMessage } from '@/models/shared/protocol';
import type { SenderInfo } from '@/models/shared/port';

const ID = 'abcdefghijklmnopabcdefghijklmnop';
const BACKGROUND = `chrome-extension://${ID}/background.js`;

function fakePort(sender: SenderInfo | undefined, name = HOST_PORT) {
  const listeners: ((m: unknown) => void)[] = [];
  const drops: (() => void)[] = [];
  const posted: unknown[] = [];
  let disconnected = false;
  const port: HostPort = {
    name,
    ...(sender ? { sender } : {}),
    postMessage: (m) => {
      if (disconnected) throw new Error('Attempting to use a disconnected port object');
      posted.push(m);
    },
    onMessage: { addListener: (cb) => void listeners.push(cb) },
    onDisconnect: { addListener: (cb) => void drops.push(cb) },
    disconnect: () => void (disconnected = true),
  };
  return {
    port,
    posted,
    listening: () => listeners.length > 0,
    isDisconnected: () => disconnected,
    send: (m: unknown) => listeners.forEach((l) => l(m)),
    drop: () => {
      disconnected = true;
      drops.forEach((d) => d());
    },
  };
}

function gate() {
  const handled: HostMessage[] = [];
  const replies = new Map<string, (m: ServerMessage) => void>();
  const logged: string[] = [];
  const g = new HostGate({
    extensionId: ID,
    backgroundUrl: BACKGROUND,
    handle: (m, send) => {
      handled.push(m);
      if (m.kind === 'run') replies.set(m.id, send);
    },
    log: (r) => void logged.push(r),
  });
  return { g, handled, replies, logged };
}

const run = (id: string): HostMessage => ({
  kind: 'run',
  id,
  request: { type: 'cache.clear' },
  config: { remoteHost: 'https://huggingface.co/', idleReleaseMs: 1, preferBackend: 'auto' },
});

describe('model host gate', () => {
  it('knows the background by extension id and script URL, never a tab', () => {
    expect(isBackground({ id: ID, url: BACKGROUND }, ID, BACKGROUND)).toBe(true);
    expect(isBackground({ id: ID, url: `chrome-extension://${ID}/options.html` }, ID, BACKGROUND)).toBe(false);
    expect(isBackground({ id: 'other-extension', url: BACKGROUND }, ID, BACKGROUND)).toBe(false);
    expect(isBackground({ id: ID, url: BACKGROUND, tab: { id: 3 } }, ID, BACKGROUND)).toBe(false);
    expect(isBackground(undefined, ID, BACKGROUND)).toBe(false);
  });

  it('disconnects every other sender before it can send a thing, and counts it', () => {
    const { g, handled, logged } = gate();
    const foreign: SenderInfo[] = [
      { id: ID, url: `chrome-extension://${ID}/options.html` },
      { id: ID, url: `chrome-extension://${ID}/popup.html` },
      { id: ID, url: 'https://evil.example/', tab: { id: 7, url: 'https://evil.example/' } },
      { id: ID, url: BACKGROUND, tab: { id: 7 } },
      { id: 'someone-else', url: BACKGROUND },
      {},
    ];
    for (const sender of foreign) {
      const p = fakePort(sender);
      g.accept(p.port);
      expect(p.isDisconnected()).toBe(true);
      expect(p.listening()).toBe(false);
    }
    const anonymous = fakePort(undefined);
    g.accept(anonymous.port);
    expect(anonymous.isDisconnected()).toBe(true);
    expect(handled).toEqual([]);
    expect(g.rejected).toBe(foreign.length + 1);
    expect(logged[0]).toMatch(/rejected connection from chrome-extension:\/\/.*options\.html/);
  });

  it('ignores ports with other names (the background’s own clients)', () => {
    const { g } = gate();
    const p = fakePort({ id: ID, url: 'https://page.example/', tab: { id: 1 } }, 'sesame');
    g.accept(p.port);
    expect(p.isDisconnected()).toBe(false);
    expect(g.rejected).toBe(0);
  });

  it('passes the background’s valid messages and rejects malformed ones', () => {
    const { g, handled, replies } = gate();
    const p = fakePort({ id: ID, url: BACKGROUND });
    g.accept(p.port);
    for (const bad of [null, 'run', { kind: 'run', id: 'x' }, { ...run('a'), extra: 1 }, { kind: 'cancel', id: 'a b' }, { kind: 'eval', id: 'a' }]) p.send(bad);
    expect(handled).toEqual([]);
    expect(g.rejected).toBe(6);
    p.send(run('ok1'));
    expect(handled).toEqual([run('ok1')]);
    replies.get('ok1')!({ kind: 'result', id: 'ok1', result: { type: 'cache.clear', bytes: 0 } });
    // Refused messages with a readable id are answered with an error (see every-answer.test.ts).
    const refusal = (id: string) => ({ kind: 'error', id, error: { code: 'bad-request', message: expect.any(String) } });
    expect(p.posted).toEqual([refusal('x'), refusal('a'), refusal('a'), { kind: 'result', id: 'ok1', result: { type: 'cache.clear', bytes: 0 } }]);
  });

  it('cancels what a background that went away was waiting for', () => {
    const { g, handled, replies } = gate();
    const p = fakePort({ id: ID, url: BACKGROUND });
    g.accept(p.port);
    p.send(run('done'));
    p.send(run('open'));
    replies.get('done')!({ kind: 'error', id: 'done', error: { code: 'cancelled', message: 'Cancelled' } });
    p.drop();
    expect(handled.filter((m) => m.kind === 'cancel')).toEqual([{ kind: 'cancel', id: 'open' }]);
    // a reply for the dead port is dropped quietly
    expect(() => replies.get('open')!({ kind: 'error', id: 'open', error: { code: 'cancelled', message: 'Cancelled' } })).not.toThrow();
  });
});
