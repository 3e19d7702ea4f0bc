// @vitest-environment happy-dom
// A field keeps what the user is typing when its page re-renders (a reply arriving mid-typing set a
// controlled input back to the stored value, so Options lost the text before Enter saved it).
import { h, render } from 'preact';
import { afterEach, describe, expect, it } from 'vitest';
import { TypedInput } from '@/components/common/TypedInput';

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));
let root: HTMLElement;
afterEach(() => {
  render(null, root);
  root.remove();
});

describe('TypedInput', () => {
  it('keeps typed text across re-renders and shows the stored value again once left', async () => {
    root = document.body.appendChild(document.createElement('div'));
    const changes: string[] = [];
    const draw = (value: string, status: string) =>
      render(
        h('form', null, h('span', null, status), h(TypedInput, { value, onChange: (e: Event) => changes.push((e.target as HTMLInputElement).value) })),
        root,
      );
    draw('stored', 'loading');
    const input = root.querySelector('input')!;
    expect(input.value).toBe('stored');

    input.focus();
    input.value = 'typed by hand';
    input.dispatchEvent(new Event('input', { bubbles: true }));
    await tick();
    draw('stored', 'the model list arrived');
    await tick();
    expect(input.value).toBe('typed by hand');

    input.dispatchEvent(new Event('change', { bubbles: true }));
    expect(changes).toEqual(['typed by hand']);
    input.dispatchEvent(new Event('blur'));
    await tick();
    draw('saved', 'saved');
    await tick();
    expect(input.value).toBe('saved');
  });
});
