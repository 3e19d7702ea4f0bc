import { describe, expect, it } from 'vitest';
import type { HostMessage } from '@/models/shared/protocol';
import { classifySender, type PortLike, Router } from '@/models/background/router';
import { withDefaults } from '@/models/shared/settings';

const EXT = 'abcdefghijklmnop';
const ORIGIN = `chrome-extension://${EXT}/`;

function fakePort(sender: PortLike['sender']) {
  const out: unknown[] = [];
  const listeners: ((m: unknown) => void)[] = [];
  const disconnects: (() => void)[] = [];
  let disconnected = false;
  const port: PortLike = {
    sender,
    postMessage: (m) => void out.push(m),
    onMessage: { addListener: (cb) => void listeners.push(cb) },
    onDisconnect: { addListener: (cb) => void disconnects.push(cb) },
    disconnect: () => void (disconnected = true),
  };
  return {
    port,
    out,
    send: (m: unknown) => listeners.forEach((l) => l(m)),
    drop: () => disconnects.forEach((d) => d()),
    get disconnected() {
      return disconnected;
    },
  };
}

function setup(settings = withDefaults({ modelHost: 'http://127.0.0.1:1/' })) {
  const sent: HostMessage[] = [];
  const router = new Router({
    extensionId: EXT,
    extensionOrigin: ORIGIN,
    settings: async () => settings,
    host: { send: async (m) => void sent.push(m) },
  });
  return { router, sent };
}

const page = { id: EXT, url: 'https://example.com/a', tab: { id: 7, url: 'https://example.com/a' } };
const flush = () => new Promise((r) => setTimeout(r, 0));

describe('sender checks', () => {
  it('tells our pages from our content scripts and rejects everyone else', () => {
    expect(classifySender({ id: EXT, url: `${ORIGIN}popup.html` }, EXT, ORIGIN)).toBe('extension-page');
    expect(classifySender(page, EXT, ORIGIN)).toBe('content-script');
    expect(classifySender({ ...page, id: 'other' }, EXT, ORIGIN)).toBeNull();
    expect(classifySender({ id: EXT, url: 'https://evil.example/' }, EXT, ORIGIN)).toBeNull();
    expect(classifySender({ id: EXT, url: 'chrome-extension://other/x.html' }, EXT, ORIGIN)).toBeNull();
    const srcdoc = { id: EXT, url: 'about:srcdoc', tab: { id: 7 } };
    expect(classifySender({ ...srcdoc, origin: 'https://example.com' }, EXT, ORIGIN)).toBe('content-script');
    expect(classifySender({ ...srcdoc, origin: 'null' }, EXT, ORIGIN)).toBeNull();
  });

  it('disconnects unknown senders and logs why', () => {
    const { router } = setup();
    const p = fakePort({ id: 'intruder', url: 'https://evil.example/' });
    router.accept(p.port);
    expect(p.disconnected).toBe(true);
    expect(router.rejected[0]).toContain('unknown sender');
  });
});

