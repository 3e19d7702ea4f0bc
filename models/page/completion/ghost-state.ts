// Inline completion ("ghost text") for one text field, as a pure state machine.
//
//   idle → waiting (pause timer) → streaming (request in flight, ghost grows) → shown
//
// `step` never touches the DOM, timers or the network: it returns effects as data, and the
// controller carries them out (and feeds timer expiries and stream deltas back as events).
// Request and timer ids only ever grow, so anything arriving for an older id is stale.

export type GhostPhase = 'idle' | 'waiting' | 'streaming' | 'shown';

export interface GhostState {
  readonly phase: GhostPhase;
  /** The field's text and caret (UTF-16 offset) as last seen or as left by an insertion. */
  readonly text: string;
  readonly caret: number;
  /** Whether the field takes line breaks (false for <input>: the ghost stops at a newline). */
  readonly multiline: boolean;
  /** The part of the suggestion not yet typed or accepted. */
  readonly ghost: string;
  /** The latest request; it is in flight exactly while phase is 'streaming'. 0 before any. */
  readonly requestId: number;
  /** The latest pause timer; only its expiry starts a request. */
  readonly timerId: number;
}

export type GhostEvent =
  | { type: 'input'; text: string; caret: number; multiline?: boolean }
  /** The caret moved without the text changing (arrow keys, clicks). */
  | { type: 'move'; text: string; caret: number }
  | { type: 'timeout'; timerId: number }
  /** Explicit "suggest now": asks at once, without waiting for a pause. */
  | { type: 'trigger'; text: string; caret: number; multiline?: boolean }
  | { type: 'delta'; requestId: number; delta: string }
  /** The request ended: finished, failed or was cancelled. */
  | { type: 'done'; requestId: number }
  | { type: 'accept-all' }
  | { type: 'accept-word' }
  | { type: 'dismiss' }
  | { type: 'blur' };

export type GhostEffect =
  /** Start (or restart) the pause timer; when it expires, send {type:'timeout', timerId}. */
  | { type: 'schedule'; timerId: number }
  | { type: 'start-request'; requestId: number; prompt: string }
  | { type: 'cancel'; requestId: number }
  | { type: 'render'; ghost: string }
  /** Insert text at the caret, as if typed. */
  | { type: 'insert'; text: string };

export interface GhostOptions {
  /** Whether a typing pause asks for a suggestion (false: only `trigger` does). Default true. */
  autoSuggest?: boolean;
  /** How much text before the caret goes into the prompt. */
  maxPromptChars?: number;
}

export interface GhostStep {
  state: GhostState;
  effects: GhostEffect[];
}

/** The host keeps only the last few hundred tokens; more text only costs tokenising time. */
export const MAX_PROMPT_CHARS = 2000;

export function initialGhostState(): GhostState {
  return { phase: 'idle', text: '', caret: 0, multiline: true, ghost: '', requestId: 0, timerId: 0 };
}

export function step(state: GhostState, event: GhostEvent, options: GhostOptions = {}): GhostStep {
  switch (event.type) {
    case 'input':
      return onInput(state, event.text, event.caret, event.multiline ?? state.multiline, options);
    case 'move':
      // A text change arrives as 'input'; only a caret moved within unchanged text counts here.
      if (event.text !== state.text || event.caret === state.caret) return { state, effects: [] };
      return stop({ ...state, caret: event.caret });
    case 'timeout':
      if (state.phase !== 'waiting' || event.timerId !== state.timerId) return { state, effects: [] };
      return startRequest(state, options);
    case 'trigger': {
      const next = { ...state, text: event.text, caret: event.caret, multiline: event.multiline ?? state.multiline };
      if (!canSuggestAt(event.text, event.caret)) return stop(next);
      const stopped = stop(next);
      const started = startRequest(stopped.state, options);
      return { state: started.state, effects: [...stopped.effects, ...started.effects] };
    }
    case 'delta':
      return onDelta(state, event.requestId, event.delta);
    case 'done':
      if (state.phase !== 'streaming' || event.requestId !== state.requestId) return { state, effects: [] };
      return { state: { ...state, phase: state.ghost ? 'shown' : 'idle' }, effects: [] };
    case 'accept-all':
      return accept(state, state.ghost, options);
    case 'accept-word':
      return accept(state, nextWord(state.ghost), options);
    case 'dismiss':
      return stop(state);
    case 'blur': {
      const stopped = stop(state);
      return { state: { ...stopped.state, text: '', caret: 0 }, effects: stopped.effects };
    }
  }
}

export function hasGhost(state: GhostState): boolean {
  return state.ghost !== '';
}

/**
 * What may follow the caret on its line for a suggestion there: spaces, and closing brackets,
 * quotes and punctuation (a word typed inside "(…)" or before a full stop). Anything else means
 * the caret is inside text, where a ghost would cover what follows.
 */
const LINE_REST_ALLOWED = /^[\s)\]}>"'”’»›」』）】〕〉》.,;:!?…。，、；：！？]*$/u;

/** Suggestions are drawn after the caret, so only where at most closing punctuation follows it on its line. */
export function canSuggestAt(text: string, caret: number): boolean {
  if (caret < 0 || caret > text.length) return false;
  const after = text.slice(caret);
  const lineRest = after.split('\n', 1)[0] ?? '';
  return LINE_REST_ALLOWED.test(lineRest) && text.slice(0, caret).trim() !== '';
}

/** The last `max` characters before the caret, starting at a word boundary when one is near. */
export function promptWindow(before: string, max = MAX_PROMPT_CHARS): string {
  if (before.length <= max) return before;
  let cut = before.length - max;
  if (/[\uDC00-\uDFFF]/.test(before[cut] ?? '')) cut++;
  const space = before.slice(cut, cut + 40).search(/\s/);
  if (space >= 0) cut += space + 1;
  return before.slice(cut);
}

