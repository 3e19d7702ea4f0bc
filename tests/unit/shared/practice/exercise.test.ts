import { describe, expect, it } from 'vitest';
import { ankiCsv, clozeText, csvField } from '@/models/shared/practice/anki-csv';
import { answersToCheck, applyCheck, clearBlank, retry, reveal, score, startExercise, takeHint, typeAnswer } from '@/models/shared/practice/exercise';
import { HISTORY_LIMIT, type HistoryEntry, validEntries, withEntry } from '@/models/shared/practice/history';
import { PASSAGES_KEPT, passageIn, withPassage } from '@/models/shared/practice/passage';
import type { ClozeCheckResult, ClozeResult } from '@/models/shared/protocol';

const cloze: ClozeResult = {
  type: 'cloze',
  lang: 'en',
  model: 'm/x',
  backend: 'wasm',
  text: 'The sleepy cattle graze near the barn.',
  blanks: [
    { start: 4, end: 10, answer: 'sleepy', candidates: [] },
    { start: 11, end: 17, answer: 'cattle', candidates: [] },
    { start: 33, end: 37, answer: 'barn', candidates: [] },
  ],
};
const check = (...verdicts: ('correct' | 'acceptable' | 'wrong')[]): ClozeCheckResult => ({
  type: 'cloze.check',
  lang: 'en',
  model: 'm/x',
  backend: 'wasm',
  passes: 1,
  blanks: verdicts.map((verdict) => ({ verdict, score: verdict === 'correct' ? 0 : -1, modelTop: [] })),
});

function entry(overrides: Partial<HistoryEntry> = {}): HistoryEntry {
  return {
    id: 'e1',
    date: Date.UTC(2025, 0, 2),
    url: 'https://example.com/a',
    lang: 'en',
    text: cloze.text,
    blanks: cloze.blanks.map((b) => ({ start: b.start, end: b.end, answer: b.answer, given: b.answer, verdict: 'correct' })),
    points: 3,
    max: 3,
    ...overrides,
  };
}

describe('exercise state and score', () => {
  it('scores 1 per correct/acceptable blank, ½ with a hint, 0 when wrong or revealed', () => {
    let ex = startExercise(cloze);
    ex = typeAnswer(ex, 0, 'sleepy');
    ex = takeHint(typeAnswer(ex, 1, 'cows'), 1, 2);
    ex = reveal(ex, 2);
    expect(ex.blanks[2]!.input).toBe('barn');
    expect(answersToCheck(ex)).toEqual(['sleepy', 'cows', '']);
    ex = applyCheck(ex, check('correct', 'acceptable', 'wrong'));
    expect(ex.checked).toBe(true);
    expect(ex.blanks[2]!.judgement).toBeNull();
    expect(score(ex)).toEqual({ points: 1.5, max: 3 });
  });

  it('typing clears a blank’s verdict; a revealed blank stays revealed; retry starts over', () => {
    let ex = applyCheck(typeAnswer(startExercise(cloze), 0, 'tired'), check('wrong', 'wrong', 'wrong'));
    expect(ex.blanks[0]!.judgement?.verdict).toBe('wrong');
    ex = typeAnswer(ex, 0, 'sleepy');
    expect(ex.blanks[0]!.judgement).toBeNull();
    ex = clearBlank(ex, 0);
    expect(ex.blanks[0]!.input).toBe('');
    ex = reveal(ex, 1);
    expect(typeAnswer(ex, 1, 'x').blanks[1]!.input).toBe('cattle');
    expect(takeHint(takeHint(takeHint(ex, 0, 2), 0, 2), 0, 2).blanks[0]!.hints).toBe(2);
    expect(retry(ex)).toEqual(startExercise(cloze));
  });
});

