// Every request gets an answer: a setting the host would refuse (a model id pasted as a URL or
// with a space, a host URL over 500 characters or on plain http, a NaN idle time) is answered by
// the router with an error naming it, instead of being sent to a host that drops it; and the
// host's gate answers any message whose id it can read, even one it refuses.
import { describe, expect, it } from 'vitest';
import { HostGate, type HostPort } from '@/models/host/gate';
import { isAllowedModelHost, modelHostProblem } from '@/models/shared/host-url';
import { HOST_PORT, type HostMessage } from '@/models/shared/protocol';
import { type PortLike, Router } from '@/models/background/router';
import { type Settings, withDefaults } from '@/models/shared/settings';

const EXT = 'abcdefghijklmnop';
const ORIGIN = `chrome-extension://${EXT}/`;
const page = { id: EXT, url: 'https://example.com/a', tab: { id: 7, url: 'https://example.com/a' } };
const flush = () => new Promise((r) => setTimeout(r, 0));

function client(sender: PortLike['sender']) {
  const out: unknown[] = [];
  const listeners: ((m: unknown) => void)[] = [];
  const port: PortLike = {
    sender,
    postMessage: (m) => void out.push(m),
    onMessage: { addListener: (cb) => void listeners.push(cb) },
    onDisconnect: { addListener: () => undefined },
    disconnect: () => undefined,
  };
  return { port, out, send: (m: unknown) => listeners.forEach((l) => l(m)) };
}

async function ask(settings: Settings, request: Record<string, unknown>, sender: PortLike['sender'] = page) {
  const sent: HostMessage[] = [];
  const router = new Router({ extensionId: EXT, extensionOrigin: ORIGIN, settings: async () => settings, host: { send: async (m) => void sent.push(m) } });
  const c = client(sender);
  router.accept(c.port);
  c.send({ kind: 'request', id: 'q1', request });
  await flush();
  await flush();
  return { sent, out: c.out, router };
}

const sense = { type: 'sense', text: 'The bank approved the loan.', start: 4, end: 8 };

describe('the router answers what the host would refuse', () => {
  const bad: [string, Partial<Settings>][] = [
    ['a model id pasted as a URL', { models: { 'sense.en': { id: 'https://huggingface.co/Xenova/bert-base-uncased' } } }],
    ['a model id with a space', { models: { 'sense.en': { id: 'Xenova/bert base' } } }],
    ['a host URL over 500 characters', { modelHost: `https://example.com/${'a'.repeat(500)}/` }],
    ['a plain-http host that is not this machine', { modelHost: 'http://mirror.example/' }],
    ['a NaN idle time', { idleReleaseMinutes: Number.NaN }],
    ['an infinite idle time', { idleReleaseMinutes: Number.POSITIVE_INFINITY }],
  ];
  for (const [name, change] of bad) {
    it(`${name}: an error naming the setting, nothing sent to the host`, async () => {
      const { sent, out, router } = await ask(withDefaults({ modelHost: 'http://127.0.0.1:1/', ...change }), sense);
      expect(sent).toEqual([]);
      expect(out).toHaveLength(1);
      expect(out[0]).toMatchObject({
        kind: 'error',
        id: 'q1',
        error: { code: 'bad-request', message: expect.stringMatching(/setting is not valid.*options/) },
      });
      expect(router.inFlight).toBe(0);
    });
  }

  it('a download of a model id the host would refuse is answered too', async () => {
    const { sent, out } = await ask(
      withDefaults({ modelHost: 'http://127.0.0.1:1/', idleReleaseMinutes: Number.NaN }),
      { type: 'models.download', modelId: 'Xenova/gpt2' },
      { id: EXT, url: `${ORIGIN}options.html` },
    );
    expect(sent).toEqual([]);
    expect(out[0]).toMatchObject({ kind: 'error', error: { code: 'bad-request', message: expect.stringMatching(/idleReleaseMs/) } });
  });

  it('valid settings still go through (loopback http and https hosts)', async () => {
    for (const modelHost of ['http://127.0.0.1:8765/', 'http://localhost/', 'http://[::1]:99/', 'https://hf-mirror.com/']) {
      const { sent, out } = await ask(withDefaults({ modelHost }), sense);
      expect(out).toEqual([]);
      expect(sent).toHaveLength(1);
    }
  });
});