describe('routing', () => {
  it('adds the host config for the tool and language and relays results', async () => {
    const { router, sent } = setup();
    const p = fakePort(page);
    router.accept(p.port);
    p.send({ kind: 'request', id: 'r1', request: { type: 'sense', text: '我去银行存钱', start: 2, end: 4 } });
    await flush();
    expect(sent).toHaveLength(1);
    const run = sent[0]!;
    expect(run.kind).toBe('run');
    if (run.kind === 'run') {
      expect(run.config.model).toEqual({ id: 'Xenova/ernie-3.0-base-zh', family: 'ernie', dtype: 'q8' });
      expect(run.config.remoteHost).toBe('http://127.0.0.1:1/');
    }
    await router.fromHost({ kind: 'progress', id: 'r1', progress: { model: 'a/b', file: 'x', status: 'progress', loaded: 1, total: 2 } });
    await router.fromHost({ kind: 'result', id: 'r1', result: { type: 'sense', word: '银行', lang: 'zh', model: 'a/b', backend: 'wasm', substitutes: [] } });
    await router.fromHost({ kind: 'result', id: 'r1', result: { type: 'sense', word: 'late', lang: 'zh', model: 'a/b', backend: 'wasm', substitutes: [] } });
    expect(p.out.map((m) => (m as { kind: string }).kind)).toEqual(['progress', 'result']);
    expect(router.inFlight).toBe(0);
  });

  it('rejects invalid messages with a reason, and content scripts asking for privileged requests', async () => {
    const { router, sent } = setup();
    const p = fakePort(page);
    router.accept(p.port);
    p.send({ kind: 'request', id: 'r1', request: { type: 'cache.clear' } });
    p.send({ kind: 'request', id: 'r2', request: { type: 'sense', text: 'x', start: 0 } });
    p.send('<img src=x onerror=alert(1)>');
    await flush();
    expect(sent).toEqual([]);
    expect(router.rejected).toHaveLength(3);
    expect(p.out).toHaveLength(3);
    expect((p.out[0] as { error: { code: string } }).error.code).toBe('bad-request');
  });

  it('refuses tools on disabled sites', async () => {
    const { router, sent } = setup(withDefaults({ disabledSites: ['example.com'] }));
    const p = fakePort(page);
    router.accept(p.port);
    p.send({ kind: 'request', id: 'r1', request: { type: 'sense', text: 'the bank', start: 4, end: 8 } });
    await flush();
    expect(sent).toEqual([]);
    expect((p.out[0] as { error: { code: string } }).error.code).toBe('disabled');
  });

  it('cancels in-flight work when the client disconnects or sends cancel', async () => {
    const { router, sent } = setup();
    const p = fakePort(page);
    router.accept(p.port);
    p.send({ kind: 'request', id: 'r1', request: { type: 'sense', text: 'the bank', start: 4, end: 8 } });
    p.send({ kind: 'request', id: 'r2', request: { type: 'sense', text: 'the bank', start: 4, end: 8 } });
    await flush();
    p.send({ kind: 'cancel', id: 'r1' });
    await flush();
    p.drop();
    await flush();
    expect(sent.filter((m) => m.kind === 'cancel').map((m) => m.id)).toEqual(['r1', 'r2']);
    expect(router.inFlight).toBe(0);
  });

  it('answers every ping with a pong, so a client can tell a live port from a dead one', async () => {
    const { router, sent } = setup();
    const p = fakePort(page);
    router.accept(p.port);
    p.send({ kind: 'ping', id: 'r9' });
    p.send({ kind: 'ping', id: 'not valid!' });
    expect(p.out[0]).toEqual({ kind: 'pong', id: 'r9' });
    expect(p.out[1]).toMatchObject({ kind: 'error', error: { code: 'bad-request' } });
    expect(sent).toEqual([]);
  });

  it('computes only the latest completion of a field', async () => {
    const { router, sent } = setup();
    const p = fakePort(page);
    router.accept(p.port);
    for (let i = 0; i < 50; i++) {
      p.send({ kind: 'request', id: `c${i}`, request: { type: 'complete', prompt: `Hello ${i}`, maxNewTokens: 8, fieldKey: 'f1' } });
      await flush();
    }
    const cancelled = sent.filter((m) => m.kind === 'cancel').map((m) => m.id);
    expect(cancelled).toHaveLength(49);
    expect(cancelled).not.toContain('c49');
    expect(router.inFlight).toBe(1);
  });

  it('fails pending requests clearly when the host is lost', async () => {
    const { router } = setup();
    const p = fakePort(page);
    router.accept(p.port);
    p.send({ kind: 'request', id: 'r1', request: { type: 'sense', text: 'the bank', start: 4, end: 8 } });
    await flush();
    router.hostLost('The model host stopped');
    expect(p.out).toEqual([{ kind: 'error', id: 'r1', error: { code: 'host-unavailable', message: 'The model host stopped' } }]);
  });
});

