// CSV injection (OWASP): a cell that starts with =, +, - or @ runs as a formula when the export is
// opened in a spreadsheet. Exported cells that start so get a leading ' (shown as text).
import { describe, expect, it } from 'vitest';
import { ankiCsv, csvField } from '@/models/shared/practice/anki-csv';
import type { WordEntry } from '@/models/shared/words/word-list';

describe('Anki CSV neutralises formula cells', () => {
  it('prefixes cells starting with = + - @ (and tab or CR) with a quote', () => {
    expect(csvField('=HYPERLINK("https://evil.example","click")')).toBe('"\'=HYPERLINK(""https://evil.example"",""click"")"');
    expect(csvField('+1+2')).toBe('"\'+1+2"');
    expect(csvField('-2+3')).toBe('"\'-2+3"');
    expect(csvField('@SUM(A1)')).toBe('"\'@SUM(A1)"');
    expect(csvField('\t=1')).toBe('"\'\t=1"');
    expect(csvField('\r=1')).toBe('"\'\r=1"');
    expect(csvField('a = b')).toBe('"a = b"');
    expect(csvField('')).toBe('""');
  });

  it('a saved word from a hostile page: its gloss and URL cannot run', () => {
    const word: WordEntry = {
      id: 'w1',
      date: 0,
      url: 'https://evil.example/',
      lang: 'en',
      word: 'bank',
      sentence: '=cmd|" /C calc"!A0 bank',
      start: 19,
      end: 23,
      sense: [],
      substitutes: [],
      gloss: '@SUM(1+1)*cmd|" /C calc"!A0',
    };
    const body = ankiCsv([], [word]).split('\n').slice(4).join('\n');
    const cells = body.match(/"(?:[^"]|"")*"/g)!;
    expect(cells).toHaveLength(2);
    for (const cell of cells) expect(cell).not.toMatch(/^"[=+\-@]/);
    expect(cells[0]).toMatch(/^"'=cmd\|/);
    expect(cells[1]).toMatch(/^"'@SUM\(1\+1\)/);
  });
});