describe('model host URLs: https, or http on loopback only', () => {
  it('accepts https and loopback http, refuses the rest', () => {
    for (const ok of ['https://huggingface.co/', 'http://127.0.0.1:8765/', 'http://localhost/', 'http://LOCALHOST:1/x/', 'http://[::1]/'])
      expect(isAllowedModelHost(ok)).toBe(true);
    for (const no of [
      'http://mirror.example/',
      'http://127.0.0.1.evil.example/',
      'http://localhost.evil.example/',
      'http://localhost@evil.example/',
      'https://user:pw@huggingface.co/',
      'ftp://x/',
      'javascript:alert(1)',
      'file:///tmp/',
      'not a url',
    ]) {
      expect(isAllowedModelHost(no), no).toBe(false);
    }
    expect(modelHostProblem(`https://a.example/${'x'.repeat(500)}`)).toMatch(/500/);
  });
});

describe('the host gate answers any message whose id it can read', () => {
  const ID = 'abcdefghijklmnopabcdefghijklmnop';
  const BACKGROUND = `chrome-extension://${ID}/background.js`;

  function gatePort() {
    const handled: HostMessage[] = [];
    const g = new HostGate({ extensionId: ID, backgroundUrl: BACKGROUND, handle: (m) => void handled.push(m) });
    const posted: unknown[] = [];
    const listeners: ((m: unknown) => void)[] = [];
    const port: HostPort = {
      name: HOST_PORT,
      sender: { id: ID, url: BACKGROUND },
      postMessage: (m) => void posted.push(m),
      onMessage: { addListener: (cb) => void listeners.push(cb) },
      onDisconnect: { addListener: () => undefined },
      disconnect: () => undefined,
    };
    g.accept(port);
    return { g, handled, posted, send: (m: unknown) => listeners.forEach((l) => l(m)) };
  }

  it('a run with a config the host refuses: an error for its id, the host never sees it', () => {
    const t = gatePort();
    const config = { remoteHost: `https://example.com/${'a'.repeat(600)}`, idleReleaseMs: 1, preferBackend: 'auto' };
    t.send({ kind: 'run', id: 'long-host', request: { type: 'status' }, config });
    t.send({
      kind: 'run',
      id: 'nan-idle',
      request: { type: 'status' },
      config: { ...config, remoteHost: 'https://huggingface.co/', idleReleaseMs: Number.NaN },
    });
    t.send({
      kind: 'run',
      id: 'spaced-model',
      request: { type: 'status' },
      config: { ...config, remoteHost: 'https://huggingface.co/', model: { id: 'a b', family: 'bert', dtype: 'q8' } },
    });
    expect(t.handled).toEqual([]);
    expect(t.g.rejected).toBe(3);
    expect(t.posted).toEqual(
      ['long-host', 'nan-idle', 'spaced-model'].map((id) => ({
        kind: 'error',
        id,
        error: { code: 'bad-request', message: expect.stringMatching(/^The model host refused the request: /) },
      })),
    );
  });

  it('a message without a readable id is refused without an answer (there is no one to answer)', () => {
    const t = gatePort();
    for (const bad of [null, 'run', { kind: 'run' }, { kind: 'run', id: 'a b' }, { kind: 'run', id: 'x'.repeat(65) }]) t.send(bad);
    expect(t.posted).toEqual([]);
    expect(t.g.rejected).toBe(5);
  });
});

describe('the router answers its own failures', () => {
  it('settings that cannot be read: an internal error, not silence', async () => {
    const sent: HostMessage[] = [];
    const router = new Router({
      extensionId: EXT,
      extensionOrigin: ORIGIN,
      settings: () => Promise.reject(new Error('storage unavailable')),
      host: { send: async (m) => void sent.push(m) },
    });
    const c = client(page);
    router.accept(c.port);
    c.send({ kind: 'request', id: 'q2', request: sense });
    await flush();
    await flush();
    expect(c.out).toEqual([{ kind: 'error', id: 'q2', error: { code: 'internal', message: 'storage unavailable' } }]);
    expect(sent).toEqual([]);
    expect(router.inFlight).toBe(0);
  });
});