describe('Anki export', () => {
  it('quotes every field and doubles quotes', () => {
    expect(csvField('plain')).toBe('"plain"');
    expect(csvField('say "hi", then; go\nnow')).toBe('"say ""hi"", then; go\nnow"');
  });

  it('turns each blank into a numbered cloze deletion', () => {
    expect(clozeText(entry())).toBe('The {{c1::sleepy}} {{c2::cattle}} graze near the {{c3::barn}}.');
  });

  it('writes Anki headers and one escaped row per exercise', () => {
    const text = 'He said "stop", then; left\nquickly.';
    const at = text.indexOf('left');
    const e = entry({ text, blanks: [{ start: at, end: at + 4, answer: 'left', given: '', verdict: 'wrong' }], points: 0, max: 1 });
    const csv = ankiCsv([e]);
    const lines = csv.split('\n');
    expect(lines.slice(0, 4)).toEqual(['#separator:Comma', '#html:false', '#notetype:Cloze', '#columns:Text,Back Extra']);
    expect(csv).toContain('"He said ""stop"", then; {{c1::left}}\nquickly.","https://example.com/a\n2025-01-02 · 0/1"');
    expect(csv.endsWith('\n')).toBe(true);
    // Parsing it back as CSV gives the two fields intact.
    const row = csv.slice(csv.indexOf('\n"') + 1);
    const fields = [...row.matchAll(/"((?:[^"]|"")*)"/g)].map((m) => m[1]!.replace(/""/g, '"'));
    expect(fields).toEqual(['He said "stop", then; {{c1::left}}\nquickly.', 'https://example.com/a\n2025-01-02 · 0/1']);
  });

  it('keeps answers from breaking the cloze syntax', () => {
    const e = entry({ text: 'a}}b x::y', blanks: [{ start: 0, end: 4, answer: 'a}}b', given: '', verdict: null }] });
    expect(clozeText(e)).toBe('{{c1::a} }b}} x: :y');
  });
});

describe('history', () => {
  it('puts the newest first, replaces by id, and caps the list', () => {
    let list: HistoryEntry[] = [];
    for (let i = 0; i < HISTORY_LIMIT + 5; i++) list = withEntry(list, entry({ id: `e${i}`, date: i }));
    expect(list).toHaveLength(HISTORY_LIMIT);
    expect(list[0]!.id).toBe(`e${HISTORY_LIMIT + 4}`);
    list = withEntry(list, entry({ id: 'e50', points: 1 }));
    expect(list[0]).toMatchObject({ id: 'e50', points: 1 });
    expect(list.filter((e) => e.id === 'e50')).toHaveLength(1);
  });

  it('keeps only valid stored entries', () => {
    expect(validEntries(null)).toEqual([]);
    expect(validEntries([entry(), { id: 3 }, 'x', entry({ id: 'e2', lang: 'fr' as 'en' })])).toEqual([entry()]);
  });
});

describe('practice passages in session storage', () => {
  it('keeps the newest passages and reads back only valid ones', () => {
    let store = {};
    for (let i = 0; i < PASSAGES_KEPT + 3; i++) store = withPassage(store, `id${i}`, { text: `text ${i}`, url: '', createdAt: i });
    expect(Object.keys(store)).toHaveLength(PASSAGES_KEPT);
    expect(passageIn(store, 'id0')).toBeNull();
    expect(passageIn(store, `id${PASSAGES_KEPT + 2}`)).toEqual({ text: `text ${PASSAGES_KEPT + 2}`, url: '', createdAt: PASSAGES_KEPT + 2 });
    expect(passageIn({ x: { text: '', url: '', createdAt: 1 } }, 'x')).toBeNull();
    expect(passageIn(null, 'x')).toBeNull();
    expect(passageIn({ __proto__: { text: 'a', url: '', createdAt: 1 } }, 'toString')).toBeNull();
  });
});

describe('cloze messages', () => {
  it('validates difficulty, decoder and the check request', async () => {
    const { parse, toolRequest } = await import('@/models/shared/protocol');
    expect(parse(toolRequest, { type: 'cloze', text: 'a b c', blanks: 2, difficulty: 'hard', decode: 'left-to-right' }).ok).toBe(true);
    expect(parse(toolRequest, { type: 'cloze', text: 'a b c', blanks: 2, difficulty: 'extreme' }).ok).toBe(false);
    const check = { type: 'cloze.check', text: 'the bank', blanks: [{ start: 4, end: 8, answer: 'bank' }], answers: ['shore'] };
    expect(parse(toolRequest, check).ok).toBe(true);
    expect(parse(toolRequest, { ...check, blanks: [] }).ok).toBe(false);
    expect(parse(toolRequest, { ...check, answers: ['x'.repeat(65)] }).ok).toBe(false);
    expect(parse(toolRequest, { type: 'practice.open', text: '' }).ok).toBe(false);
  });
});
