#!/usr/bin/env node
// A loopback HTTP server that speaks AnkiConnect's protocol (API version 6) over an in-memory
// collection, for testing Sesame's AnkiConnect client without Anki (Anki itself cannot run here).
// No dependencies.
//
// Shapes, rules and error strings are AnkiConnect's own, from FooSoft/anki-connect
// (plugin/web.py: handlerWrapper, allowOrigin, format_success_reply, format_exception_reply;
// plugin/__init__.py: handler, createNote, canAddNote, addNote, requestPermission, deckNames,
// modelNames, modelFieldNames, findNotes, canAddNotes; plugin/util.py: DEFAULT_CONFIG), and, for
// `canAddNotesWithErrorDetail` (added after that snapshot), AnkiConnect's later releases, which
// answer `{ canAdd: true }` or `{ canAdd: false, error: str(e) }` for each note:
//
//   POST / {"action", "version"?, "params"?, "key"?}
//     version >= 5:  200 {"result": …, "error": null}  or  200 {"result": null, "error": "…"}
//     version <= 4 (the default when "version" is missing): the bare result on success
//   POST / with an empty body:            200 "AnkiConnect v.6" (plain text)
//   OPTIONS (CORS preflight):             200, empty, with the CORS headers
//   a request from an origin not allowed: 403 with an empty body, except `requestPermission`,
//     which asks the user (here: `prompt`) and answers {"permission": "granted", "requireApikey",
//     "version"} or {"permission": "denied"}.
//
// Origins allowed, as AnkiConnect's default config (`webCorsOriginList: ['http://localhost']`)
// allows them: no Origin header; an origin in the list; and, while 'http://localhost' is in the
// list, http://127.0.0.1[:port] and chrome-extension://, moz-extension://, safari-web-extension://
// origins. So an extension is allowed without a prompt unless the user edited the list.
//
// Errors (AnkiConnect's strings): 'unsupported action', 'valid api key must be provided',
// 'model was not found: X', 'deck was not found: X', 'cannot create note because it is empty',
// 'cannot create note because it is a duplicate', 'collection is not available'. AnkiConnect has
// no "unsupported version" error: an old add-on is told by `version` answering below 6 (set
// `apiVersion` here), and by 'unsupported action' for actions it does not have
// (`withErrorDetail: false` removes `canAddNotesWithErrorDetail`, as before it existed).
//
//   import { startAnkiServer } from './tests/support/anki-server.mjs';
//   const anki = await startAnkiServer({ decks: ['Default', 'Chinese'] });
//   anki.url          // 'http://127.0.0.1:PORT'
//   anki.requests     // [{ origin, body }] every POST, parsed (null when not JSON)
//   anki.notes        // [{ id, deckName, modelName, fields, tags }] notes added
//   anki.config       // the live settings below (change them between requests)
//   await anki.close();
//
// Options (all optional): decks (['Default']), models ({ Basic: ['Front', 'Back'], Cloze:
// ['Text', 'Back Extra'] } and the other built-in types), apiVersion (6), apiKey (null),
// corsOriginList (['http://localhost']), prompt ('yes' | 'no': the user's answer to the
// permission dialog; 'no' by default), collection (true; false: no profile open), withErrorDetail
// (true), delayMs (0: answer each request after this many ms), port (0), host ('127.0.0.1').
//
// CLI: node tests/support/anki-server.mjs [--port 8765] [--host 127.0.0.1] [--quiet]
import { createServer } from 'node:http';
import { pathToFileURL } from 'node:url';

/** Anki's built-in note types and their fields. */
export const BUILT_IN_MODELS = {
  Basic: ['Front', 'Back'],
  'Basic (and reversed card)': ['Front', 'Back'],
  'Basic (optional reversed card)': ['Front', 'Back', 'Add Reverse'],
  'Basic (type in the answer)': ['Front', 'Back'],
  Cloze: ['Text', 'Back Extra'],
  'Image Occlusion': ['Occlusion', 'Image', 'Header', 'Back Extra', 'Comments'],
};

/** Anki compares a note's first field with HTML and media references removed (dupeOrEmpty). */
const stripHtml = (text) =>
  text
    .replace(/<[^>]*>/g, '')
    .replace(/&nbsp;/g, ' ')
    .trim();

