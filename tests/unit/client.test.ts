import { describe, expect, it } from 'vitest';
import { request, RequestError, setConnector } from '@/models/client';
import type { PortLike } from '@/models/router';

interface FakePort {
  port: PortLike;
  sent: { kind: string; id: string }[];
  reply(message: unknown): void;
  drop(): void;
}

function connector() {
  const ports: FakePort[] = [];
  setConnector(() => {
    const listeners: ((m: unknown) => void)[] = [];
    const drops: (() => void)[] = [];
    const sent: { kind: string; id: string }[] = [];
    const port: PortLike = {
      postMessage: (m) => void sent.push(m as { kind: string; id: string }),
      onMessage: { addListener: (cb) => void listeners.push(cb) },
      onDisconnect: { addListener: (cb) => void drops.push(cb) },
      disconnect: () => undefined,
    };
    ports.push({ port, sent, reply: (m) => listeners.forEach((l) => l(m)), drop: () => drops.forEach((d) => d()) });
    return port;
  });
  return ports;
}

const status = { type: 'status', host: 'offscreen', backend: 'wasm', webgpuAdapter: false, crossOriginIsolated: true, threads: 2, hardwareConcurrency: 4, loaded: [], hostStartedAt: 0, hostStartMs: 1 };

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
