// @vitest-environment happy-dom
// The review page takes a rating key as soon as the verdict is drawn: the keys are bound in the
// same commit (a layout effect), not after the paint, where a key pressed at once was lost (seen
// in the learning e2e under load).
import { h, render } from 'preact';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { DueCard, ToolRequest } from '@/models/shared/protocol';

const asked: ToolRequest[] = [];
const CARD: DueCard = {
  id: 'w-bank',
  lang: 'en',
  word: 'bank',
  senseKey: ['shore'],
  sentence: 'We sat on the bank of the river.',
  start: 14,
  end: 18,
  url: 'https://example.test/',
  contexts: 1,
  reps: 0,
  next: { again: 60_000, hard: 600_000, good: 86_400_000, easy: 345_600_000 },
};
vi.mock('@/models/shared/client', () => ({
  request: async (r: ToolRequest) => {
    asked.push(r);
    if (r.type === 'review.due') return { cards: [CARD], due: 1 };
    if (r.type === 'review.rate') return { due: 0 };
    throw new Error(`unexpected ${r.type}`);
  },
}));
// The page's storage (this week's passage) is not part of this test, and there is no extension storage here.
vi.mock('@/models/shared/review/review-store', () => ({ loadReview: async () => ({ cards: [] }) }));

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));
let root: HTMLElement;
afterEach(() => {
  render(null, root);
  root.remove();
});

describe('review rating keys', () => {
  it('a key pressed in the same task the verdict appears rates the card', async () => {
    const { ReviewPage } = await import('@/components/review/ReviewPage');
    root = document.body.appendChild(document.createElement('div'));
    render(h(ReviewPage, null), root);
    for (let i = 0; i < 20 && !root.querySelector('[data-testid=review-answer]'); i++) await tick();
    const answer = root.querySelector<HTMLInputElement>('[data-testid=review-answer]')!;
    expect(answer).not.toBeNull();
    // The moment the verdict is in the document, before anything else runs, "4" (Easy) is pressed.
    new MutationObserver((_, observer) => {
      if (!root.querySelector('[data-testid=review-verdict]')) return;
      observer.disconnect();
      window.dispatchEvent(new KeyboardEvent('keydown', { key: '4', bubbles: true }));
    }).observe(root, { childList: true, subtree: true });
    answer.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true }));
    for (let i = 0; i < 20 && !asked.some((r) => r.type === 'review.rate'); i++) await tick();
    expect(asked.filter((r) => r.type === 'review.rate')).toEqual([{ type: 'review.rate', id: 'w-bank', rating: 'easy' }]);
  });
});
