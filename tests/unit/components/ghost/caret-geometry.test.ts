import { describe, expect, it } from 'vitest';
import {
  caretBesideBox,
  caretFromMarker,
  contentBox,
  firstCaretRect,
  ghostLayout,
  inputCaretTop,
  lineHeightPx,
  MIRROR_PROPERTIES,
  mirrorStyles,
  mirrorText,
  px,
  type StyleReader,
} from '@/components/ghost/caret-geometry';
import { ghostFont, placementStyles } from '@/components/ghost/ghost-overlay';

function style(values: Record<string, string>): StyleReader {
  return { getPropertyValue: (name) => values[name] ?? '' };
}

describe('caret geometry: mirror', () => {
  it('copies everything that changes how text wraps', () => {
    for (const name of [
      'font-family',
      'font-size',
      'font-weight',
      'line-height',
      'letter-spacing',
      'word-spacing',
      'padding-left',
      'border-left-width',
      'text-indent',
      'text-transform',
      'tab-size',
      'word-break',
      'direction',
    ]) {
      expect(MIRROR_PROPERTIES).toContain(name);
    }
    expect(new Set(MIRROR_PROPERTIES).size).toBe(MIRROR_PROPERTIES.length);
    // Inline styles are set one by one with setProperty, which wants the CSS names.
    for (const name of MIRROR_PROPERTIES) expect(name).toMatch(/^[a-z-]+$/);
  });

  it('builds a hidden mirror that wraps like a textarea and not at all like an input', () => {
    const computed = style({ 'font-size': '15px', 'font-family': 'Georgia', 'padding-left': '4px', 'padding-right': '6px', 'box-sizing': 'border-box' });
    const area = mirrorStyles(computed, 'textarea', 310);
    expect(area).toMatchObject({
      'font-size': '15px',
      'font-family': 'Georgia',
      'padding-left': '4px',
      position: 'absolute',
      visibility: 'hidden',
      'white-space': 'pre-wrap',
      'overflow-wrap': 'break-word',
      // content width = clientWidth (padding box, no scrollbar) minus padding
      'box-sizing': 'content-box',
      width: '300px',
    });
    expect(mirrorStyles(computed, 'input', 310)['white-space']).toBe('pre');
  });

  it('splits the value at the caret and keeps the rest of the word in the marker', () => {
    expect(mirrorText('hello world', 5)).toEqual({ before: 'hello', marker: '\u200b' });
    expect(mirrorText('hello world', 2)).toEqual({ before: 'he', marker: 'llo' });
    expect(mirrorText('ab\ncd', 2)).toEqual({ before: 'ab', marker: '\u200b' });
    expect(mirrorText('ab\n', 3)).toEqual({ before: 'ab\n', marker: '\u200b' });
    expect(mirrorText('abc', 99)).toEqual({ before: 'abc', marker: '\u200b' });
  });
});

describe('caret geometry: arithmetic', () => {
  it('parses pixel lengths and line heights', () => {
    expect(px('12.5px')).toBe(12.5);
    expect(px('auto', 3)).toBe(3);
    expect(lineHeightPx(style({ 'font-size': '20px', 'line-height': 'normal' }))).toBe(24);
    expect(lineHeightPx(style({ 'font-size': '20px', 'line-height': '1.5' }))).toBe(30);
    expect(lineHeightPx(style({ 'font-size': '20px', 'line-height': '22px' }))).toBe(22);
  });

  it('turns marker offsets into a viewport caret, minus scrolling', () => {
    const caret = caretFromMarker(
      { offsetLeft: 40, offsetTop: 66, offsetHeight: 18 },
      { rect: { left: 100, top: 200, right: 500, bottom: 300 }, borderLeft: 1, borderTop: 2, scrollLeft: 5, scrollTop: 44 },
    );
    expect(caret).toEqual({ left: 136, top: 224, height: 18 });
  });

  it('finds the content box inside borders, padding and scrollbar', () => {
    const box = contentBox({
      rect: { left: 10, top: 20, right: 222, bottom: 120 },
      clientLeft: 1,
      clientTop: 1,
      clientWidth: 195, // 210 - 15px scrollbar
      clientHeight: 98,
      paddingLeft: 4,
      paddingTop: 3,
      paddingRight: 4,
      paddingBottom: 3,
    });
    expect(box).toEqual({ left: 15, top: 24, right: 202, bottom: 116 });
    expect(inputCaretTop({ left: 0, top: 10, right: 100, bottom: 40 }, 20)).toBe(15);
  });

  it('picks a caret from a range’s rects, skipping empty ones', () => {
    expect(firstCaretRect([])).toBeNull();
    expect(
      firstCaretRect([
        { left: 1, top: 5, right: 1, bottom: 5 },
        { left: 7, top: 10, right: 7, bottom: 28 },
      ]),
    ).toEqual({ left: 7, top: 10, height: 18 });
    const char = { left: 10, top: 0, right: 18, bottom: 20 };
    expect(caretBesideBox(char, 'after')).toEqual({ left: 18, top: 0, height: 20 });
    expect(caretBesideBox(char, 'before')).toEqual({ left: 10, top: 0, height: 20 });
  });
});

describe('caret geometry: ghost layout', () => {
  const content = { left: 100, top: 50, right: 400, bottom: 150 };

  it('starts at the caret and wraps back to the left edge when nothing follows', () => {
    expect(ghostLayout({ left: 250, top: 70, height: 20 }, content, 20, true)).toEqual({
      left: 100,
      top: 70,
      width: 300,
      textIndent: 150,
      maxHeight: 80,
      wrap: true,
    });
  });

  it('clips wrapped ghost text to whole lines inside the field', () => {
    expect(ghostLayout({ left: 250, top: 70, height: 20 }, { ...content, bottom: 125 }, 20, true)?.maxHeight).toBe(40);
    expect(ghostLayout({ left: 250, top: 140, height: 20 }, content, 20, true)?.maxHeight).toBe(20);
  });

  it('stays on the caret’s line, up to the right edge, when text follows', () => {
    expect(ghostLayout({ left: 250, top: 70, height: 16 }, content, 20, false)).toEqual({
      left: 250,
      top: 68,
      width: 150,
      textIndent: 0,
      maxHeight: 20,
      wrap: false,
    });
  });

  it('hides when the caret is scrolled out of the field or at its right edge', () => {
    expect(ghostLayout({ left: 250, top: 10, height: 20 }, content, 20, true)).toBeNull();
    expect(ghostLayout({ left: 250, top: 160, height: 20 }, content, 20, true)).toBeNull();
    expect(ghostLayout({ left: 20, top: 70, height: 20 }, content, 20, true)).toBeNull();
    expect(ghostLayout({ left: 400, top: 70, height: 20 }, content, 20, false)).toBeNull();
  });

  it('styles the ghost in the field’s font', () => {
    const font = ghostFont(style({ 'font-family': 'Georgia', 'font-size': '15px', 'line-height': '21px', color: 'rgb(0, 0, 0)', 'font-weight': '400' }));
    expect(font).toMatchObject({ family: 'Georgia', size: '15px', lineHeight: 21, color: 'rgb(0, 0, 0)' });
    const css = placementStyles({ layout: { left: 1, top: 2, width: 3, textIndent: 4, maxHeight: 21, wrap: true }, font });
    expect(css).toMatchObject({ left: '1px', top: '2px', width: '3px', 'text-indent': '4px', 'line-height': '21px', 'font-family': 'Georgia' });
    expect(css).not.toHaveProperty('letter-spacing');
  });
});
