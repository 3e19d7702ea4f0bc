// @vitest-environment happy-dom
// The on-page notice (the speak shortcut without a voice, when no bubble is open): a closed shadow
// root in the shipped build, text only, gone after its time or on Esc.
import { h, render } from 'preact';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Bubble } from '@/components/bubble/Bubble';
import { mountKnownTip } from '@/components/bubble/known-tip';
import { mountPageNotice } from '@/components/bubble/page-notice';
import { mountBubble } from '@/components/bubble/mount-bubble';

const runtime = vi.hoisted(() => ({ onConnect: [] as ((port: unknown) => void)[] }));
vi.mock('wxt/browser', () => ({
  browser: {
    runtime: {
      id: 'sesame',
      getURL: (path: string) => `chrome-extension://sesame${path}`,
      onConnect: {
        addListener: (cb: (port: unknown) => void) => runtime.onConnect.push(cb),
        removeListener: (cb: (port: unknown) => void) => runtime.onConnect.splice(runtime.onConnect.indexOf(cb), 1),
      },
    },
  },
}));

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
  it('the content script keeps what it said across updates until told otherwise, and sends it to the frame', () => {
    const bubble = mountBubble(document, () => {}, { open: true });
    // The bubble's frame connects (the id is in its address), and is sent the props.
    const src = document.querySelector('sesame-bubble')!.shadowRoot!.querySelector('iframe')!.src;
    const sent: { kind: string; props?: { status?: string; title: string } }[] = [];
    const port = {
      name: `sesame-bubble:${new URL(src).searchParams.get('id')}`,
      sender: { id: 'sesame', url: 'chrome-extension://sesame/bubble.html' },
      postMessage: (m: (typeof sent)[number]) => void sent.push(m),
      onMessage: { addListener() {} },
      onDisconnect: { addListener() {} },
      disconnect() {},
    };
    for (const listener of runtime.onConnect) listener(port);
    const status = () => sent.filter((m) => m.kind === 'props').at(-1)?.props?.status;
    const state = { phase: 'working' as const, tool: 'sense' as const, label: 'Reading the page…', files: {} };
    bubble.update({ title: 'Meaning', state, anchor: { x: 0, y: 0 } });
    expect(status()).toBeUndefined();
    bubble.say('<b>No on-device Chinese voice</b>');
    expect(status()).toBe('<b>No on-device Chinese voice</b>');
    bubble.update({ title: 'Meaning', state: { ...state, label: 'Still reading…' }, anchor: { x: 0, y: 0 } });
    expect(status()).toBe('<b>No on-device Chinese voice</b>');
    bubble.say(null);
    expect(status()).toBeUndefined();
    bubble.close();
  });

  it('the frame shows it as text, announced as a status', () => {
    const container = document.createElement('div');
    document.body.append(container);
    const state = { phase: 'working' as const, tool: 'sense' as const, label: 'Reading the page…', files: {} };
    const view = (status?: string) =>
      render(h(Bubble, { title: 'Meaning', state, status, maxWidth: 380, maxHeight: 400, onClose: () => undefined }), container);
    view();
    expect(container.querySelector('[data-testid=bubble-status]')).toBeNull();
    view('<b>No on-device Chinese voice</b>');
    const shown = container.querySelector('[data-testid=bubble-status]');
    expect(shown?.textContent).toBe('<b>No on-device Chinese voice</b>');
    expect(shown?.querySelector('b')).toBeNull();
    expect(shown?.getAttribute('role')).toBe('status');
    render(null, container);
    container.remove();
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