const wordSegmenter = typeof Intl !== 'undefined' && 'Segmenter' in Intl ? new Intl.Segmenter(undefined, { granularity: 'word' }) : null;

/**
 * The next word of a ghost, with the whitespace before it and the punctuation right after it
 * ("world," of " world, and"). Uses the platform segmenter, so Chinese splits into words.
 */
export function nextWord(ghost: string): string {
  const lead = /^\s*/.exec(ghost)?.[0] ?? '';
  const rest = ghost.slice(lead.length);
  if (!rest) return ghost;
  let length = 0;
  if (wordSegmenter) {
    let sawWord = false;
    for (const s of wordSegmenter.segment(rest)) {
      if (/^\s/.test(s.segment)) break;
      if (s.isWordLike && sawWord) break;
      // Leading punctuation ("(word") belongs with the word that follows.
      if (s.isWordLike) sawWord = true;
      length += s.segment.length;
    }
  } else {
    length = /^\S+/.exec(rest)?.[0].length ?? rest.length;
  }
  return lead + rest.slice(0, Math.max(1, length));
}

function onInput(state: GhostState, text: string, caret: number, multiline: boolean, options: GhostOptions): GhostStep {
  // Our own insertions come back as input events that change nothing.
  if (text === state.text && caret === state.caret) return { state: { ...state, multiline }, effects: [] };
  const before = text.slice(0, caret);
  const oldBefore = state.text.slice(0, state.caret);
  const typed = before.startsWith(oldBefore) ? before.slice(oldBefore.length) : '';
  const sameAfter = text.slice(caret) === state.text.slice(state.caret);
  if (typed && sameAfter && state.ghost.startsWith(typed)) {
    const ghost = state.ghost.slice(typed.length);
    const next = { ...state, text, caret, multiline, ghost };
    if (ghost || state.phase === 'streaming') return { state: next, effects: [{ type: 'render', ghost }] };
    // Typed the whole suggestion: wait for the next pause as after any typing.
    const after = idleOrWaiting(next, options);
    return { state: after.state, effects: [{ type: 'render', ghost: '' }, ...after.effects] };
  }
  const stopped = stop({ ...state, text, caret, multiline });
  const after = idleOrWaiting(stopped.state, options);
  return { state: after.state, effects: [...stopped.effects, ...after.effects] };
}

/** After typing: wait for a pause where a suggestion may follow, else stay idle. */
function idleOrWaiting(state: GhostState, options: GhostOptions): GhostStep {
  if (options.autoSuggest === false || !canSuggestAt(state.text, state.caret)) return { state: { ...state, phase: 'idle' }, effects: [] };
  const timerId = state.timerId + 1;
  return { state: { ...state, phase: 'waiting', timerId }, effects: [{ type: 'schedule', timerId }] };
}

/** Cancels the request in flight, clears the ghost and goes idle. */
function stop(state: GhostState): GhostStep {
  const effects: GhostEffect[] = [];
  if (state.phase === 'streaming') effects.push({ type: 'cancel', requestId: state.requestId });
  if (state.ghost) effects.push({ type: 'render', ghost: '' });
  return { state: { ...state, phase: 'idle', ghost: '' }, effects };
}

function startRequest(state: GhostState, options: GhostOptions): GhostStep {
  const before = state.text.slice(0, state.caret);
  if (!canSuggestAt(state.text, state.caret)) return { state: { ...state, phase: 'idle' }, effects: [] };
  const requestId = state.requestId + 1;
  return {
    state: { ...state, phase: 'streaming', ghost: '', requestId },
    effects: [{ type: 'start-request', requestId, prompt: promptWindow(before, options.maxPromptChars) }],
  };
}

function onDelta(state: GhostState, requestId: number, delta: string): GhostStep {
  if (state.phase !== 'streaming' || requestId !== state.requestId || !delta) return { state, effects: [] };
  let piece = delta;
  // GPT-style tokens carry their leading space; after a typed space it would be doubled.
  if (!state.ghost && /[ \t]$/.test(state.text.slice(0, state.caret))) piece = piece.replace(/^[ \t]+/, '');
  const newline = state.multiline ? -1 : piece.indexOf('\n');
  if (newline >= 0) {
    const ghost = state.ghost + piece.slice(0, newline);
    const effects: GhostEffect[] = [{ type: 'cancel', requestId }];
    if (ghost !== state.ghost) effects.push({ type: 'render', ghost });
    return { state: { ...state, ghost, phase: ghost ? 'shown' : 'idle' }, effects };
  }
  if (!piece) return { state, effects: [] };
  const ghost = state.ghost + piece;
  return { state: { ...state, ghost }, effects: [{ type: 'render', ghost }] };
}

function accept(state: GhostState, text: string, options: GhostOptions): GhostStep {
  if (!text) return { state, effects: [] };
  const ghost = state.ghost.slice(text.length);
  const next: GhostState = {
    ...state,
    text: state.text.slice(0, state.caret) + text + state.text.slice(state.caret),
    caret: state.caret + text.length,
    ghost,
  };
  const effects: GhostEffect[] = [
    { type: 'insert', text },
    { type: 'render', ghost },
  ];
  if (ghost) return { state: next, effects };
  if (state.phase === 'streaming') effects.unshift({ type: 'cancel', requestId: state.requestId });
  const after = idleOrWaiting(next, options);
  return { state: after.state, effects: [...effects, ...after.effects] };
}
