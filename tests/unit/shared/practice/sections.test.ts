// A long passage (an article) in sections for the practice page (models/shared/practice/sections.ts).
import { describe, expect, it } from 'vitest';
import { SECTION_CHARS, sectionsOf } from '@/models/shared/practice/sections';
import { CLOZE_CHARS } from '@/models/host/tools/cloze/cloze';

const sentence = (i: number) => `Sentence number ${i} tells how the river rose and the village moved its cattle to the hills.`;
const paragraph = (from: number, n: number) => Array.from({ length: n }, (_, k) => sentence(from + k)).join(' ');
const words = (s: string) => s.split(/\s+/).filter(Boolean);

describe('sections of a passage', () => {
  it('are as long as the cloze tool reads of a passage', () => {
    expect(SECTION_CHARS).toBe(CLOZE_CHARS);
  });

  it('leave a short passage whole, and an empty one empty', () => {
    expect(sectionsOf('  One short passage.\n\nTwo paragraphs.  ')).toEqual(['One short passage.\n\nTwo paragraphs.']);
    expect(sectionsOf(' \n ')).toEqual([]);
  });

  it('split a long article at paragraph breaks, each within the limit, nothing lost or reordered', () => {
    const paragraphs = Array.from({ length: 60 }, (_, i) => paragraph(i * 10, 2 + (i % 5)));
    const text = paragraphs.join('\n\n');
    expect(text.length).toBeGreaterThan(20_000);
    const sections = sectionsOf(text);
    expect(sections.length).toBeGreaterThan(10);
    for (const s of sections) {
      expect(s.length).toBeLessThanOrEqual(SECTION_CHARS);
      // whole paragraphs only
      for (const p of s.split('\n\n')) expect(paragraphs).toContain(p);
    }
    expect(sections.join('\n\n')).toBe(text);
  });

  it('are of even length: no tiny last section', () => {
    const text = Array.from({ length: 21 }, (_, i) => paragraph(i * 10, 2)).join('\n\n'); // ~190 chars each
    const sections = sectionsOf(text);
    const lengths = sections.map((s) => s.length);
    // 21 paragraphs of ~190 characters: at most 10 fit a section, so 3 sections of 7, not 10 + 10 + 1.
    expect(sections.map((s) => s.split('\n\n').length)).toEqual([7, 7, 7]);
    expect(Math.max(...lengths) - Math.min(...lengths)).toBeLessThan(200);
  });

  it('split a paragraph longer than a section between sentences', () => {
    const long = paragraph(0, 60); // ~5 600 characters, one paragraph
    const sections = sectionsOf(long);
    expect(sections.length).toBe(3);
    for (const s of sections) {
      expect(s.length).toBeLessThanOrEqual(SECTION_CHARS);
      expect(s).toMatch(/^Sentence number \d+ .*hills\.$/s);
    }
    expect(words(sections.join(' '))).toEqual(words(long));
    // Between other paragraphs: the paragraph breaks around it are kept where they fall in a section.
    const mixed = [paragraph(100, 3), long, paragraph(200, 3)].join('\n\n');
    const around = sectionsOf(mixed);
    for (const s of around) expect(s.length).toBeLessThanOrEqual(SECTION_CHARS);
    expect(words(around.join(' '))).toEqual(words(mixed));
    expect(around.join('\n\n').split('\n\n').length).toBeGreaterThanOrEqual(3);
  });

  it('split a long paragraph of lines between lines first', () => {
    const lines = Array.from({ length: 40 }, (_, i) => `Line ${i} of the long poem, where the river rose. And the hills watched`);
    const sections = sectionsOf(lines.join('\n'));
    expect(sections.length).toBe(2);
    for (const s of sections) for (const line of s.split('\n')) expect(lines).toContain(line);
  });

  it('split Chinese between sentences, and a run with no break at all by characters', () => {
    const zh = '他拿起手机给妈妈打电话，告诉她自己已经到家了，明天还要早起上班。'.repeat(200);
    const sections = sectionsOf(zh);
    for (const s of sections) {
      expect(s.length).toBeLessThanOrEqual(SECTION_CHARS);
      expect(s.endsWith('。')).toBe(true);
    }
    expect(sections.join('')).toBe(zh);
    const run = '字'.repeat(4500);
    expect(sectionsOf(run).map((s) => s.length)).toEqual([2000, 2000, 500]);
  });

  it('never split a surrogate pair', () => {
    const run = '𠀀'.repeat(1500); // 3000 UTF-16 units
    const sections = sectionsOf(run);
    expect(sections.join('')).toBe(run);
    for (const s of sections) expect(s.length % 2).toBe(0);
  });
});
