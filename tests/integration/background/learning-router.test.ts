// The learning loop through the router: AnkiConnect's protocol (version 6) against the loopback
// server that speaks it (tests/support/anki-server.mjs; Anki itself cannot run here), with its
// errors, duplicates and permission; the review queue and ratings; the backup file.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
// @ts-expect-error plain ESM helper without types
import { startAnkiServer } from '../../support/anki-server.mjs';
import { type PortLike, Router } from '@/models/background/router';
import { learning } from '@/models/background/learn/learning';
import { syncedReview } from '@/models/background/learn/review-sync';
import { serial } from '@/models/background/serial';
import { reviewUpdater } from '@/models/background/review/review-updater';
import type { ServerMessage, ToolRequest } from '@/models/shared/protocol';
import { withDefaults, type Settings } from '@/models/shared/settings';
import { defaultFieldMap } from '@/models/shared/learn/anki-note';
import { emptyReview, type ReviewState, validReview } from '@/models/shared/review/review-state';
import type { WordEntry } from '@/models/shared/words/word-list';

const EXT = 'abcdefghijklmnop';
const ORIGIN = `chrome-extension://${EXT}/`;
const optionsPage = { id: EXT, url: `${ORIGIN}options.html` };
const contentScript = { id: EXT, url: 'https://news.example/story?session=42#top', tab: { id: 3, url: 'https://news.example/story?session=42#top' } };

interface AnkiServer {
  url: string;
  config: Record<string, unknown>;
  notes: { deckName: string; modelName: string; fields: Record<string, string>; tags: string[] }[];
  requests: { origin?: string; body: { action: string } | null }[];
  close(): Promise<void>;
}

const bank: WordEntry = {
  id: 'w-bank',
  date: Date.UTC(2026, 0, 5),
  url: 'https://news.example/story?session=42#top',
  lang: 'en',
  word: 'bank',
  sentence: 'She sat on the bank of the river <b>{{c2::x}}</b>.',
  start: 15,
  end: 19,
  sense: ['shore', 'edge'],
  substitutes: ['shore', 'edge', 'side'],
  gloss: 'sloping land beside a body of water',
};
const yinhang: WordEntry = {
  id: 'w-yinhang',
  date: Date.UTC(2026, 0, 6),
  url: 'https://news.example/zh',
  lang: 'zh',
  word: '银行',
  sentence: '我去银行存钱。',
  start: 2,
  end: 4,
  sense: ['商店'],
  substitutes: ['商店'],
  gloss: 'bank',
  reading: 'yin2 hang2',
};
const third: WordEntry = {
  ...bank,
  id: 'w-run',
  word: 'ran',
  sentence: 'He ran home fast.',
  start: 3,
  end: 6,
  sense: ['went'],
  substitutes: ['went'],
  gloss: 'move fast',
};

let anki: AnkiServer;
beforeEach(async () => {
  anki = (await startAnkiServer({ decks: ['Default', 'Sesame'] })) as AnkiServer;
});
afterEach(async () => anki.close());

