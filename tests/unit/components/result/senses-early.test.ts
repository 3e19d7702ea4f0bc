// @vitest-environment happy-dom
// The bubble shows the senses of the page's uses as soon as the host has clustered them (an
// update), before the glosses (which take more passes) and the result arrive.
import { h, render } from 'preact';
import { afterEach, describe, expect, it } from 'vitest';
import { ToolStateView } from '@/components/result/ResultView';
import type { Update } from '@/models/shared/protocol';

let root: HTMLElement;
afterEach(() => {
  render(null, root);
  root.remove();
});

const update = (clusters?: Extract<Update, { type: 'sense' }>['clusters']): Extract<Update, { type: 'sense' }> => ({
  type: 'sense',
  word: 'bank',
  lang: 'en',
  substitutes: [{ text: 'shore', score: 0.4 }],
  done: 3,
  total: 3,
  ...(clusters ? { clusters } : {}),
});

const draw = (u: Extract<Update, { type: 'sense' }>) =>
  render(h(ToolStateView, { state: { phase: 'working', tool: 'sense', label: 'Reading…', files: {}, sense: u } }), root);

describe('senses before the result', () => {
  it('renders no senses from an update without clusters, and every sense from one with them', () => {
    root = document.body.appendChild(document.createElement('div'));
    draw(update());
    expect(root.querySelectorAll('[data-testid=sense]')).toHaveLength(0);
    expect(root.querySelector('[data-testid=substitutes]')?.textContent).toContain('shore');

    draw(
      update([
        { label: ['shore', 'edge'], members: [0, 2], selected: true },
        { label: ['lender'], members: [1], selected: false },
      ]),
    );
    const senses = [...root.querySelectorAll('[data-testid=sense]')];
    expect(senses.map((s) => s.getAttribute('data-selected'))).toEqual(['true', 'false']);
    expect(senses[0]!.textContent).toContain('shore · edge');
    // Still working: the glosses are on their way.
    expect(root.querySelector('[aria-busy=true]')).not.toBeNull();
    expect(root.querySelector('[data-testid=working]')).not.toBeNull();
  });
});
