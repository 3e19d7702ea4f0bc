// Fields Sesame never reads or completes: passwords, one-time codes, payment data, keys and
// secrets, masked inputs, and inputs that were password fields before a "show password" toggle.
const SENSITIVE_AUTOCOMPLETE = /\b(current-password|new-password|one-time-code|cc-[a-z-]+|credit-card)\b/i;
const SENSITIVE_NAME = /pass(word|wd|code)?|pin\b|otp|one.?time|cvc|cvv|card.?num|iban|ssn/i;
/** Whole words of a name, id, label or autocomplete token that mark a secret. */
const SENSITIVE_WORDS = new Set(['pw', 'pwd', 'passwd', 'pin', 'otp', 'cvc', 'cvv', 'csc', 'ssn', 'iban', 'token', 'secret', 'apikey', 'totp', 'mfa', '2fa']);
/** The same words run together ("api_key" → "apikey", "accountNumber" → "accountnumber"). */
const SENSITIVE_JOINED =
  /apikey|accesskey|secretkey|privatekey|authtoken|accesstoken|accountnumber|accountno|acctnumber|acctno|routingnumber|sortcode|secretanswer|securityanswer|securitycode|cardnumber|creditcard|socialsecurity/;
/** Words that are a secret only on a field that also turns autocomplete off. */
const SUSPECT_WORDS = new Set(['answer', 'code', 'key', 'account', 'card', 'security', 'verification', 'verify', 'auth', 'cvn', 'number', 'question']);

export interface FieldLike {
  tagName: string;
  type?: string;
  autocomplete?: string;
  name?: string;
  id?: string;
  getAttribute(name: string): string | null;
}

/** Inputs seen as type=password at any time: a "show password" toggle does not make them safe. */
const wasPassword = new WeakSet<object>();

export function isSensitiveField(el: FieldLike): boolean {
  const tag = el.tagName.toLowerCase();
  const type = (el.type ?? el.getAttribute('type') ?? '').toLowerCase();
  if (tag === 'input' && type === 'password') {
    wasPassword.add(el);
    return true;
  }
  if (wasPassword.has(el)) return true;
  if (tag === 'input' && !['', 'text', 'search', 'email', 'url'].includes(type)) return true;
  const autocomplete = el.autocomplete ?? el.getAttribute('autocomplete') ?? '';
  if (SENSITIVE_AUTOCOMPLETE.test(autocomplete)) return true;
  const label = `${el.name ?? ''} ${el.id ?? ''} ${el.getAttribute('aria-label') ?? ''}`;
  if (SENSITIVE_NAME.test(label)) return true;
  const words = wordsOf(`${label} ${el.getAttribute('autocomplete') ?? autocomplete}`);
  if (words.some((w) => SENSITIVE_WORDS.has(w))) return true;
  if (SENSITIVE_JOINED.test(words.join(''))) return true;
  const off = /^\s*off\s*$/i.test(el.getAttribute('autocomplete') ?? autocomplete);
  if (off && words.some((w) => SUSPECT_WORDS.has(w))) return true;
  return isMasked(el);
}

/** Lower-case words of a name: split at punctuation, digits-to-letters and camelCase. */
export function wordsOf(label: string): string[] {
  return label
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

/** A field whose characters the page draws as dots (`-webkit-text-security`), like a password. */
function isMasked(el: FieldLike): boolean {
  const node = el as unknown as Element;
  const view = node.ownerDocument?.defaultView;
  if (!view || typeof view.getComputedStyle !== 'function') return false;
  try {
    const value = view.getComputedStyle(node).getPropertyValue('-webkit-text-security').trim();
    return value !== '' && value !== 'none';
  } catch {
    return false;
  }
}

/**
 * Remembers every input that is or becomes a password field in `doc`, so one turned into a text
 * field by a "show password" button stays excluded. Returns a function that stops watching.
 */
export function watchPasswordFields(doc: Document): () => void {
  const remember = (root: ParentNode): void => root.querySelectorAll('input').forEach((el) => el.type === 'password' && wasPassword.add(el));
  remember(doc);
  const View = doc.defaultView?.MutationObserver;
  if (!View) return () => {};
  const observer = new View((records) => {
    for (const r of records) {
      if (r.oldValue?.toLowerCase() === 'password' || (r.target as Element).getAttribute('type')?.toLowerCase() === 'password') wasPassword.add(r.target);
    }
  });
  // Only `type` changes are watched (cheap): a field inserted as a password and later shown is
  // caught by its old value, whenever it was inserted.
  observer.observe(doc, { subtree: true, attributes: true, attributeFilter: ['type'], attributeOldValue: true });
  return () => observer.disconnect();
}
