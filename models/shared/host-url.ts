// Where model files may come from: https anywhere, plain http only from this machine (a local
// mirror on the loopback interface). A host URL is at most 500 characters.
export const HOST_URL_MAX = 500;

const LOOPBACK = /^http:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d{1,5})?(\/|$)/i;

/** Why `url` cannot be a model host, or null when it can. */
export function modelHostProblem(url: string): string | null {
  if (url.length > HOST_URL_MAX) return `longer than ${HOST_URL_MAX} characters`;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'not a URL';
  }
  if (parsed.username || parsed.password) return 'must not contain a user name or password';
  if (parsed.protocol === 'https:') return null;
  if (parsed.protocol === 'http:' && LOOPBACK.test(url)) return null;
  return 'must be an https:// URL (plain http:// only for 127.0.0.1, localhost or [::1])';
}

export function isAllowedModelHost(url: string): boolean {
  return modelHostProblem(url) === null;
}