function setup(options: { settings?: Partial<Settings['anki']>; access?: boolean; words?: WordEntry[] } = {}) {
  const store = { words: [...(options.words ?? [bank, yinhang, third])], review: emptyReview() as unknown };
  const settings = withDefaults({
    anki: {
      ...withDefaults({}).anki,
      enabled: true,
      url: anki.url,
      deck: 'Sesame',
      model: 'Cloze',
      fieldMap: defaultFieldMap('Cloze', ['Text', 'Back Extra']),
      ...options.settings,
    },
  });
  let now = Date.UTC(2026, 0, 10);
  const inTurn = serial();
  const updateReview = reviewUpdater({ get: async () => store.review, set: async (v) => void (store.review = v) }, serial());
  const handler = learning({
    settings: async () => settings,
    // The browser sends the extension's origin with a request from its service worker.
    fetch: (url, init) => fetch(url, { ...init, headers: { origin: ORIGIN.slice(0, -1) } }),
    hasAccess: async (origins) => (options.access ?? true) && origins.includes('http://127.0.0.1/*'),
    words: async () => store.words,
    history: async () => [],
    updateWords: (change) => inTurn(async () => (store.words = change(store.words))),
    review: async () => validReview(store.review),
    updateReview,
    now: () => now,
    ankiTimeoutMs: 2000,
  });
  const router = new Router({
    extensionId: EXT,
    extensionOrigin: ORIGIN,
    settings: async () => settings,
    host: { send: async () => undefined },
    learning: handler,
  });
  let n = 0;
  async function ask(request: ToolRequest | Record<string, unknown>, sender: PortLike['sender'] = optionsPage): Promise<ServerMessage> {
    const out: ServerMessage[] = [];
    const listeners: ((m: unknown) => void)[] = [];
    router.accept({
      sender,
      postMessage: (m) => void out.push(m as ServerMessage),
      onMessage: { addListener: (cb) => void listeners.push(cb) },
      onDisconnect: { addListener: () => undefined },
      disconnect: () => undefined,
    });
    const id = `q${++n}`;
    listeners.forEach((l) => l({ kind: 'request', id, request }));
    for (let i = 0; i < 500 && out.length === 0; i++) await new Promise((r) => setTimeout(r, 5));
    expect(out).toHaveLength(1);
    expect(out[0]!.id).toBe(id);
    return out[0]!;
  }
  const result = async (request: ToolRequest, sender?: PortLike['sender']) => {
    const m = await ask(request, sender);
    if (m.kind !== 'result') throw new Error(`expected a result, got ${JSON.stringify(m)}`);
    return m.result as never;
  };
  const error = async (request: ToolRequest | Record<string, unknown>, sender?: PortLike['sender']) => {
    const m = await ask(request, sender);
    if (m.kind !== 'error') throw new Error(`expected an error, got ${JSON.stringify(m)}`);
    return m.error;
  };
  return {
    store,
    settings,
    ask,
    result,
    error,
    setNow: (t: number) => void (now = t),
    syncNow: () => (store.review = syncedReview(validReview(store.review), { words: store.words, history: [] }, now)),
  };
}

