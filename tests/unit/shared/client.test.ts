import { describe, expect, it } from 'vitest';
import { request, RequestError, setConnector } from '@/models/shared/client';
import type { PortLike } from '@/models/shared/port';

interface FakePort {
  port: PortLike;
  sent: { kind: string; id: string }[];
  reply(message: unknown): void;
  drop(): void;
}

/** Fake ports; those whose index `answersPings` picks answer pings as the router does. */
function connector(answersPings: (index: number) => boolean = () => false) {
  const ports: FakePort[] = [];
  setConnector(() => {
    const listeners: ((m: unknown) => void)[] = [];
    const drops: (() => void)[] = [];
    const sent: { kind: string; id: string }[] = [];
    const live = answersPings(ports.length);
    const port: PortLike = {
      postMessage: (m) => {
        const message = m as { kind: string; id: string };
        sent.push(message);
        if (live && message.kind === 'ping') queueMicrotask(() => listeners.forEach((l) => l({ kind: 'pong', id: message.id })));
      },
      onMessage: { addListener: (cb) => void listeners.push(cb) },
      onDisconnect: { addListener: (cb) => void drops.push(cb) },
      disconnect: () => undefined,
    };
    ports.push({ port, sent, reply: (m) => listeners.forEach((l) => l(m)), drop: () => drops.forEach((d) => d()) });
    return port;
  });
  return ports;
}

const status = {
  type: 'status',
  host: 'offscreen',
  backend: 'wasm',
  webgpuAdapter: false,
  crossOriginIsolated: true,
  threads: 2,
  hardwareConcurrency: 4,
  loaded: [],
  hostStartedAt: 0,
  hostStartMs: 1,
};

describe('client', () => {
  it('retries once on a new connection when the service worker goes away mid-request', async () => {
    const ports = connector();
    const pending = request({ type: 'status' });
    expect(ports).toHaveLength(1);
    ports[0]!.drop();
    expect(ports).toHaveLength(2);
    const id = ports[1]!.sent[0]!.id;
    ports[1]!.reply({ kind: 'result', id, result: status });
    await expect(pending).resolves.toMatchObject({ type: 'status', threads: 2 });
  });

  it('a port that died without a disconnect is found by its failing keep-alive ping and retried', async () => {
    const ports = connector((n) => n > 0);
    const pending = request({ type: 'status' }, { keepAliveMs: 5 });
    const dead = ports[0]!.port;
    dead.postMessage = () => {
      throw new Error('Attempting to use a disconnected port object');
    };
    await expect.poll(() => ports.length).toBe(2);
    const id = ports[1]!.sent[0]!.id;
    ports[1]!.reply({ kind: 'result', id, result: status });
    await expect(pending).resolves.toMatchObject({ type: 'status' });
  });

  it('a port that takes pings but never answers (a stopped worker that kept its ports) is dropped and retried', async () => {
    const ports = connector((n) => n > 0);
    const pending = request({ type: 'status' }, { keepAliveMs: 5 });
    await expect.poll(() => ports.length).toBe(2);
    expect(ports[0]!.sent.map((m) => m.kind)).toEqual(['request', 'ping']);
    const id = ports[1]!.sent[0]!.id;
    ports[1]!.reply({ kind: 'result', id, result: status });
    await expect(pending).resolves.toMatchObject({ type: 'status' });
  });

  it('a port that answers its pings is kept however long the work takes', async () => {
    const ports = connector(() => true);
    const pending = request({ type: 'status' }, { keepAliveMs: 5 });
    const first = ports[0]!;
    const id = first.sent[0]!.id;
    await expect.poll(() => first.sent.filter((m) => m.kind === 'ping').length).toBeGreaterThan(3);
    expect(ports).toHaveLength(1);
    expect(first.sent.filter((m) => m.kind === 'ping').length).toBeGreaterThan(3);
    first.reply({ kind: 'result', id, result: status });
    await expect(pending).resolves.toMatchObject({ type: 'status' });
  });

  it('with no retry left, a dead port fails the request clearly instead of hanging', async () => {
    const ports = connector();
    const pending = request({ type: 'status' }, { retries: 0, keepAliveMs: 5 });
    ports[0]!.port.postMessage = () => {
      throw new Error('Extension context invalidated.');
    };
    await expect(pending).rejects.toThrow(/restarted while working/);
  });

  it('fails clearly after the retry is used up', async () => {
    const ports = connector();
    const pending = request({ type: 'status' });
    ports[0]!.drop();
    ports[1]!.drop();
    await expect(pending).rejects.toThrow(/restarted/);
  });

  it('ignores malformed or foreign messages and sends cancel on abort', async () => {
    const ports = connector();
    const abort = new AbortController();
    const pending = request({ type: 'complete', prompt: 'Hi', maxNewTokens: 4 }, { signal: abort.signal });
    const id = ports[0]!.sent[0]!.id;
    ports[0]!.reply({ kind: 'result', id: 'someone-else', result: status });
    ports[0]!.reply({ kind: 'partial', id, partial: { index: 0, delta: 3 } });
    abort.abort();
    await expect(pending).rejects.toBeInstanceOf(RequestError);
    expect(ports[0]!.sent.map((m) => m.kind)).toEqual(['request', 'cancel']);
  });

  it('delivers streamed partials in order and rejects a result of the wrong type', async () => {
    const ports = connector();
    const deltas: string[] = [];
    const pending = request({ type: 'sense', text: 'a bank', start: 2, end: 6 }, { onPartial: (p) => deltas.push(p.delta) });
    const id = ports[0]!.sent[0]!.id;
    ports[0]!.reply({ kind: 'partial', id, partial: { index: 0, delta: 'a' } });
    ports[0]!.reply({ kind: 'partial', id, partial: { index: 0, delta: 'b' } });
    ports[0]!.reply({ kind: 'result', id, result: status });
    await expect(pending).rejects.toThrow(/Expected a sense result/);
    expect(deltas).toEqual(['a', 'b']);
  });
});
