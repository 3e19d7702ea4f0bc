// A client for AnkiConnect (the Anki add-on's HTTP API, version 6), used from the background:
// each action is one POST of {action, version, params, key?}, answered {result, error}. Every
// failure becomes an AnkiError whose `kind` the UI words in its own language; `message` is a
// plain English sentence for logs. fetch is injected (the background's, or a test's).
//
// A hand-written client rather than yanki-connect: that package depends on `open` (Node child
// processes, to launch Anki) and @types/node, and Sesame needs seven actions.
import { arrayOf, bool, type Check, literal, num, object, optional, str, ValidationError } from '../../shared/validate';
import type { AnkiNote } from '../../shared/learn/anki-note';
import type { AnkiErrorKind } from '../../shared/learn/learning-errors';

export const ANKI_CONNECT_URL = 'http://127.0.0.1:8765';
export const ANKI_CONNECT_VERSION = 6;

export type { AnkiErrorKind };

export class AnkiError extends Error {
  /** `detail`: the deck or note type not found, the version found, or AnkiConnect's own words. */
  constructor(
    readonly kind: AnkiErrorKind,
    message: string,
    readonly detail?: string,
  ) {
    super(message);
    this.name = 'AnkiError';
  }
}

export type FetchLike = (url: string, init: RequestInit) => Promise<Response>;

export interface AnkiClientOptions {
  fetch: FetchLike;
  url?: string;
  /** AnkiConnect's `apiKey` setting, when the user set one. */
  key?: string | null;
  /** Per request (default 5 s); Anki answers at once when it is running and idle. */
  timeoutMs?: number;
  /** For `requestPermission`, which waits for the user to answer a dialog in Anki (default 2 min). */
  permissionTimeoutMs?: number;
}

export interface CanAdd {
  canAdd: boolean;
  error?: string;
}

/** AnkiConnect's error strings (plugin/__init__.py), and what each means to the user. */
function errorOf(raw: string): AnkiError {
  const found = (prefix: string) => (raw.startsWith(prefix) ? raw.slice(prefix.length) : null);
  const deck = found('deck was not found: ');
  if (deck !== null) return new AnkiError('deck', `Anki has no deck "${deck}": choose a deck in Settings.`, deck);
  const model = found('model was not found: ');
  if (model !== null) return new AnkiError('model', `Anki has no note type "${model}": choose a note type in Settings.`, model);
  switch (raw) {
    case 'cannot create note because it is a duplicate':
      return new AnkiError('duplicate', 'This note is already in Anki.', raw);
    case 'cannot create note because it is empty':
      return new AnkiError('empty', "The note's first field would be empty: map a field to the word or sentence in Settings.", raw);
    case 'valid api key must be provided':
      return new AnkiError('api-key', "AnkiConnect asks for an API key: enter the key from AnkiConnect's settings in Sesame's settings.", raw);
    case 'collection is not available':
      return new AnkiError('no-collection', 'Anki is open but no profile is loaded: open your profile in Anki and try again.', raw);
    case 'unsupported action':
      return new AnkiError('old-version', 'This AnkiConnect is too old for Sesame: update the add-on in Anki (Tools → Add-ons).', raw);
    default:
      return new AnkiError('anki', `Anki refused: ${raw}`, raw);
  }
}

/** An object with these fields; fields a later AnkiConnect adds are ignored, not refused. */
function reply<S extends Record<string, Check<unknown>>>(shape: S) {
  const check = object(shape);
  return (v: unknown, path: string) => {
    const known = typeof v === 'object' && v !== null && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).filter(([k]) => k in shape)) : v;
    return check(known, path);
  };
}

const permissionReply = reply({
  permission: literal('granted', 'denied'),
  requireApikey: optional(bool),
  version: optional(num({ int: true })),
});
const noteIds = arrayOf(num({ int: true }));
const names = arrayOf(str());

