// The AnkiConnect client against a loopback server speaking AnkiConnect's protocol (version 6)
// with its real shapes and error strings (tests/support/anki-server.mjs).
import { createServer } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AnkiError, ankiConnect, canAddError, type FetchLike } from '@/models/background/anki/anki-connect';
import { ankiNote, defaultFieldMap } from '@/models/shared/learn/anki-note';
import type { WordEntry } from '@/models/shared/words/word-list';
// @ts-expect-error plain ESM helper without types
import { startAnkiServer } from '../../../support/anki-server.mjs';

interface FakeAnki {
  url: string;
  config: {
    apiVersion: number;
    apiKey: string | null;
    corsOriginList: string[];
    prompt: 'yes' | 'no';
    collection: boolean;
    withErrorDetail: boolean;
    delayMs: number;
  };
  decks: string[];
  notes: { id: number; deckName: string; modelName: string; fields: Record<string, string>; tags: string[] }[];
  requests: { origin?: string; body: { action: string; version?: number; params?: Record<string, unknown>; key?: string } | null }[];
  close(): Promise<void>;
}

/** fetch as the extension's background sends it: with its own Origin header. */
const fromOrigin =
  (origin: string): FetchLike =>
  (url, init) =>
    fetch(url, { ...init, headers: { ...(init.headers as Record<string, string> | undefined), Origin: origin } });

const EXTENSION = 'chrome-extension://abcdefghijklmnopabcdefghijklmnop';

const word: WordEntry = {
  id: 'w1',
  date: 0,
  url: 'https://example.com/river?utm=x#top',
  lang: 'en',
  word: 'bank',
  sentence: 'We sat on the bank of the river.',
  start: 14,
  end: 18,
  sense: ['shore', 'side'],
  substitutes: ['shore'],
  gloss: 'sloping land beside a body of water',
};

function noteFor(w: WordEntry, deck = 'Default', model = 'Cloze') {
  return ankiNote(w, { deck, model, fieldMap: defaultFieldMap(model, model === 'Cloze' ? ['Text', 'Back Extra'] : ['Front', 'Back']) });
}

async function rejection(p: Promise<unknown>): Promise<AnkiError> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(AnkiError);
  return e as AnkiError;
}

let anki: FakeAnki;
beforeEach(async () => {
  anki = (await startAnkiServer({ decks: ['Default', 'Words'] })) as FakeAnki;
});
afterEach(async () => {
  await anki.close();
});

describe('ankiConnect: requests', () => {
  it('sends {action, version: 6, params} and reads {result, error}', async () => {
    const client = ankiConnect({ fetch: fromOrigin(EXTENSION), url: anki.url });
    expect(await client.deckNames()).toEqual(['Default', 'Words']);
    expect(await client.modelFieldNames('Cloze')).toEqual(['Text', 'Back Extra']);
    expect(await client.modelNames()).toContain('Basic');
    expect(anki.requests.map((r) => r.body)).toEqual([
      { action: 'deckNames', version: 6, params: {} },
      { action: 'modelFieldNames', version: 6, params: { modelName: 'Cloze' } },
      { action: 'modelNames', version: 6, params: {} },
    ]);
  });

  it('connects from an extension origin without a prompt (AnkiConnect allows them by default)', async () => {
    const client = ankiConnect({ fetch: fromOrigin(EXTENSION), url: anki.url });
    expect(await client.connect()).toEqual({ version: 6 });
  });

  it('adds a note, then reports it as a duplicate, through canAdd and addNote', async () => {
    const client = ankiConnect({ fetch: fromOrigin(EXTENSION), url: anki.url });
    const note = noteFor(word);
    expect(await client.canAdd([note])).toEqual([{ canAdd: true }]);
    const id = await client.addNote(note);
    expect(anki.notes).toEqual([{ id, deckName: 'Default', modelName: 'Cloze', fields: note.fields, tags: ['sesame'] }]);
    expect(anki.notes[0]!.fields.Text).toBe('We sat on the {{c1::bank}} of the river.');

    const [again] = await client.canAdd([note]);
    expect(again).toEqual({ canAdd: false, error: 'cannot create note because it is a duplicate' });
    expect(canAddError(again!)?.kind).toBe('duplicate');
    const dup = await rejection(client.addNote(note));
    expect(dup.kind).toBe('duplicate');
    expect(dup.message).toBe('This note is already in Anki.');
    expect(anki.notes).toHaveLength(1);
    expect(await client.findNotes('"deck:Default"')).toEqual([id]);
  });

  it('the same word in another sentence is not a duplicate', async () => {
    const client = ankiConnect({ fetch: fromOrigin(EXTENSION), url: anki.url });
    await client.addNote(noteFor(word));
    const other = { ...word, sentence: 'The bank was closed.', start: 4, end: 8 };
    expect(await client.addNote(noteFor(other))).toBeGreaterThan(0);
    expect(anki.notes).toHaveLength(2);
  });

  it('names the deck or note type Anki does not have', async () => {
    const client = ankiConnect({ fetch: fromOrigin(EXTENSION), url: anki.url });
    const deck = await rejection(client.addNote(noteFor(word, 'Spanish')));
    expect([deck.kind, deck.detail]).toEqual(['deck', 'Spanish']);
    expect(deck.message).toContain('"Spanish"');
    const model = await rejection(client.addNote({ ...noteFor(word), modelName: 'Vocab' }));
    expect([model.kind, model.detail]).toEqual(['model', 'Vocab']);
    expect((await rejection(client.modelFieldNames('Vocab'))).kind).toBe('model');
    expect(canAddError((await client.canAdd([noteFor(word, 'Spanish')]))[0]!)?.kind).toBe('deck');
  });

  it('an empty first field is refused as empty', async () => {
    const client = ankiConnect({ fetch: fromOrigin(EXTENSION), url: anki.url });
    const e = await rejection(client.addNote({ deckName: 'Default', modelName: 'Basic', fields: { Back: 'x' }, tags: [] }));
    expect(e.kind).toBe('empty');
  });
});

