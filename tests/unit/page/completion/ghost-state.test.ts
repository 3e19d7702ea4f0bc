import { describe, expect, it } from 'vitest';
import {
  canSuggestAt,
  type GhostEffect,
  type GhostEvent,
  type GhostOptions,
  type GhostState,
  initialGhostState,
  nextWord,
  promptWindow,
  step,
} from '@/models/page/completion/ghost-state';

/** Runs events through the machine, collecting every effect. */
function drive(events: GhostEvent[], options: GhostOptions = {}, from: GhostState = initialGhostState()) {
  let state = from;
  const effects: GhostEffect[] = [];
  for (const event of events) {
    const out = step(state, event, options);
    state = out.state;
    effects.push(...out.effects);
  }
  return { state, effects };
}

const typed = (text: string, multiline = true): GhostEvent => ({ type: 'input', text, caret: text.length, multiline });

/** A field showing `ghost` after `text`, with request 1 finished. */
function shown(text: string, ghost: string, multiline = true) {
  const out = drive([typed(text, multiline), { type: 'timeout', timerId: 1 }, { type: 'delta', requestId: 1, delta: ghost }, { type: 'done', requestId: 1 }]);
  expect(out.state.phase).toBe('shown');
  expect(out.state.ghost).toBe(ghost);
  return out.state;
}

describe('ghost state: asking', () => {
  it('waits for a pause, then asks with the text before the caret', () => {
    const first = step(initialGhostState(), typed('Hello'));
    expect(first.state.phase).toBe('waiting');
    expect(first.effects).toEqual([{ type: 'schedule', timerId: 1 }]);
    const asked = step(first.state, { type: 'timeout', timerId: 1 });
    expect(asked.state.phase).toBe('streaming');
    expect(asked.effects).toEqual([{ type: 'start-request', requestId: 1, prompt: 'Hello' }]);
  });

  it('ignores an expired timer that was replaced by later typing', () => {
    const { state, effects } = drive([typed('He'), typed('Hel'), { type: 'timeout', timerId: 1 }]);
    expect(effects.filter((e) => e.type === 'start-request')).toEqual([]);
    expect(state.phase).toBe('waiting');
    expect(step(state, { type: 'timeout', timerId: 2 }).effects).toEqual([{ type: 'start-request', requestId: 1, prompt: 'Hel' }]);
  });

  it('grows the ghost from deltas and shows it when the stream ends', () => {
    const { state, effects } = drive([
      typed('The cat'),
      { type: 'timeout', timerId: 1 },
      { type: 'delta', requestId: 1, delta: ' sat' },
      { type: 'delta', requestId: 1, delta: ' on' },
      { type: 'done', requestId: 1 },
    ]);
    expect(effects.filter((e) => e.type === 'render')).toEqual([
      { type: 'render', ghost: ' sat' },
      { type: 'render', ghost: ' sat on' },
    ]);
    expect(state).toMatchObject({ phase: 'shown', ghost: ' sat on' });
  });

  it('does not ask where text follows the caret on its line, or for blank text', () => {
    expect(step(initialGhostState(), { type: 'input', text: 'ab cd', caret: 2 }).effects).toEqual([]);
    expect(step(initialGhostState(), { type: 'input', text: '   ', caret: 3 }).effects).toEqual([]);
    expect(canSuggestAt('ab\ncd', 2)).toBe(true);
    expect(canSuggestAt('ab  \ncd', 2)).toBe(true);
    expect(canSuggestAt('ab cd', 2)).toBe(false);
  });

  it('asks mid-line where only closing punctuation follows the caret, and mid-word', () => {
    expect(canSuggestAt('(the quick bro)', 14)).toBe(true);
    expect(canSuggestAt('He said "hel".\nnext', 12)).toBe(true);
    expect(canSuggestAt('我去银行。', 4)).toBe(true);
    expect(canSuggestAt('(the quick bro) fox', 14)).toBe(false);
    expect(canSuggestAt('a(b', 1)).toBe(false);
    // Mid-word: no space needed before a request.
    const waiting = step(initialGhostState(), { type: 'input', text: 'The quick bro)', caret: 13 });
    expect(waiting.state.phase).toBe('waiting');
    const started = step(waiting.state, { type: 'timeout', timerId: waiting.state.timerId });
    expect(started.effects).toEqual([{ type: 'start-request', requestId: 1, prompt: 'The quick bro' }]);
  });

  it('does not schedule when automatic suggestions are off, but a trigger asks at once', () => {
    const off = drive([typed('Hello')], { autoSuggest: false });
    expect(off.effects).toEqual([]);
    expect(off.state.phase).toBe('idle');
    const now = step(off.state, { type: 'trigger', text: 'Hello', caret: 5 }, { autoSuggest: false });
    expect(now.effects).toEqual([{ type: 'start-request', requestId: 1, prompt: 'Hello' }]);
  });

  it('a trigger during a stream cancels it and asks again', () => {
    const { effects, state } = drive([typed('Hi'), { type: 'timeout', timerId: 1 }, { type: 'trigger', text: 'Hi', caret: 2 }]);
    expect(effects.slice(-2)).toEqual([
      { type: 'cancel', requestId: 1 },
      { type: 'start-request', requestId: 2, prompt: 'Hi' },
    ]);
    expect(state.requestId).toBe(2);
  });

  it('cuts long prompts to the last characters, at a word boundary', () => {
    const long = `${'word '.repeat(1000)}end`;
    const prompt = promptWindow(long, 100);
    expect(prompt.length).toBeLessThanOrEqual(100);
    expect(long.endsWith(prompt)).toBe(true);
    expect(prompt.startsWith('word')).toBe(true);
    const { effects } = drive([typed(long), { type: 'timeout', timerId: 1 }], { maxPromptChars: 100 });
    expect(effects.at(-1)).toEqual({ type: 'start-request', requestId: 1, prompt });
  });
});

