// @vitest-environment happy-dom
// The practice page's exercise and history speak the UI language: in Chinese no English is left
// but key names and the learner's own text; in English the wording the e2e tests match is kept.
import { h, render } from 'preact';
import { afterEach, describe, expect, it } from 'vitest';
import { ClozeExercise, type ExerciseActions } from '@/components/practice/ClozeExercise';
import { HistoryList } from '@/components/practice/HistoryList';
import { applyCheck, reveal, startExercise, takeHint } from '@/models/shared/practice/exercise';
import { buildHints } from '@/models/shared/practice/hints';
import { setUiLanguage, type UiLanguage } from '@/models/shared/i18n';
import type { ClozeResult } from '@/models/shared/protocol';

const cloze: ClozeResult = {
  type: 'cloze',
  lang: 'en',
  model: 'm/x',
  backend: 'wasm',
  text: 'The sleepy cattle graze near the old barn.',
  blanks: [
    { start: 4, end: 10, answer: 'sleepy', candidates: [] },
    { start: 11, end: 17, answer: 'cattle', candidates: [] },
    { start: 23, end: 27, answer: 'near', candidates: [] },
    { start: 36, end: 40, answer: 'barn', candidates: [{ text: 'barn', score: 0.5 }] },
  ],
};
const noop = () => undefined;
const actions: ExerciseActions = { type: noop, check: noop, hint: noop, reveal: noop, clear: noop, retry: noop };

/** A checked exercise with every verdict, a hint, a revealed answer, and its history entry. */
function renderPractice(lang: UiLanguage): HTMLElement {
  setUiLanguage(lang);
  let ex = applyCheck(startExercise(cloze), {
    type: 'cloze.check',
    lang: 'en',
    model: 'm/x',
    backend: 'wasm',
    passes: 1,
    blanks: (['correct', 'acceptable', 'wrong', 'wrong'] as const).map((verdict, i) => ({
      verdict,
      score: i === 1 ? -1 : 0,
      modelTop: [{ text: 'calm', score: 0.25 }],
    })),
  });
  ex = reveal(takeHint(ex, 0, 2), 3);
  const hints = cloze.blanks.map((b) => buildHints(b.answer, 'en'));
  const entry = {
    id: 'e',
    date: 0,
    url: '',
    lang: 'en' as const,
    text: cloze.text,
    blanks: [{ start: 4, end: 10, answer: 'sleepy', given: 'calm', verdict: 'wrong' as const }],
    points: 0,
    max: 1,
  };
  const root = document.createElement('div');
  render(h('div', null, h(ClozeExercise, { ex, hints, checking: false, actions }), h(HistoryList, { entries: [entry], onClear: noop })), root);
  return root;
}

/** What the page says on its own: text and accessible names, less the passage and the answers. */
function uiText(root: HTMLElement): string {
  root.querySelector('[data-testid=passage]')!.remove();
  const labels = [...root.querySelectorAll('[aria-label]')].map((el) => el.getAttribute('aria-label'));
  return [root.textContent, ...labels].join(' ').replace(/\b(sleepy|cattle|near|barn|calm)\b/g, '');
}

afterEach(() => setUiLanguage('en'));

describe('the practice page in the UI language', () => {
  it('keeps the English wording', () => {
    const root = renderPractice('en');
    const text = root.textContent!;
    for (const s of [
      '✓ Correct',
      '≈ Acceptable',
      '✗ Not quite',
      ' — the model rates it 37% as likely as the original',
      'Answer: barn',
      'Score: 1.5 / 4',
      ' · 6 letters',
      'Model’s top answers: calm 25%',
      'Check (Enter)',
      'Export for Anki (CSV)',
    ]) {
      expect(text).toContain(s);
    }
    expect(root.querySelector('[data-testid=blank-input]')!.getAttribute('aria-label')).toBe('Blank 1 of 4');
    // The learner's language is marked on the answers, not on the UI's words around them.
    expect(root.querySelector('.revealed [lang=en]')!.textContent).toBe('barn');
  });

  it('leaves no English in Chinese but key names and product names', () => {
    const words = uiText(renderPractice('zh_CN')).match(/[A-Za-z]{2,}/g) ?? [];
    expect(words.filter((w) => !['Tab', 'Enter', 'Esc', 'Alt', 'Anki', 'CSV'].includes(w))).toEqual([]);
  });
});
