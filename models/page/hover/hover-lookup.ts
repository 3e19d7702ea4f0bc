// Hover lookup: while the user holds the modifier (Shift by default) and points at a word, the
// word under the pointer is looked up; pointing at the next word looks that one up; with the
// bubble open, modifier+→ / modifier+← step to the next / previous word. Only the user's own
// (trusted) pointer and key events count: a page can dispatch mousemove and keydown events, but
// not trusted ones. Chinese words are the longest dictionary match from the character pointed at,
// asked of the background (the content script does not load the dictionary).
import type { HoverModifier } from '../../shared/settings';
import { DICT_MATCH_CHARS } from '../../shared/protocol';
import { MAX_WORD_CHARS } from '../../shared/dict/longest-match';
import { adjacentTextNode, textAtPoint } from './text-at-point';
import { isHanAt, nextWordStart, previousWordStart, type Span, wordSpanAt } from './word-at';

export interface HoverLookupOptions {
  modifier(): HoverModifier;
  /** The per-site switch. */
  isDisabled(): boolean;
  /** The longest dictionary word's length at each index of a run of text (the background's dict.match). */
  matchWords(text: string): Promise<number[]>;
  /** Looks up the word in `range` (opens or updates the bubble). */
  lookUp(range: Range): void;
  /** Whether the bubble is open: stepping works only then. */
  isOpen(): boolean;
  /** How long the pointer rests on a word before it is looked up, so sweeping across a line is not a lookup per word. */
  restMs?: number;
  isTrusted?: (event: Event) => boolean;
}

export interface HoverLookup {
  /** A key the user pressed in the bubble's frame (its document gets the keys while it has focus): steps as in the page. */
  stepKey(key: StepKey): boolean;
  detach(): void;
}

/** A modifier+arrow press, as the bubble's frame forwards it. */
export interface StepKey {
  key: 'ArrowLeft' | 'ArrowRight';
  shiftKey: boolean;
  altKey: boolean;
  ctrlKey: boolean;
}

const MODIFIER_KEY: Record<Exclude<HoverModifier, 'off'>, string> = { shift: 'Shift', alt: 'Alt', ctrl: 'Control' };

/** Whether the event came with the modifier held. */
export function modifierHeld(event: Pick<KeyboardEvent, 'shiftKey' | 'altKey' | 'ctrlKey'>, modifier: HoverModifier): boolean {
  switch (modifier) {
    case 'shift':
      return event.shiftKey;
    case 'alt':
      return event.altKey;
    case 'ctrl':
      return event.ctrlKey;
    case 'off':
      return false;
  }
}

interface Current extends Span {
  node: Text;
}

export function attachHoverLookup(doc: Document, options: HoverLookupOptions): HoverLookup {
  const trusted = options.isTrusted ?? ((event: Event) => event.isTrusted);
  const restMs = options.restMs ?? 80;
  let point: { x: number; y: number } | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let current: Current | null = null;
  /** Bumped by every lookup, so an older one's late dictionary answer is dropped. */
  let sequence = 0;
  let matched: { node: Text; data: string; from: number; lengths: readonly number[] } | null = null;

  const matchesFor = async (node: Text, index: number): Promise<{ from: number; lengths: readonly number[] } | undefined> => {
    const m = matched;
    // Reused while the longest word from `index` lies in the run that was asked about.
    const end = m ? m.from + m.lengths.length : 0;
    if (m && m.node === node && m.data === node.data && index >= m.from && (index + MAX_WORD_CHARS <= end || end >= node.data.length)) return m;
    try {
      const text = node.data.slice(index, index + DICT_MATCH_CHARS);
      const lengths = await options.matchWords(text);
      matched = { node, data: node.data, from: index, lengths };
      return matched;
    } catch {
      return undefined; // the segmenter's word then
    }
  };

  const spanAt = async (node: Text, index: number): Promise<Span | null> =>
    isHanAt(node.data, index) ? wordSpanAt(node.data, index, await matchesFor(node, index)) : wordSpanAt(node.data, index);

  const show = (node: Text, span: Span): void => {
    if (current && current.node === node && current.start === span.start && current.end === span.end) return;
    current = { node, ...span };
    const range = doc.createRange();
    range.setStart(node, span.start);
    range.setEnd(node, span.end);
    options.lookUp(range);
  };

  const lookAt = async (x: number, y: number): Promise<void> => {
    if (options.isDisabled()) return;
    const at = textAtPoint(doc, x, y);
    const mine = ++sequence;
    if (!at) return;
    const span = await spanAt(at.node, at.index);
    if (span && mine === sequence) show(at.node, span);
  };

  const step = async (forward: boolean): Promise<void> => {
    const from = current;
    if (!from) return;
    const mine = ++sequence;
    let node: Text | null = from.node;
    let start = forward ? nextWordStart(node.data, from.end) : previousWordStart(node.data, from.start);
    while (node && start < 0) {
      node = adjacentTextNode(doc.body ?? doc.documentElement, node, forward);
      if (node) start = forward ? nextWordStart(node.data, 0) : previousWordStart(node.data, node.data.length);
    }
    if (!node) return;
    const span = await spanAt(node, start);
    if (span && mine === sequence) show(node, span);
  };

  const cancelRest = (): void => {
    if (timer !== null) clearTimeout(timer);
    timer = null;
  };

  const onMouseMove = (event: MouseEvent): void => {
    if (!trusted(event)) return;
    point = { x: event.clientX, y: event.clientY };
    cancelRest();
    if (!modifierHeld(event, options.modifier())) return;
    const { x, y } = point;
    timer = setTimeout(() => {
      timer = null;
      void lookAt(x, y);
    }, restMs);
  };

  const onKeyDown = (event: KeyboardEvent): void => {
    if (!trusted(event)) return;
    const modifier = options.modifier();
    if (modifier === 'off') return;
    // Pressing the modifier over a word looks it up at once, as pointing with it held would.
    if (event.key === MODIFIER_KEY[modifier] && !event.repeat && point) {
      current = null;
      void lookAt(point.x, point.y);
      return;
    }
    if ((event.key === 'ArrowRight' || event.key === 'ArrowLeft') && modifierHeld(event, modifier) && current && options.isOpen()) {
      const target = event.composedPath()[0];
      if (target instanceof Element && target.closest('input,textarea,select,[contenteditable]:not([contenteditable=false])')) return;
      event.preventDefault();
      event.stopPropagation();
      void step(event.key === 'ArrowRight');
    }
  };

  const stepKey = (key: StepKey): boolean => {
    const modifier = options.modifier();
    if (modifier === 'off' || !modifierHeld(key, modifier) || !current || !options.isOpen()) return false;
    void step(key.key === 'ArrowRight');
    return true;
  };

  const onKeyUp = (event: KeyboardEvent): void => {
    if (trusted(event) && event.key === MODIFIER_KEY[options.modifier() as 'shift']) cancelRest();
  };

  doc.addEventListener('mousemove', onMouseMove, { capture: true, passive: true });
  doc.addEventListener('keydown', onKeyDown, true);
  doc.addEventListener('keyup', onKeyUp, true);
  return {
    stepKey,
    detach() {
      cancelRest();
      doc.removeEventListener('mousemove', onMouseMove, { capture: true });
      doc.removeEventListener('keydown', onKeyDown, true);
      doc.removeEventListener('keyup', onKeyUp, true);
    },
  };
}