describe('ankiConnect: failures the user must be told about', () => {
  it('Anki not running: connection refused', async () => {
    const port = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => resolve(p));
      });
    });
    const e = await rejection(ankiConnect({ fetch, url: `http://127.0.0.1:${port}` }).deckNames());
    expect(e.kind).toBe('not-running');
    expect(e.message).toMatch(/Anki is not running/);
  });

  it('Anki busy: a timeout, not a hang', async () => {
    anki.config.delayMs = 500;
    const e = await rejection(ankiConnect({ fetch, url: anki.url, timeoutMs: 100 }).deckNames());
    expect(e.kind).toBe('timeout');
  });

  it('an origin Anki does not allow: 403 on actions, and a denied permission request', async () => {
    const client = ankiConnect({ fetch: fromOrigin('https://page.example'), url: anki.url });
    expect((await rejection(client.deckNames())).kind).toBe('permission');
    const e = await rejection(client.connect());
    expect(e.kind).toBe('permission');
    expect(anki.requests.at(-1)?.body?.action).toBe('requestPermission');
  });

  it('permission granted in the dialog: the origin is allowed from then on', async () => {
    anki.config.corsOriginList = [];
    anki.config.prompt = 'yes';
    const client = ankiConnect({ fetch: fromOrigin(EXTENSION), url: anki.url });
    expect((await rejection(client.deckNames())).kind).toBe('permission');
    expect(await client.connect()).toEqual({ version: 6 });
    expect(anki.config.corsOriginList).toEqual([EXTENSION]);
    expect(await client.deckNames()).toEqual(['Default', 'Words']);
  });

  it('an API key: asked for when missing, sent when set', async () => {
    anki.config.apiKey = 'secret';
    const without = ankiConnect({ fetch: fromOrigin(EXTENSION), url: anki.url });
    expect((await rejection(without.connect())).kind).toBe('api-key');
    expect((await rejection(without.deckNames())).kind).toBe('api-key');
    const withKey = ankiConnect({ fetch: fromOrigin(EXTENSION), url: anki.url, key: 'secret' });
    expect(await withKey.deckNames()).toEqual(['Default', 'Words']);
    expect(anki.requests.at(-1)?.body?.key).toBe('secret');
  });

  it('an old AnkiConnect: its version is named; canAdd falls back to canAddNotes', async () => {
    anki.config.apiVersion = 5;
    anki.config.withErrorDetail = false;
    const client = ankiConnect({ fetch: fromOrigin(EXTENSION), url: anki.url });
    const e = await rejection(client.connect());
    expect([e.kind, e.detail]).toEqual(['old-version', '5']);
    expect((await rejection(client.canAddNotesWithErrorDetail([noteFor(word)]))).kind).toBe('old-version');
    expect(await client.canAdd([noteFor(word)])).toEqual([{ canAdd: true }]);
    await client.addNote(noteFor(word));
    const [dup] = await client.canAdd([noteFor(word)]);
    expect(dup).toEqual({ canAdd: false });
    expect(canAddError(dup!)?.kind).toBe('duplicate');
  });

  it('Anki open without a profile', async () => {
    anki.config.collection = false;
    const e = await rejection(ankiConnect({ fetch, url: anki.url }).deckNames());
    expect(e.kind).toBe('no-collection');
  });

  it('something else on the port', async () => {
    const other: FetchLike = async () => new Response('<html>router login</html>', { status: 200 });
    const e = await rejection(ankiConnect({ fetch: other }).deckNames());
    expect(e.kind).toBe('bad-reply');
    const wrongShape: FetchLike = async () => new Response(JSON.stringify({ result: 'Default', error: null }));
    expect((await rejection(ankiConnect({ fetch: wrongShape }).deckNames())).kind).toBe('bad-reply');
  });
});

describe('the loopback server follows AnkiConnect', () => {
  const post = (body: string) => fetch(anki.url, { method: 'POST', body });

  it('answers the bare result to version 4 (the default) and {result, error} from version 5', async () => {
    expect(await (await post('{"action":"deckNames"}')).json()).toEqual(['Default', 'Words']);
    expect(await (await post('{"action":"deckNames","version":5}')).json()).toEqual({ result: ['Default', 'Words'], error: null });
  });

  it('an empty body names the add-on; an unknown action is unsupported; bad JSON is an error', async () => {
    expect(await (await post('')).text()).toBe('AnkiConnect v.6');
    expect(await (await post('{"action":"fly","version":6}')).json()).toEqual({ result: null, error: 'unsupported action' });
    const bad = (await (await post('{"version":6}')).json()) as { result: null; error: string };
    expect(bad.result).toBeNull();
    expect(bad.error).toMatch(/action/);
  });

  it('answers a CORS preflight with the extension origin allowed', async () => {
    const res = await fetch(anki.url, { method: 'OPTIONS', headers: { Origin: EXTENSION } });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe(EXTENSION);
  });
});
