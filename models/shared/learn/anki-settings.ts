// Sesame's settings for Anki (through the AnkiConnect add-on): off until the user turns it on in
// Settings, which is when the browser asks for access to the loopback address AnkiConnect serves.
import type { FieldMap } from './anki-note';

export interface AnkiSettings {
  enabled: boolean;
  /** AnkiConnect's address: http on 127.0.0.1, any port (8765 by default). */
  url: string;
  /** AnkiConnect's `apiKey`, when the user set one there; '' for none. */
  key: string;
  deck: string;
  /** The note type. */
  model: string;
  /** Which piece of the saved word goes in each field of the note type. */
  fieldMap: FieldMap;
  tags: string[];
}

export const ANKI_DEFAULT_URL = 'http://127.0.0.1:8765';

/**
 * The optional host permission (manifest: `optional_host_permissions` in MV3, `optional_permissions`
 * in MV2). No port: Chrome's patterns then match every port, and Firefox's cannot name one.
 */
export const ANKI_ORIGINS = ['http://127.0.0.1/*'];

export const DEFAULT_ANKI: AnkiSettings = { enabled: false, url: ANKI_DEFAULT_URL, key: '', deck: '', model: '', fieldMap: {}, tags: ['sesame'] };

/** An AnkiConnect address as typed: http://127.0.0.1 with a port (default 8765), nothing else. */
export function checkAnkiUrl(input: string): { ok: true; value: string } | { ok: false; problem: string } {
  const text = input.trim() || ANKI_DEFAULT_URL;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { ok: false, problem: 'not an address: http://127.0.0.1:8765' };
  }
  if (url.protocol !== 'http:' || url.hostname !== '127.0.0.1' || url.username || url.password || (url.pathname !== '/' && url.pathname !== '')) {
    return { ok: false, problem: 'AnkiConnect runs on this computer: http://127.0.0.1 and a port' };
  }
  return { ok: true, value: `http://127.0.0.1:${url.port || '80'}` };
}

/** Tags as typed (spaces or commas between them): Anki's tags have no spaces. */
export function parseTags(input: string): string[] {
  return [...new Set(input.split(/[\s,]+/).filter(Boolean))].slice(0, 20).map((tag) => tag.slice(0, 100));
}