describe('ghost state: typing over a ghost', () => {
  it('consumes typed characters that match the ghost without a new request', () => {
    const state = shown('The cat', ' sat on the mat');
    const { state: after, effects } = drive([typed('The cat '), typed('The cat s'), typed('The cat sa')], {}, state);
    expect(after.ghost).toBe('t on the mat');
    expect(after.phase).toBe('shown');
    expect(effects).toEqual([
      { type: 'render', ghost: 'sat on the mat' },
      { type: 'render', ghost: 'at on the mat' },
      { type: 'render', ghost: 't on the mat' },
    ]);
  });

  it('consumes while the stream is still running, and later deltas extend what is left', () => {
    const { state, effects } = drive([
      typed('The cat'),
      { type: 'timeout', timerId: 1 },
      { type: 'delta', requestId: 1, delta: ' sat' },
      typed('The cat '),
      { type: 'delta', requestId: 1, delta: ' down' },
    ]);
    expect(effects.some((e) => e.type === 'cancel')).toBe(false);
    expect(state).toMatchObject({ phase: 'streaming', ghost: 'sat down' });
  });

  it('typing the whole ghost goes back to waiting for the next pause', () => {
    const state = shown('Hi', ' there');
    const { state: after, effects } = drive([typed('Hi there')], {}, state);
    expect(after.phase).toBe('waiting');
    expect(effects).toEqual([
      { type: 'render', ghost: '' },
      { type: 'schedule', timerId: state.timerId + 1 },
    ]);
  });

  it('typing a different character cancels the request at once and restarts the pause', () => {
    const { state, effects } = drive([typed('The cat'), { type: 'timeout', timerId: 1 }, { type: 'delta', requestId: 1, delta: ' sat' }, typed('The cat w')]);
    expect(effects.slice(-3)).toEqual([
      { type: 'cancel', requestId: 1 },
      { type: 'render', ghost: '' },
      { type: 'schedule', timerId: 2 },
    ]);
    expect(state).toMatchObject({ phase: 'waiting', ghost: '' });
  });

  it('deleting a character is not a match either', () => {
    const state = shown('The cat', ' sat');
    const { state: after, effects } = drive([typed('The ca')], {}, state);
    expect(effects).toEqual([
      { type: 'render', ghost: '' },
      { type: 'schedule', timerId: state.timerId + 1 },
    ]);
    expect(after.phase).toBe('waiting');
  });

  it('an input event that changes nothing (our own insertion echoing back) is ignored', () => {
    const state = shown('Hi', ' there');
    expect(step(state, typed('Hi')).effects).toEqual([]);
  });
});

