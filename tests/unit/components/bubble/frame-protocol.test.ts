// The bubble frame's messages, checked on each side: only these shapes pass.
import { describe, expect, it } from 'vitest';
import { bubbleId, bubblePortName, fromFrame, toFrame } from '@/components/bubble/frame-protocol';
import { parse } from '@/models/shared/protocol';

const props = { title: 'Sesame · Meaning in context', state: { phase: 'error', error: { code: 'internal', message: '' } } };

describe('bubble frame protocol', () => {
  it('the content script takes a size, the bubble’s callbacks and the release of its keys only', () => {
    expect(parse(fromFrame, { kind: 'size', width: 380, height: 420 }).ok).toBe(true);
    // After asking to close: no key is held in the frame any more (it may be taken off the page).
    expect(parse(fromFrame, { kind: 'released' }).ok).toBe(true);
    expect(parse(fromFrame, { kind: 'call', call: 3, name: 'onReveal', index: 2 }).ok).toBe(true);
    expect(parse(fromFrame, { kind: 'call', call: 4, name: 'onSave' }).ok).toBe(true);
    expect(parse(fromFrame, { kind: 'call', call: 5, name: 'onStepKey', key: { key: 'ArrowRight', shiftKey: true, altKey: false, ctrlKey: false } }).ok).toBe(
      true,
    );
    for (const bad of [
      { kind: 'call', call: 1, name: 'constructor' },
      { kind: 'call', call: 1, name: 'onReveal', index: -1 },
      { kind: 'call', call: 1.5, name: 'onClose' },
      { kind: 'call', call: 1, name: 'onSave', result: { type: 'sense', word: 'forged' } },
      { kind: 'call', call: 1, name: 'onStepKey', key: { key: 'Enter', shiftKey: true, altKey: false, ctrlKey: false } },
      { kind: 'call', call: 1, name: 'onStepKey', key: { key: 'ArrowLeft', shiftKey: 'yes', altKey: false, ctrlKey: false } },
      { kind: 'size', width: Number.NaN, height: 10 },
      { kind: 'size', width: 10, height: 1e9 },
      { kind: 'props', props },
      { kind: 'eval', code: 'x' },
      { kind: 'released', call: 1, name: 'onSave' },
      null,
      'size',
    ]) {
      expect(parse(fromFrame, bad).ok, JSON.stringify(bad)).toBe(false);
    }
  });

  it('the frame takes props with known callbacks and bounded sizes, and call answers', () => {
    expect(parse(toFrame, { kind: 'props', props, callbacks: ['onClose', 'onSave'], maxWidth: 380, maxHeight: 500 }).ok).toBe(true);
    expect(parse(toFrame, { kind: 'done', call: 1, ok: true }).ok).toBe(true);
    // onSave's answer: the saved word's id, for "Add to Anki".
    const done = parse(toFrame, { kind: 'done', call: 2, ok: true, value: 'w-123' });
    expect(done.ok && done.value).toEqual({ kind: 'done', call: 2, ok: true, value: 'w-123' });
    const speech = { word: 'bank', sentence: 'The bank of the river.', lang: 'en' };
    expect(
      parse(toFrame, {
        kind: 'props',
        props: { ...props, speech, reading: { pinyin: 'marks', toneColors: 'none' } },
        callbacks: [],
        maxWidth: 380,
        maxHeight: 500,
      }).ok,
    ).toBe(true);
    for (const bad of [
      { kind: 'props', props, callbacks: ['onClose', 'alert'], maxWidth: 380, maxHeight: 500 },
      { kind: 'props', props: { ...props, title: 'x'.repeat(201) }, callbacks: [], maxWidth: 380, maxHeight: 500 },
      { kind: 'props', props: null, callbacks: [], maxWidth: 380, maxHeight: 500 },
      { kind: 'props', props, callbacks: [], maxWidth: -1, maxHeight: 500 },
      { kind: 'done', call: 1 },
      { kind: 'done', call: 1, ok: true, value: 42 },
      { kind: 'done', call: 1, ok: true, value: 'x'.repeat(201) },
      { kind: 'props', props: { ...props, speech: { word: 'bank', sentence: '', lang: 'fr' } }, callbacks: [], maxWidth: 380, maxHeight: 500 },
      { kind: 'props', props: { ...props, speech: { word: 'x'.repeat(601), sentence: '', lang: 'en' } }, callbacks: [], maxWidth: 380, maxHeight: 500 },
      { kind: 'props', props: { ...props, speech: 'bank' }, callbacks: [], maxWidth: 380, maxHeight: 500 },
      { kind: 'call', call: 1, name: 'onSave' },
    ]) {
      expect(parse(toFrame, bad).ok, JSON.stringify(bad).slice(0, 80)).toBe(false);
    }
  });

  it('bubble ids are short lowercase hex-like tokens; the port name carries one', () => {
    expect(parse(bubbleId, '0123456789abcdef0123456789abcdef').ok).toBe(true);
    for (const bad of ['', 'short', 'UPPER-CASE-ID-123', 'a'.repeat(65), '../../x', null]) expect(parse(bubbleId, bad).ok).toBe(false);
    expect(bubblePortName('abc')).toBe('sesame-bubble:abc');
  });
});
