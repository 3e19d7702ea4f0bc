// @vitest-environment happy-dom
// The on-page notice (the speak shortcut without a voice, when no bubble is open): a closed shadow
// root in the shipped build, text only, gone after its time or on Esc.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { mountKnownTip } from '@/components/bubble/known-tip';
import { mountPageNotice } from '@/components/bubble/page-notice';
import { mountBubble } from '@/components/bubble/mount-bubble';

afterEach(() => {
  vi.useRealTimers();
  document.documentElement.querySelectorAll('sesame-notice,sesame-bubble,sesame-known-tip').forEach((e) => e.remove());
});

const box = () => document.querySelector('sesame-notice')!.shadowRoot!.querySelector<HTMLElement>('[data-testid=page-notice]')!;

describe('page notice', () => {
  it('shows page-supplied text as text, never as HTML, announced as a status', () => {
    const notice = mountPageNotice(document, { open: true });
    notice.show('<img src=x onerror=alert(1)> No on-device English voice', { left: 10, top: 10, bottom: 30 });
    expect(box().textContent).toBe('<img src=x onerror=alert(1)> No on-device English voice');
    expect(box().querySelector('img')).toBeNull();
    expect(box().hidden).toBe(false);
    expect(box().getAttribute('role')).toBe('status');
    expect(box().style.top).toBe('38px');
  });

  it('is closed to page script in the shipped build', () => {
    mountPageNotice(document).show('hello');
    expect(document.querySelector('sesame-notice')!.shadowRoot).toBeNull();
  });

  it('goes after its time, or on Esc, and can be shown again', () => {
    vi.useFakeTimers();
    const notice = mountPageNotice(document, { open: true, ms: 1000 });
    notice.show('one');
    vi.advanceTimersByTime(999);
    expect(box().hidden).toBe(false);
    vi.advanceTimersByTime(2);
    expect(box().hidden).toBe(true);
    notice.show('two');
    expect(box().hidden).toBe(false);
    document.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape' }));
    expect(box().hidden).toBe(true);
    notice.remove();
    expect(document.querySelector('sesame-notice')).toBeNull();
  });
});

describe('the bubble says a status beside its result', () => {
  it('keeps what it said across updates until told otherwise, as text', () => {
    const bubble = mountBubble(document, () => {}, { open: true });
    const root = () => document.querySelector('sesame-bubble')!.shadowRoot!;
    const state = { phase: 'working' as const, tool: 'sense' as const, label: 'Reading the page…', files: {} };
    bubble.update({ title: 'Meaning', state, anchor: { x: 0, y: 0 } });
    expect(root().querySelector('[data-testid=bubble-status]')).toBeNull();
    bubble.say('<b>No on-device Chinese voice</b>');
    const status = () => root().querySelector('[data-testid=bubble-status]');
    expect(status()?.textContent).toBe('<b>No on-device Chinese voice</b>');
    expect(status()?.querySelector('b')).toBeNull();
    expect(status()?.getAttribute('role')).toBe('status');
    bubble.update({ title: 'Meaning', state: { ...state, label: 'Still reading…' }, anchor: { x: 0, y: 0 } });
    expect(status()?.textContent).toBe('<b>No on-device Chinese voice</b>');
    bubble.say(null);
    expect(status()).toBeNull();
    bubble.close();
  });
});

// Sesame's own elements are not page text: the known-words scan and hover lookup skip the notice.
describe('the notice is Sesame’s own', () => {
  it('is skipped like the tip', async () => {
    const { NOT_PAGE_TEXT } = await import('@/models/page/hover/text-at-point');
    mountKnownTip(document, { open: true });
    mountPageNotice(document, { open: true });
    expect(document.querySelector('sesame-notice')!.matches(NOT_PAGE_TEXT)).toBe(true);
    expect(document.querySelector('sesame-known-tip')!.matches(NOT_PAGE_TEXT)).toBe(true);
  });
});