describe('ghost state: accepting and dismissing', () => {
  it('Tab accepts the whole ghost and waits for the next pause', () => {
    const state = shown('The cat', ' sat on the mat');
    const { state: after, effects } = drive([{ type: 'accept-all' }], {}, state);
    expect(effects).toEqual([
      { type: 'insert', text: ' sat on the mat' },
      { type: 'render', ghost: '' },
      { type: 'schedule', timerId: state.timerId + 1 },
    ]);
    expect(after).toMatchObject({ phase: 'waiting', text: 'The cat sat on the mat', caret: 22, ghost: '' });
    // The insertion's own input event is no change.
    expect(step(after, typed('The cat sat on the mat')).effects).toEqual([]);
  });

  it('accepting during the stream cancels the rest', () => {
    const { effects, state } = drive([
      typed('The cat'),
      { type: 'timeout', timerId: 1 },
      { type: 'delta', requestId: 1, delta: ' sat' },
      { type: 'accept-all' },
      { type: 'delta', requestId: 1, delta: ' down' },
    ]);
    expect(effects.slice(-4)).toEqual([
      { type: 'cancel', requestId: 1 },
      { type: 'insert', text: ' sat' },
      { type: 'render', ghost: '' },
      { type: 'schedule', timerId: 2 },
    ]);
    expect(state.ghost).toBe('');
  });

  it('Ctrl+→ accepts the next word with its leading space, keeping the rest', () => {
    const state = shown('The cat', ' sat on the mat');
    const one = step(state, { type: 'accept-word' });
    expect(one.effects).toEqual([
      { type: 'insert', text: ' sat' },
      { type: 'render', ghost: ' on the mat' },
    ]);
    expect(one.state).toMatchObject({ phase: 'shown', text: 'The cat sat', caret: 11, ghost: ' on the mat' });
    const rest = drive([{ type: 'accept-word' }, { type: 'accept-word' }, { type: 'accept-word' }], {}, one.state);
    expect(rest.effects.filter((e) => e.type === 'insert').map((e) => (e as { text: string }).text)).toEqual([' on', ' the', ' mat']);
    expect(rest.state).toMatchObject({ phase: 'waiting', text: 'The cat sat on the mat', ghost: '' });
  });

  it('splits words the way a reader would', () => {
    expect(nextWord(' world, and more')).toBe(' world,');
    expect(nextWord('  (aside) x')).toBe('  (aside)');
    expect(nextWord("don't stop")).toBe("don't");
    expect(nextWord('银行存钱')).toBe('银行');
    expect(nextWord('   ')).toBe('   ');
  });

  it('Esc cancels the request and clears the ghost', () => {
    const { state, effects } = drive([typed('The cat'), { type: 'timeout', timerId: 1 }, { type: 'delta', requestId: 1, delta: ' sat' }, { type: 'dismiss' }]);
    expect(effects.slice(-2)).toEqual([
      { type: 'cancel', requestId: 1 },
      { type: 'render', ghost: '' },
    ]);
    expect(state).toMatchObject({ phase: 'idle', ghost: '' });
    expect(step(state, { type: 'accept-all' }).effects).toEqual([]);
  });

  it('blur clears everything and forgets the text', () => {
    const state = shown('The cat', ' sat');
    const { state: after, effects } = drive([{ type: 'blur' }], {}, state);
    expect(effects).toEqual([{ type: 'render', ghost: '' }]);
    expect(after).toMatchObject({ phase: 'idle', ghost: '', text: '', caret: 0 });
    const streaming = drive([typed('Hi'), { type: 'timeout', timerId: 1 }, { type: 'blur' }]);
    expect(streaming.effects.at(-1)).toEqual({ type: 'cancel', requestId: 1 });
  });

  it('moving the caret dismisses; the same caret does not', () => {
    const state = shown('The cat', ' sat');
    expect(step(state, { type: 'move', text: 'The cat', caret: 7 }).effects).toEqual([]);
    const moved = step(state, { type: 'move', text: 'The cat', caret: 3 });
    expect(moved.effects).toEqual([{ type: 'render', ghost: '' }]);
    expect(moved.state.phase).toBe('idle');
  });
});

describe('ghost state: streams', () => {
  it('drops deltas and ends of stale requests', () => {
    const { state, effects } = drive([
      typed('A'),
      { type: 'timeout', timerId: 1 },
      typed('Ab'),
      { type: 'timeout', timerId: 2 },
      { type: 'delta', requestId: 1, delta: ' stale' },
      { type: 'done', requestId: 1 },
      { type: 'delta', requestId: 2, delta: 'c' },
    ]);
    expect(effects.filter((e) => e.type === 'render')).toEqual([{ type: 'render', ghost: 'c' }]);
    expect(state).toMatchObject({ phase: 'streaming', requestId: 2, ghost: 'c' });
  });

  it('50 rapid inputs leave only the latest request uncancelled', () => {
    const events: GhostEvent[] = [];
    let text = 'Start';
    for (let i = 1; i <= 50; i++) {
      text += String.fromCharCode(97 + (i % 26));
      events.push(typed(text), { type: 'timeout', timerId: i }, { type: 'delta', requestId: i - 1, delta: 'late' });
    }
    const { state, effects } = drive(events);
    const started = effects.filter((e) => e.type === 'start-request').map((e) => (e as { requestId: number }).requestId);
    const cancelled = effects.filter((e) => e.type === 'cancel').map((e) => (e as { requestId: number }).requestId);
    expect(started).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    expect(cancelled).toEqual(started.slice(0, -1));
    expect(state).toMatchObject({ phase: 'streaming', requestId: 50, ghost: '' });
    expect(effects.some((e) => e.type === 'render')).toBe(false);
  });

  it('does not double the space the user already typed', () => {
    const { state } = drive([typed('Hello '), { type: 'timeout', timerId: 1 }, { type: 'delta', requestId: 1, delta: ' world' }]);
    expect(state.ghost).toBe('world');
  });

  it('a single-line field stops the ghost at a line break and cancels the rest', () => {
    const { state, effects } = drive([
      typed('Subject', false),
      { type: 'timeout', timerId: 1 },
      { type: 'delta', requestId: 1, delta: ': hi' },
      { type: 'delta', requestId: 1, delta: ' all\nmore' },
      { type: 'delta', requestId: 1, delta: ' ignored' },
    ]);
    expect(state).toMatchObject({ phase: 'shown', ghost: ': hi all' });
    expect(effects.slice(-2)).toEqual([
      { type: 'cancel', requestId: 1 },
      { type: 'render', ghost: ': hi all' },
    ]);
  });

  it('a stream that ends with nothing goes idle', () => {
    const { state } = drive([typed('Hi'), { type: 'timeout', timerId: 1 }, { type: 'done', requestId: 1 }]);
    expect(state.phase).toBe('idle');
  });
});
