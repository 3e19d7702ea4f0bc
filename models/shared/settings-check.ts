// Options' checks on save: each field is checked with the validators the host applies to the
// config it is given (protocol.ts), so a setting that is saved is one the host accepts. A value
// that fails is not saved; Options shows why next to the field and keeps what was typed.
import { HOST_URL_MAX, modelHostProblem } from './host-url';
import { hostConfig, modelId, parse } from './protocol';

export type Checked<T> = { ok: true; value: T } | { ok: false; problem: string };

/** A model host URL as typed: empty means the hub; a trailing slash is added. */
export function checkModelHost(input: string, fallback: string): Checked<string> {
  const text = input.trim() || fallback;
  const url = text.endsWith('/') ? text : `${text}/`;
  if (url.length > HOST_URL_MAX) return { ok: false, problem: `longer than ${HOST_URL_MAX} characters` };
  const problem = modelHostProblem(url);
  return problem ? { ok: false, problem } : { ok: true, value: url };
}

/** A model id as typed (`owner/name`); empty means the default model. */
export function checkModelId(input: string): Checked<string | null> {
  const text = input.trim();
  if (!text) return { ok: true, value: null };
  if (/^[a-z][a-z0-9+.-]*:/i.test(text)) return { ok: false, problem: 'a model id, not a URL: owner/name, as on the hub' };
  if (/\s/.test(text)) return { ok: false, problem: 'a model id has no spaces' };
  const checked = parse(modelId, text);
  return checked.ok ? { ok: true, value: text } : { ok: false, problem: 'letters, digits and . _ - / @ only, up to 200 characters' };
}

/** Minutes before idle models are released, as typed: a whole number from 1 to 240. */
export function checkIdleMinutes(input: string): Checked<number> {
  const text = input.trim();
  const n = Number(text);
  if (!text || !Number.isInteger(n) || n < 1 || n > 240) return { ok: false, problem: 'a whole number of minutes from 1 to 240' };
  // The host config carries milliseconds: checked with its own validator.
  const checked = parse(hostConfig, { remoteHost: 'https://huggingface.co/', idleReleaseMs: n * 60_000, preferBackend: 'auto' });
  return checked.ok ? { ok: true, value: n } : { ok: false, problem: checked.reason };
}
