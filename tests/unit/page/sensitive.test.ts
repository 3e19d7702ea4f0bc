// @vitest-environment happy-dom
// Each rule of models/page/sensitive.ts, on plain objects and on real elements.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { isSensitiveField, watchPasswordFields } from '@/models/page/sensitive';
import { completionFieldOf } from '@/models/page/completion/field';

const field = (attrs: Record<string, string>, tagName = 'INPUT') => ({
  tagName,
  type: attrs.type,
  autocomplete: attrs.autocomplete,
  name: attrs.name,
  id: attrs.id,
  getAttribute: (n: string) => attrs[n] ?? null,
});

afterEach(() => {
  document.body.innerHTML = '';
});

describe('sensitive fields: names, ids and autocomplete tokens', () => {
  it.each([
    ['name', 'pwd'],
    ['name', 'pw'],
    ['id', 'user_pw'],
    ['name', 'passwd'],
    ['name', 'api_key'],
    ['id', 'apiKey'],
    ['name', 'apikey'],
    ['name', 'token'],
    ['id', 'csrf-token'],
    ['name', 'secret'],
    ['name', 'client_secret'],
    ['name', 'account_number'],
    ['id', 'accountNumber'],
    ['name', 'iban'],
    ['name', 'ssn'],
    ['name', 'secret_answer'],
    ['id', 'securityAnswer'],
    ['name', 'cvc'],
    ['autocomplete', 'cc-csc'],
  ])('%s=%s is sensitive', (attr, value) => {
    expect(isSensitiveField(field({ type: 'text', [attr]: value }))).toBe(true);
  });

  it.each(['comment', 'message', 'title', 'search', 'tokenizer_notes', 'keyboard', 'answer', 'account'])('name=%s alone is not', (name) => {
    expect(isSensitiveField(field({ type: 'text', name }))).toBe(false);
  });

  it('autocomplete="off" with a suspect name is sensitive; either alone is not', () => {
    expect(isSensitiveField(field({ type: 'text', name: 'answer', autocomplete: 'off' }))).toBe(true);
    expect(isSensitiveField(field({ type: 'text', id: 'verification-code', autocomplete: 'off' }))).toBe(true);
    expect(isSensitiveField(field({ type: 'text', name: 'account', autocomplete: 'off' }))).toBe(true);
    expect(isSensitiveField(field({ type: 'text', name: 'comment', autocomplete: 'off' }))).toBe(false);
    expect(isSensitiveField(field({ type: 'text', name: 'answer' }))).toBe(false);
  });
});

describe('sensitive fields: what the page does to the element', () => {
  it('a masked input (-webkit-text-security) is sensitive', () => {
    document.body.innerHTML = '<input id="a" type="text" name="note"><input id="b" type="text" name="note" class="dots">';
    const a = document.getElementById('a') as HTMLInputElement;
    const b = document.getElementById('b') as HTMLInputElement;
    // happy-dom computes no -webkit-text-security: answer as Chromium does for a `.dots { -webkit-text-security: disc }` rule.
    const real = window.getComputedStyle.bind(window);
    vi.spyOn(window, 'getComputedStyle').mockImplementation((el: Element) => {
      const style = real(el);
      if (!(el as HTMLElement).classList?.contains('dots')) return style;
      return new Proxy(style, {
        get: (t, p) => (p === 'getPropertyValue' ? (n: string) => (n === '-webkit-text-security' ? 'disc' : t.getPropertyValue(n)) : Reflect.get(t, p)),
      });
    });
    expect(isSensitiveField(a)).toBe(false);
    expect(isSensitiveField(b)).toBe(true);
    expect(completionFieldOf(b)).toBeNull();
    vi.restoreAllMocks();
  });

  it('a password field shown as text by a toggle stays sensitive, whether or not Sesame looked at it before', async () => {
    document.body.innerHTML = '<input id="seen" type="password" name="x"><input id="unseen" type="password" name="y"><input id="plain" type="text" name="z">';
    const stop = watchPasswordFields(document);
    const seen = document.getElementById('seen') as HTMLInputElement;
    expect(isSensitiveField(seen)).toBe(true);
    seen.type = 'text';
    expect(isSensitiveField(seen)).toBe(true);
    // Inserted later and toggled before Sesame ever checks it: the watcher saw the old type.
    const late = document.createElement('input');
    late.type = 'password';
    late.name = 'q';
    document.body.append(late);
    await Promise.resolve();
    late.setAttribute('type', 'text');
    await new Promise((r) => setTimeout(r, 0));
    expect(isSensitiveField(late)).toBe(true);
    expect(completionFieldOf(late)).toBeNull();
    expect(isSensitiveField(document.getElementById('plain') as HTMLInputElement)).toBe(false);
    stop();
  });
});