describe('AnkiConnect through the router', () => {
  it('connects, lists decks, note types and fields', async () => {
    const s = setup();
    expect(await s.result({ type: 'anki.connect' })).toEqual({ type: 'anki.connect', version: 6 });
    expect(await s.result({ type: 'anki.decks' })).toEqual({ type: 'anki.decks', names: ['Default', 'Sesame'] });
    const models = (await s.result({ type: 'anki.models' })) as { names: string[] };
    expect(models.names).toContain('Cloze');
    expect(await s.result({ type: 'anki.fields', model: 'Cloze' })).toEqual({ type: 'anki.fields', model: 'Cloze', names: ['Text', 'Back Extra'] });
    const unknown = await s.error({ type: 'anki.fields', model: 'Nope' });
    expect(unknown).toMatchObject({ code: 'anki', kind: 'model', detail: 'Nope' });
    // Every request spoke version 6 and came from the extension's origin.
    expect(anki.requests.every((r) => (r.body as { version?: number }).version === 6 && r.origin === ORIGIN.slice(0, -1))).toBe(true);
  });

  it('adds a saved word as a cloze note with its sense and gloss, then sees the duplicate', async () => {
    const s = setup();
    expect(await s.result({ type: 'anki.canAdd', wordIds: ['w-bank', 'gone'] })).toEqual({
      type: 'anki.canAdd',
      answers: [
        { wordId: 'w-bank', canAdd: true },
        { wordId: 'gone', canAdd: false, kind: 'no-word' },
      ],
    });
    const added = (await s.result({ type: 'anki.add', wordId: 'w-bank' })) as { noteId: number };
    expect(added.noteId).toBeGreaterThan(0);
    expect(anki.notes).toHaveLength(1);
    const note = anki.notes[0]!;
    expect(note).toMatchObject({ deckName: 'Sesame', modelName: 'Cloze', tags: ['sesame'] });
    // Page text escaped (no markup, no extra cloze), the word as c1, the sense, the gloss, the URL without its query.
    expect(note.fields.Text).toBe('She sat on the {{c1::bank}} of the river &lt;b&gt;&#123;&#123;c2::x&#125;&#125;&lt;/b&gt;.');
    expect(note.fields['Back Extra']).toContain('≈ shore · edge');
    expect(note.fields['Back Extra']).toContain('sloping land beside a body of water');
    expect(note.fields['Back Extra']).toContain('https://news.example/story');
    expect(note.fields['Back Extra']).not.toContain('session=42');
    // Already in Anki: canAdd says so, and a second add is refused as a duplicate.
    expect(await s.result({ type: 'anki.canAdd', wordIds: ['w-bank'] })).toEqual({
      type: 'anki.canAdd',
      answers: [{ wordId: 'w-bank', canAdd: false, kind: 'duplicate' }],
    });
    expect(await s.error({ type: 'anki.add', wordId: 'w-bank' })).toMatchObject({ code: 'anki', kind: 'duplicate' });
    expect(anki.notes).toHaveLength(1);
  });

  it('puts pinyin with tone marks in a Chinese note', async () => {
    const s = setup({ settings: { model: 'Basic', fieldMap: defaultFieldMap('Basic', ['Front', 'Back']) } });
    await s.result({ type: 'anki.add', wordId: 'w-yinhang' });
    expect(anki.notes[0]!.fields.Front).toBe('我去<b>银行</b>存钱。');
    expect(anki.notes[0]!.fields.Back).toContain('<b>银行</b> yínháng');
  });

  it('lets the bubble add a saved word through the background, but nothing else of Anki', async () => {
    const s = setup();
    expect(((await s.result({ type: 'anki.add', wordId: 'w-run' }, contentScript)) as { noteId: number }).noteId).toBeGreaterThan(0);
    for (const request of [{ type: 'anki.connect' }, { type: 'anki.decks' }, { type: 'review.rate', id: 'x', rating: 'good' }, { type: 'learning.export' }]) {
      expect(await s.error(request, contentScript)).toMatchObject({ code: 'bad-request' });
    }
    // A note is built from the stored word: a message cannot carry one.
    expect(await s.error({ type: 'anki.add', wordId: 'w-bank', note: { fields: { Text: 'x' } } }, contentScript)).toMatchObject({ code: 'bad-request' });
    expect(anki.notes).toHaveLength(1);
  });

  it('asks nothing of Anki while it is off or the browser has not granted access', async () => {
    expect(await setup({ settings: { enabled: false } }).error({ type: 'anki.add', wordId: 'w-bank' })).toMatchObject({ code: 'anki', kind: 'off' });
    expect(await setup({ access: false }).error({ type: 'anki.connect' })).toMatchObject({ code: 'anki', kind: 'no-access' });
    expect(await setup({ settings: { deck: '' } }).error({ type: 'anki.add', wordId: 'w-bank' })).toMatchObject({ kind: 'not-set-up' });
    expect(anki.requests).toHaveLength(0);
  });

  it('says Anki is not running when nothing listens', async () => {
    const s = setup();
    await anki.close();
    expect(await s.error({ type: 'anki.connect' })).toMatchObject({ code: 'anki', kind: 'not-running' });
    anki = (await startAnkiServer()) as AnkiServer;
  });

  it('reports a refused origin, a denied and a granted permission dialog, and an API key', async () => {
    const s = setup();
    anki.config.corsOriginList = ['http://localhost.invalid'];
    expect(await s.error({ type: 'anki.decks' })).toMatchObject({ code: 'anki', kind: 'permission' });
    expect(await s.error({ type: 'anki.connect' })).toMatchObject({ code: 'anki', kind: 'permission' });
    anki.config.prompt = 'yes';
    expect(await s.result({ type: 'anki.connect' })).toEqual({ type: 'anki.connect', version: 6 });
    expect(((await s.result({ type: 'anki.decks' })) as { names: string[] }).names).toContain('Sesame');
    anki.config.apiKey = 'secret';
    expect(await s.error({ type: 'anki.connect' })).toMatchObject({ code: 'anki', kind: 'api-key' });
    expect(await s.error({ type: 'anki.decks' })).toMatchObject({ code: 'anki', kind: 'api-key' });
    const keyed = setup({ settings: { key: 'secret' } });
    expect(await keyed.result({ type: 'anki.connect' })).toEqual({ type: 'anki.connect', version: 6 });
  });

  it('names the deck Anki lacks, an old AnkiConnect and a closed profile', async () => {
    expect(await setup({ settings: { deck: 'Gone' } }).error({ type: 'anki.add', wordId: 'w-bank' })).toMatchObject({ kind: 'deck', detail: 'Gone' });
    anki.config.apiVersion = 5;
    expect(await setup().error({ type: 'anki.connect' })).toMatchObject({ kind: 'old-version' });
    anki.config.apiVersion = 6;
    anki.config.collection = false;
    expect(await setup().error({ type: 'anki.decks' })).toMatchObject({ kind: 'no-collection' });
  });
});

