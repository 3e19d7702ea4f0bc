// Completing a half-typed word ("The quick bro|"). The prompt's last token is a fragment the model
// rarely saw at the end of a text ("bro" as its own token), so continuing after it gives poor text.
// Instead the last token is taken back, and the continuation must start with its text: the first
// generated tokens are chosen only among those that agree with it (" bro" → " brown", " bro" + "wn"),
// and the characters the user already typed are not sent back. (Token healing, as in Microsoft's
// guidance library.)

export interface Healing {
  /** The prompt's ids without the taken-back token. */
  ids: readonly number[];
  /** The taken-back token: its text must begin the continuation. */
  token: number;
  text: string;
}

/** Whether a prompt ends inside a word: a letter or digit last, in a script written with spaces. */
export function endsMidWord(prompt: string): boolean {
  return /[\p{L}\p{N}]$/u.test(prompt) && !/[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}]$/u.test(prompt);
}

/** Takes back the last token, when it decodes to whole characters and something is left before it. */
export function healTail(ids: readonly number[], decode: (ids: number[]) => string): Healing | null {
  const token = ids.at(-1);
  if (token === undefined || ids.length < 2) return null;
  const text = decode([token]);
  if (!text.trim() || text.includes('\uFFFD')) return null;
  return { ids: ids.slice(0, -1), token, text };
}

/** Whether a token may come next while `rest` of the taken-back text is still to be spelt. */
export function fitsRest(token: string, rest: string): boolean {
  return token.length > 0 && (token.startsWith(rest) || rest.startsWith(token));
}

/** What is left to spell after `token`. */
export function restAfter(token: string, rest: string): string {
  return rest.startsWith(token) ? rest.slice(token.length) : '';
}

/** How many of the best-scored tokens are considered for a constrained step. */
export const HEAL_CANDIDATES = 256;

/**
 * The logits with every token that does not fit `rest` (and all but the best `k`) set to -∞, so
 * greedy decoding and sampling alike pick a fitting token; null when none of the best `k` fits.
 */
export function maskToFit(logits: Float32Array, rest: string, textOf: (id: number) => string, k = HEAL_CANDIDATES): Float32Array | null {
  const order = Array.from(logits.keys())
    .sort((a, b) => (logits[b] ?? 0) - (logits[a] ?? 0))
    .slice(0, k);
  const masked = new Float32Array(logits.length).fill(Number.NEGATIVE_INFINITY);
  let any = false;
  for (const id of order) {
    if (!fitsRest(textOf(id), rest)) continue;
    masked[id] = logits[id] ?? 0;
    any = true;
  }
  return any ? masked : null;
}

/** Drops the first `count` characters of a stream of deltas: the part of the word the user typed. */
export function skipper(count: number): (delta: string) => string {
  let left = count;
  return (delta) => {
    const cut = Math.min(left, delta.length);
    left -= cut;
    return delta.slice(cut);
  };
}
