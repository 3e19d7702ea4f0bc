// Fields Sesame never reads or completes: passwords, one-time codes, payment data.
const SENSITIVE_AUTOCOMPLETE = /\b(current-password|new-password|one-time-code|cc-[a-z-]+|credit-card)\b/i;
const SENSITIVE_NAME = /pass(word|wd|code)?|pin\b|otp|one.?time|cvc|cvv|card.?num|iban|ssn/i;

export interface FieldLike {
  tagName: string;
  type?: string;
  autocomplete?: string;
  name?: string;
  id?: string;
  getAttribute(name: string): string | null;
}

export function isSensitiveField(el: FieldLike): boolean {
  const tag = el.tagName.toLowerCase();
  const type = (el.type ?? el.getAttribute('type') ?? '').toLowerCase();
  if (tag === 'input' && type === 'password') return true;
  if (tag === 'input' && !['', 'text', 'search', 'email', 'url'].includes(type)) return true;
  const autocomplete = el.autocomplete ?? el.getAttribute('autocomplete') ?? '';
  if (SENSITIVE_AUTOCOMPLETE.test(autocomplete)) return true;
  const label = `${el.name ?? ''} ${el.id ?? ''} ${el.getAttribute('aria-label') ?? ''}`;
  return SENSITIVE_NAME.test(label);
}