describe('review through the router', () => {
  it('serves due cards as clozes of saved sentences and records ratings with FSRS', async () => {
    const s = setup();
    s.syncNow();
    const due = (await s.result({ type: 'review.due' })) as {
      cards: { id: string; word: string; sentence: string; next: { again: number; hard: number; good: number; easy: number } }[];
      due: number;
      total: number;
    };
    expect(due.due).toBe(3);
    expect(due.total).toBe(3);
    expect(due.cards.map((c) => c.word).sort()).toEqual(['bank', 'ran', '银行']);
    const card = due.cards[0]!;
    expect(card.next.again).toBeLessThan(card.next.good);
    expect(card.next.good).toBeLessThanOrEqual(card.next.easy);
    const rated = (await s.result({ type: 'review.rate', id: card.id, rating: 'easy' })) as { due: number; next: number };
    expect(rated.due).toBe(2);
    expect(rated.next).toBe(card.next.easy);
    expect(await s.error({ type: 'review.rate', id: 'word:nope', rating: 'good' })).toMatchObject({ code: 'learning', kind: 'no-card' });
    expect(await s.error({ type: 'review.rate', id: card.id, rating: 'perfect' })).toMatchObject({ code: 'bad-request' });
    // Later that card is due again.
    s.setNow(rated.next + 1);
    expect(((await s.result({ type: 'review.due' })) as { due: number }).due).toBe(3);
  });

  it('exports words and review in one file and imports it into an empty profile', async () => {
    const s = setup();
    s.syncNow();
    const first = ((await s.result({ type: 'review.due' })) as { cards: { id: string }[] }).cards[0]!;
    await s.result({ type: 'review.rate', id: first.id, rating: 'good' });
    const file = (await s.result({ type: 'learning.export' })) as { text: string; words: number; cards: number };
    expect(file).toMatchObject({ words: 3, cards: 3 });
    const empty = setup({ words: [] });
    expect(await empty.result({ type: 'learning.import', text: file.text })).toEqual({ type: 'learning.import', words: 3, cards: 3, skipped: 0 });
    expect(empty.store.words.map((w) => w.id).sort()).toEqual(['w-bank', 'w-run', 'w-yinhang']);
    const restored = validReview(empty.store.review) as ReviewState;
    expect(restored.cards.find((c) => c.id === first.id)!.memory.reps).toBe(1);
    // Importing again adds nothing.
    expect(await empty.result({ type: 'learning.import', text: file.text })).toEqual({ type: 'learning.import', words: 0, cards: 0, skipped: 0 });
    expect(await empty.error({ type: 'learning.import', text: 'word,sentence\nbank,x' })).toMatchObject({ code: 'bad-file', kind: 'not-json' });
    expect(await empty.error({ type: 'learning.import', text: '{"format":"other"}' })).toMatchObject({ code: 'bad-file', kind: 'not-sesame' });
    expect(empty.store.words).toHaveLength(3);
  });
});