export async function startAnkiServer(options = {}) {
  const config = {
    apiVersion: 6,
    apiKey: null,
    corsOriginList: ['http://localhost'],
    prompt: 'no',
    collection: true,
    withErrorDetail: true,
    delayMs: 0,
    ...options,
  };
  const decks = [...(options.decks ?? ['Default'])];
  const models = { ...(options.models ?? BUILT_IN_MODELS) };
  const notes = [];
  const requests = [];
  let nextId = 1_496_198_395_707;

  /** web.py allowOrigin: [allowed, the Access-Control-Allow-Origin to answer]. */
  function allowOrigin(origin) {
    const list = config.corsOriginList;
    if (list.includes('*')) return [true, '*'];
    if (origin === undefined) return [true, 'http://localhost'];
    if (list.includes(origin)) return [true, origin];
    const loopbackOrExtension =
      origin === 'http://127.0.0.1' ||
      origin === 'https://127.0.0.1' ||
      origin.startsWith('http://127.0.0.1:') ||
      /^(chrome|moz|safari-web)-extension:\/\//.test(origin);
    if (list.includes('http://localhost') && loopbackOrExtension) return [true, origin];
    return [false, 'http://localhost'];
  }

  const collection = () => {
    if (!config.collection) throw new Error('collection is not available');
    return { decks, models, notes };
  };

  /** __init__.py createNote: the checks addNote and canAddNote(s) make, in the same order. */
  function createNote(note) {
    const col = collection();
    const fieldNames = col.models[note.modelName];
    if (!fieldNames) throw new Error(`model was not found: ${note.modelName}`);
    if (!col.decks.includes(note.deckName)) throw new Error(`deck was not found: ${note.deckName}`);
    const fields = Object.fromEntries(fieldNames.map((name) => [name, '']));
    for (const [name, value] of Object.entries(note.fields ?? {})) {
      const own = fieldNames.find((f) => f.toLowerCase() === name.toLowerCase());
      if (own !== undefined) fields[own] = value;
    }
    const options = note.options ?? {};
    if ('allowDuplicate' in options && typeof options.allowDuplicate !== 'boolean') {
      throw new Error('option parameter "allowDuplicate" must be boolean');
    }
    const first = stripHtml(fields[fieldNames[0]] ?? '');
    if (!first) throw new Error('cannot create note because it is empty');
    const sameScope = (n) =>
      n.modelName === note.modelName && (options.duplicateScope !== 'deck' || n.deckName === (options.duplicateScopeOptions?.deckName ?? note.deckName));
    const duplicate = col.notes.some((n) => sameScope(n) && stripHtml(n.fields[fieldNames[0]] ?? '') === first);
    if (duplicate && !options.allowDuplicate) throw new Error('cannot create note because it is a duplicate');
    return { deckName: note.deckName, modelName: note.modelName, fields, tags: [...(note.tags ?? [])] };
  }

  const canAddNote = (note) => {
    try {
      return Boolean(createNote(note));
    } catch {
      return false;
    }
  };
  const canAddNoteWithErrorDetail = (note) => {
    try {
      return { canAdd: Boolean(createNote(note)) };
    } catch (e) {
      return { canAdd: false, error: e.message };
    }
  };

  const actions = {
    version: () => config.apiVersion,
    requestPermission: ({ origin, allowed }) => {
      if (allowed) return { permission: 'granted', requireApikey: Boolean(config.apiKey), version: config.apiVersion };
      if (config.prompt === 'yes') {
        config.corsOriginList = [...config.corsOriginList, origin];
        return { permission: 'granted', requireApikey: Boolean(config.apiKey), version: config.apiVersion };
      }
      return { permission: 'denied' };
    },
    deckNames: () => [...collection().decks],
    modelNames: () => Object.keys(collection().models),
    modelFieldNames: ({ modelName }) => {
      const fields = collection().models[modelName];
      if (!fields) throw new Error(`model was not found: ${modelName}`);
      return [...fields];
    },
    canAddNotes: ({ notes: list }) => list.map(canAddNote),
    canAddNotesWithErrorDetail: ({ notes: list }) => list.map(canAddNoteWithErrorDetail),
    addNote: ({ note }) => {
      const made = createNote(note);
      const id = nextId++;
      notes.push({ id, ...made });
      return id;
    },
    // Only the searches Sesame makes: "deck:NAME" and "field:VALUE" terms, ANDed (quotes optional).
    findNotes: ({ query } = {}) => {
      if (query === undefined) return [];
      const terms = [...query.matchAll(/"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2]);
      return collection()
        .notes.filter((n) =>
          terms.every((term) => {
            const at = term.indexOf(':');
            const [key, value] = [term.slice(0, at).toLowerCase(), term.slice(at + 1)];
            if (key === 'deck') return n.deckName === value;
            const field = Object.keys(n.fields).find((f) => f.toLowerCase() === key);
            return field !== undefined && stripHtml(n.fields[field]) === value;
          }),
        )
        .map((n) => n.id);
    },
  };

  /** __init__.py handler: key check, action lookup, reply format by requested version. */
  function handle(request) {
    const version = request.version ?? 4;
    try {
      // A missing key is None, like an unset apiKey: `key != util.setting('apiKey')`.
      if ((request.key ?? null) !== config.apiKey && request.action !== 'requestPermission') {
        throw new Error('valid api key must be provided');
      }
      const action = Object.hasOwn(actions, request.action) ? actions[request.action] : undefined;
      if (!action || (request.action === 'canAddNotesWithErrorDetail' && !config.withErrorDetail)) {
        throw new Error('unsupported action');
      }
      const result = action(request.params ?? {});
      return version <= 4 ? result : { result, error: null };
    } catch (e) {
      return { result: null, error: e.message };
    }
  }

  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const origin = req.headers.origin;
      const [allowed, allowOriginHeader] = allowOrigin(origin);
      const reply = (status, body, corsOrigin = allowOriginHeader) => {
        const headers = { 'Access-Control-Allow-Origin': corsOrigin, 'Access-Control-Allow-Headers': '*' };
        if (status === 200) {
          headers['Content-Type'] = 'application/json';
          headers['Content-Length'] = Buffer.byteLength(body);
        }
        if (req.headers['access-control-request-private-network'] === 'true') headers['Access-Control-Allow-Private-Network'] = 'true';
        setTimeout(() => res.writeHead(status, headers).end(body), config.delayMs);
      };
      if (req.method === 'OPTIONS') return reply(200, '');
      const raw = Buffer.concat(chunks).toString('utf8');
      let params;
      try {
        params = JSON.parse(raw);
        // web.py validates against request_schema: an object with a non-empty string action.
        if (typeof params !== 'object' || params === null || Array.isArray(params)) throw new Error(`${raw} is not of type 'object'`);
        if (typeof params.action !== 'string' || params.action.length === 0) throw new Error("'action' is a required property");
        if ('version' in params && !Number.isInteger(params.version)) throw new Error(`${JSON.stringify(params.version)} is not of type 'integer'`);
        if ('params' in params && (typeof params.params !== 'object' || params.params === null || Array.isArray(params.params))) {
          throw new Error(`${JSON.stringify(params.params)} is not of type 'object'`);
        }
      } catch (e) {
        requests.push({ origin, body: null });
        if (!allowed) return reply(403, '');
        return reply(200, raw.length === 0 ? `AnkiConnect v.${config.apiVersion}` : JSON.stringify({ result: null, error: e.message }));
      }
      requests.push({ origin, body: params });
      if (!allowed && params.action !== 'requestPermission') return reply(403, '');
      if (params.action === 'requestPermission') {
        params = { ...params, params: { ...(params.params ?? {}), allowed, origin: origin ?? '' } };
      }
      const body = JSON.stringify(handle(params));
      reply(200, body, !allowed && params.action === 'requestPermission' ? (origin ?? '') : allowOriginHeader);
    });
  });

  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve);
  });
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    config,
    decks,
    models,
    notes,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}

export default startAnkiServer;

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const arg = (name, fallback) => {
    const at = process.argv.indexOf(name);
    return at >= 0 ? process.argv[at + 1] : fallback;
  };
  const anki = await startAnkiServer({ port: Number(arg('--port', '8765')), host: arg('--host', '127.0.0.1') });
  if (!process.argv.includes('--quiet')) console.log(`AnkiConnect (fake, API v6) on ${anki.url}`);
}