export function ankiConnect(options: AnkiClientOptions) {
  const url = options.url ?? ANKI_CONNECT_URL;
  const timeoutMs = options.timeoutMs ?? 5000;

  async function invoke<T>(action: string, params: Record<string, unknown>, check: Check<T>, limitMs = timeoutMs): Promise<T> {
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), limitMs);
    let text: string;
    let status: number;
    try {
      const body = { action, version: ANKI_CONNECT_VERSION, params, ...(options.key ? { key: options.key } : {}) };
      const response = await options.fetch(url, { method: 'POST', body: JSON.stringify(body), signal: abort.signal });
      status = response.status;
      text = await response.text();
    } catch {
      if (abort.signal.aborted) {
        throw new AnkiError('timeout', `Anki did not answer within ${Math.round(limitMs / 1000)} s: if Anki shows a dialog, answer it and try again.`);
      }
      throw new AnkiError('not-running', 'Anki is not running, or AnkiConnect is not installed: start Anki with the AnkiConnect add-on and try again.');
    } finally {
      clearTimeout(timer);
    }
    // AnkiConnect answers 403 with an empty body to an origin it does not allow.
    if (status === 403) throw new AnkiError('permission', "Anki refused Sesame: allow it when Anki asks, or in AnkiConnect's settings (webCorsOriginList).");
    const notAnki = new AnkiError('bad-reply', `Something answered at ${url}, but not as AnkiConnect ${ANKI_CONNECT_VERSION} does.`, text.slice(0, 200));
    if (status !== 200) throw notAnki;
    let reply: unknown;
    try {
      reply = JSON.parse(text);
    } catch {
      throw notAnki;
    }
    // Before API version 5 AnkiConnect answered the bare result: an add-on from that time.
    if (typeof reply !== 'object' || reply === null || !('result' in reply) || !('error' in reply)) {
      throw new AnkiError('old-version', 'This AnkiConnect is too old for Sesame: update the add-on in Anki (Tools → Add-ons).');
    }
    const { result, error } = reply as { result: unknown; error: unknown };
    if (error !== null) throw errorOf(String(error));
    try {
      return check(result, action);
    } catch (e) {
      if (e instanceof ValidationError) throw new AnkiError('bad-reply', `AnkiConnect answered ${action} in an unexpected form (${e.message}).`, e.message);
      throw e;
    }
  }

  const client = {
    version: () => invoke('version', {}, num({ int: true })),
    requestPermission: () => invoke('requestPermission', {}, permissionReply, options.permissionTimeoutMs ?? 120_000),
    deckNames: () => invoke('deckNames', {}, names),
    modelNames: () => invoke('modelNames', {}, names),
    modelFieldNames: (modelName: string) => invoke('modelFieldNames', { modelName }, names),
    canAddNotes: (notes: readonly AnkiNote[]) => invoke('canAddNotes', { notes }, arrayOf(bool)),
    canAddNotesWithErrorDetail: (notes: readonly AnkiNote[]) =>
      invoke('canAddNotesWithErrorDetail', { notes }, arrayOf(reply({ canAdd: bool, error: optional(str()) }))),
    addNote: (note: AnkiNote) => invoke('addNote', { note }, num({ int: true })),
    findNotes: (query: string) => invoke('findNotes', { query }, noteIds),

    /**
     * Asks Anki once for access (Anki shows a dialog unless this origin is already allowed) and
     * checks the API version. Resolves to the version; rejects with 'permission', 'api-key' or
     * 'old-version' when Sesame cannot go on.
     */
    async connect(): Promise<{ version: number }> {
      const answer = await client.requestPermission();
      if (answer.permission === 'denied') {
        throw new AnkiError('permission', "Anki refused Sesame: allow it when Anki asks, or in AnkiConnect's settings (webCorsOriginList).");
      }
      if (answer.requireApikey && !options.key) {
        throw new AnkiError('api-key', "AnkiConnect asks for an API key: enter the key from AnkiConnect's settings in Sesame's settings.");
      }
      const version = answer.version ?? (await client.version());
      if (version < ANKI_CONNECT_VERSION) {
        throw new AnkiError(
          'old-version',
          `This AnkiConnect speaks API version ${version}; Sesame needs ${ANKI_CONNECT_VERSION}: update the add-on in Anki (Tools → Add-ons).`,
          String(version),
        );
      }
      return { version };
    },

    /** Whether each note can be added, with AnkiConnect's reason when not (older add-ons: no reason). */
    async canAdd(notes: readonly AnkiNote[]): Promise<CanAdd[]> {
      try {
        return await client.canAddNotesWithErrorDetail(notes);
      } catch (e) {
        if (!(e instanceof AnkiError && e.kind === 'old-version')) throw e;
        return (await client.canAddNotes(notes)).map((canAdd) => ({ canAdd }));
      }
    },
  };
  return client;
}

export type AnkiClient = ReturnType<typeof ankiConnect>;

/** The AnkiError a `canAdd` answer stands for (duplicate, unknown deck…), or null when it can be added. */
export function canAddError(answer: CanAdd): AnkiError | null {
  if (answer.canAdd) return null;
  return answer.error ? errorOf(answer.error) : new AnkiError('duplicate', 'This note cannot be added: it is probably already in Anki.');
}
