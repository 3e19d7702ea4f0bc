// Word saves go through the background: content scripts never write extension storage. The
// router answers `words.save` itself, with the page URL its port gives (not the one claimed),
// and saves one at a time, so two tabs saving at once both keep their word.
import { describe, expect, it } from 'vitest';
import { serial } from '@/models/background/serial';
import type { HostMessage } from '@/models/shared/protocol';
import { type PortLike, Router } from '@/models/background/router';
import { withDefaults } from '@/models/shared/settings';
import { type WordEntry, validWords, withWord } from '@/models/shared/words/word-list';
import { type ListStore, wordSaver } from '@/models/background/word-saver';

const EXT = 'abcdefghijklmnop';
const ORIGIN = `chrome-extension://${EXT}/`;
const tick = () => new Promise((r) => setTimeout(r, 1));

/** A store whose reads and writes take a while, as extension storage does. */
function slowStore(): ListStore & { value: unknown; writes: number } {
  const store = {
    value: [] as unknown,
    writes: 0,
    get: async () => {
      await tick();
      return store.value;
    },
    set: async (list: WordEntry[]) => {
      await tick();
      store.value = list;
      store.writes++;
    },
  };
  return store;
}

const entry = (word: string, url = 'https://claimed.example/'): WordEntry => ({
  id: `id-${word}`,
  date: 1,
  url,
  lang: 'en',
  word,
  sentence: `I met the word ${word} here.`,
  start: 16,
  end: 16 + word.length,
  sense: [],
  substitutes: [],
});

function tab(url: string, tabId: number) {
  const out: { kind: string; id: string; result?: unknown; error?: unknown }[] = [];
  const listeners: ((m: unknown) => void)[] = [];
  const port: PortLike = {
    sender: { id: EXT, url, tab: { id: tabId, url } },
    postMessage: (m) => void out.push(m as (typeof out)[number]),
    onMessage: { addListener: (cb) => void listeners.push(cb) },
    onDisconnect: { addListener: () => undefined },
    disconnect: () => undefined,
  };
  return { port, out, send: (m: unknown) => listeners.forEach((l) => l(m)) };
}

describe('word saves through the background', () => {
  it('read-modify-write without turns loses one of two concurrent saves (the bug)', async () => {
    const store = slowStore();
    const unserialised = async (e: WordEntry) => store.set(withWord(validWords(await store.get()), e));
    await Promise.all([unserialised(entry('bank')), unserialised(entry('loan'))]);
    expect(validWords(store.value)).toHaveLength(1);
  });

  it('two tabs saving at once: both words kept, each with the URL of its own tab', async () => {
    const store = slowStore();
    const sent: HostMessage[] = [];
    const router = new Router({
      extensionId: EXT,
      extensionOrigin: ORIGIN,
      settings: async () => withDefaults({ modelHost: 'http://127.0.0.1:1/' }),
      host: { send: async (m) => void sent.push(m) },
      saveWord: wordSaver(store, serial()),
    });
    const a = tab('https://a.example/article', 1);
    const b = tab('https://b.example/post', 2);
    router.accept(a.port);
    router.accept(b.port);
    a.send({ kind: 'request', id: 'sa', request: { type: 'words.save', entry: entry('bank', 'https://lie.example/') } });
    b.send({ kind: 'request', id: 'sb', request: { type: 'words.save', entry: entry('loan') } });
    await expect.poll(() => a.out.length + b.out.length).toBe(2);
    expect(a.out[0]).toMatchObject({ kind: 'result', id: 'sa', result: { type: 'words.save' } });
    expect(b.out[0]).toMatchObject({ kind: 'result', id: 'sb', result: { type: 'words.save', count: 2 } });
    const words = validWords(store.value);
    expect(words.map((w) => [w.word, w.url]).sort()).toEqual([
      ['bank', 'https://a.example/article'],
      ['loan', 'https://b.example/post'],
    ]);
    expect(sent).toEqual([]); // the model host never sees a save
  });

  it('a save on a site where Sesame is off is refused; a malformed entry is refused', async () => {
    const store = slowStore();
    const router = new Router({
      extensionId: EXT,
      extensionOrigin: ORIGIN,
      settings: async () => withDefaults({ modelHost: 'http://127.0.0.1:1/', disabledSites: ['off.example'] }),
      host: { send: async () => undefined },
      saveWord: wordSaver(store, serial()),
    });
    const off = tab('https://off.example/', 3);
    router.accept(off.port);
    off.send({ kind: 'request', id: 'off1', request: { type: 'words.save', entry: entry('bank') } });
    off.send({ kind: 'request', id: 'bad1', request: { type: 'words.save', entry: { ...entry('bank'), sentence: '' } } });
    await expect.poll(() => off.out.length).toBe(2);
    expect(off.out.find((m) => m.id === 'off1')).toMatchObject({ kind: 'error', error: { code: 'disabled' } });
    expect(off.out.find((m) => m.id === 'bad1')).toMatchObject({ kind: 'error', error: { code: 'bad-request' } });
    expect(store.writes).toBe(0);
  });

  it('a failed write does not block the saves after it', async () => {
    const store = slowStore();
    let fail = true;
    const set = store.set;
    store.set = async (list) => {
      if (fail) {
        fail = false;
        throw new Error('QuotaExceededError');
      }
      return set(list);
    };
    const save = wordSaver(store, serial());
    const [first, second] = await Promise.allSettled([save(entry('bank')), save(entry('loan'))]);
    expect(first.status).toBe('rejected');
    expect(second).toEqual({ status: 'fulfilled', value: 1 });
  });
});