describe('practice page and cloze checks', () => {
  function practiceSetup(settings = withDefaults({ modelHost: 'http://127.0.0.1:1/' })) {
    const opened: { text: string; url: string; lang?: string }[] = [];
    const sent: HostMessage[] = [];
    const router = new Router({
      extensionId: EXT,
      extensionOrigin: ORIGIN,
      settings: async () => settings,
      host: { send: async (m) => void sent.push(m) },
      openPractice: async (p) => {
        opened.push(p);
        return 'p-1';
      },
    });
    return { router, opened, sent };
  }

  it('opens the practice page itself (never via the host), with the sender’s URL for content scripts', async () => {
    const { router, opened, sent } = practiceSetup();
    const p = fakePort(page);
    router.accept(p.port);
    p.send({ kind: 'request', id: 'o1', request: { type: 'practice.open', text: 'A passage.', url: 'https://liar.example/' } });
    await flush();
    expect(opened).toEqual([{ text: 'A passage.', url: 'https://example.com/a' }]);
    expect(sent).toEqual([]);
    expect(p.out).toEqual([{ kind: 'result', id: 'o1', result: { type: 'practice.open', id: 'p-1' } }]);

    const popup = fakePort({ id: EXT, url: `${ORIGIN}popup.html` });
    router.accept(popup.port);
    popup.send({ kind: 'request', id: 'o2', request: { type: 'practice.open', text: '一段文字。', url: 'https://example.org/b', lang: 'zh' } });
    await flush();
    expect(opened[1]).toEqual({ text: '一段文字。', url: 'https://example.org/b', lang: 'zh' });
  });

  it('refuses practice on sites Sesame is off for, and cloze checks from content scripts', async () => {
    const { router, opened } = practiceSetup(withDefaults({ disabledSites: ['example.com'] }));
    const p = fakePort(page);
    router.accept(p.port);
    p.send({ kind: 'request', id: 'o1', request: { type: 'practice.open', text: 'A passage.' } });
    const check = { type: 'cloze.check', text: 'the bank', blanks: [{ start: 4, end: 8, answer: 'bank' }], answers: ['shore'] };
    p.send({ kind: 'request', id: 'c1', request: check });
    await flush();
    expect(opened).toEqual([]);
    expect(p.out).toEqual([
      { kind: 'error', id: 'c1', error: { code: 'bad-request', message: 'Not allowed here' } },
      { kind: 'error', id: 'o1', error: { code: 'disabled', message: 'Sesame is turned off on this site.' } },
    ]);
  });

  it('routes cloze checks from extension pages with the cloze model for the language', async () => {
    const { router, sent } = practiceSetup();
    const p = fakePort({ id: EXT, url: `${ORIGIN}practice.html` });
    router.accept(p.port);
    p.send({
      kind: 'request',
      id: 'c1',
      request: { type: 'cloze.check', text: '我去银行存钱', blanks: [{ start: 2, end: 4, answer: '银行' }], answers: ['銀行'] },
    });
    p.send({ kind: 'request', id: 'c2', request: { type: 'cloze.check', text: 'x', blanks: [], answers: [] } });
    await flush();
    expect(sent).toHaveLength(1);
    const run = sent[0]!;
    expect(run.kind === 'run' && run.config.model?.id).toBe('Xenova/ernie-3.0-base-zh');
    expect(run.kind === 'run' && run.config.lang).toBe('zh');
    expect(p.out).toEqual([expect.objectContaining({ kind: 'error', id: 'c2', error: expect.objectContaining({ code: 'bad-request' }) })]);
  });
});

describe('models.files', () => {
  it('is asked by extension pages only, with the model spec and host the download would use', async () => {
    const { router, sent } = setup();
    const options = fakePort({ id: EXT, url: `${ORIGIN}options.html` });
    router.accept(options.port);
    options.send({ kind: 'request', id: 'f1', request: { type: 'models.files', modelId: 'Xenova/gpt2' } });
    await flush();
    expect(sent).toHaveLength(1);
    const run = sent[0]!;
    if (run.kind !== 'run') throw new Error('expected a run');
    expect(run.config.model).toEqual({ id: 'Xenova/gpt2', family: 'gpt2', dtype: 'q8' });
    expect(run.config.remoteHost).toBe('http://127.0.0.1:1/');

    const content = fakePort(page);
    router.accept(content.port);
    content.send({ kind: 'request', id: 'f2', request: { type: 'models.files', modelId: 'Xenova/gpt2' } });
    await flush();
    expect(sent).toHaveLength(1);
    expect((content.out[0] as { error: { code: string } }).error.code).toBe('bad-request');
  });
});

describe('dict.match (hover lookup in Chinese)', () => {
  it('is answered by the background for a content script, never sent to the host; too long a text is refused', async () => {
    const sent: HostMessage[] = [];
    const asked: string[] = [];
    const router = new Router({
      extensionId: EXT,
      extensionOrigin: ORIGIN,
      settings: async () => withDefaults({}),
      host: { send: async (m) => void sent.push(m) },
      matchWords: async (text) => {
        asked.push(text);
        return [2, 1];
      },
    });
    const p = fakePort(page);
    router.accept(p.port);
    p.send({ kind: 'request', id: 'd1', request: { type: 'dict.match', text: '银行' } });
    await flush();
    expect(p.out).toEqual([{ kind: 'result', id: 'd1', result: { type: 'dict.match', lengths: [2, 1] } }]);
    p.send({ kind: 'request', id: 'd2', request: { type: 'dict.match', text: '银'.repeat(65) } });
    await flush();
    expect(p.out[1]).toMatchObject({ kind: 'error', id: 'd2', error: { code: 'bad-request' } });
    expect(asked).toEqual(['银行']);
    expect(sent).toEqual([]);
  });

  it('is refused on a switched-off site', async () => {
    const router = new Router({
      extensionId: EXT,
      extensionOrigin: ORIGIN,
      settings: async () => withDefaults({ disabledSites: ['example.com'] }),
      host: { send: async () => undefined },
      matchWords: async () => [1],
    });
    const p = fakePort(page);
    router.accept(p.port);
    p.send({ kind: 'request', id: 'd3', request: { type: 'dict.match', text: '银' } });
    await flush();
    expect(p.out).toEqual([{ kind: 'error', id: 'd3', error: { code: 'disabled', message: 'Sesame is turned off on this site.' } }]);
  });
});
