import { describe, expect, it } from 'vitest';
import { ankiNote, clozeSentence, defaultFieldMap, escapeHtml, noteValues, sourceUrl } from '@/models/shared/learn/anki-note';
import type { WordEntry } from '@/models/shared/words/word-list';

const en: WordEntry = {
  id: 'w1',
  date: 0,
  url: 'https://example.com/news/river.html?session=abc&q=bank#comments',
  lang: 'en',
  word: 'bank',
  sentence: 'We sat on the bank of the river.',
  start: 14,
  end: 18,
  sense: ['shore', 'side', 'edge'],
  substitutes: ['shore', 'side'],
  gloss: 'sloping land (especially the slope beside a body of water)',
};

const zh: WordEntry = {
  id: 'w2',
  date: 0,
  url: 'https://example.cn/a',
  lang: 'zh',
  word: '银行',
  sentence: '我去银行取钱。',
  start: 2,
  end: 4,
  sense: ['银行', '金融'],
  substitutes: [],
  gloss: 'bank',
};

describe('anki note fields', () => {
  it('puts the word as a cloze deletion in its sentence', () => {
    expect(clozeSentence(en)).toBe('We sat on the {{c1::bank}} of the river.');
    expect(clozeSentence(zh)).toBe('我去{{c1::银行}}取钱。');
  });

  it('escapes page text: no markup, no cloze marker, no hint separator can come from the page', () => {
    const hostile = { sentence: '<img src=x onerror=alert(1)> {{c2::x}} a::b & "q"', start: 39, end: 43 };
    expect(hostile.sentence.slice(39, 43)).toBe('a::b');
    const html = clozeSentence(hostile);
    expect(html).not.toMatch(/<img/);
    expect(html.match(/\{\{/g)).toHaveLength(1);
    expect(html.match(/\}\}/g)).toHaveLength(1);
    expect(html).toBe('&lt;img src=x onerror=alert(1)&gt; &#123;&#123;c2::x&#125;&#125; {{c1::a&#58;&#58;b}} &amp; &quot;q&quot;');
    expect(escapeHtml(`'`)).toBe('&#39;');
  });

  it('the source is the page without query string or fragment; only http(s) becomes a link', () => {
    expect(sourceUrl(en.url)).toBe('https://example.com/news/river.html');
    expect(sourceUrl('not a url?x#y')).toBe('not a url');
    expect(noteValues(en).url).toBe('<a href="https://example.com/news/river.html">https://example.com/news/river.html</a>');
    expect(noteValues({ ...en, url: 'javascript:alert(1)//?x' }).url).toBe('javascript:alert(1)//');
  });

  it('the back holds the word, pinyin with tone marks, the sense label, the gloss and the source', () => {
    const v = noteValues(zh, 'yin2 hang2');
    expect(v.pinyin).toBe('yínháng');
    expect(v.extra).toBe('<b>银行</b> yínháng<br>≈ 银行 · 金融<br>bank<br><a href="https://example.cn/a">https://example.cn/a</a>');
    expect(noteValues(en).extra.split('<br>')).toEqual([
      '<b>bank</b>',
      '≈ shore · side · edge',
      'sloping land (especially the slope beside a body of water)',
      '<a href="https://example.com/news/river.html">https://example.com/news/river.html</a>',
    ]);
    expect(noteValues({ ...en, sense: [], gloss: undefined }).extra.split('<br>')).toHaveLength(2);
  });
});

describe('field mapping', () => {
  it("Anki's Cloze type: Text and Back Extra", () => {
    expect(defaultFieldMap('Cloze', ['Text', 'Back Extra'])).toEqual({ Text: 'cloze', 'Back Extra': 'extra' });
  });

  it("Anki's Basic types: the sentence with the word in bold on the front, the rest on the back", () => {
    expect(defaultFieldMap('Basic', ['Front', 'Back'])).toEqual({ Front: 'sentence', Back: 'extra' });
    expect(defaultFieldMap('Basic (optional reversed card)', ['Front', 'Back', 'Add Reverse'])).toEqual({
      Front: 'sentence',
      Back: 'extra',
      'Add Reverse': '',
    });
  });

  it('other note types: fields named like a role get it; the first field is never left empty', () => {
    expect(defaultFieldMap('Mining', ['Expression', 'Reading', 'Sentence', 'Meaning', 'Source', 'Audio'])).toEqual({
      Expression: 'word',
      Reading: 'pinyin',
      Sentence: 'sentence',
      Meaning: 'gloss',
      Source: 'url',
      Audio: '',
    });
    expect(defaultFieldMap('My cloze', ['Passage', 'Notes'])).toEqual({ Passage: 'cloze', Notes: '' });
    expect(defaultFieldMap('Vocab', ['Thing', 'Other'])).toEqual({ Thing: 'word', Other: '' });
  });

  it('builds the note AnkiConnect takes, with only the mapped fields; pinyin only for Chinese', () => {
    const note = ankiNote(en, { deck: 'English', model: 'Basic', fieldMap: { Front: 'word', Back: 'pinyin', Extra: '' }, pinyin: 'x1' });
    expect(note).toEqual({
      deckName: 'English',
      modelName: 'Basic',
      fields: { Front: 'bank', Back: '' },
      tags: ['sesame'],
      options: { allowDuplicate: false },
    });
    const z = ankiNote(zh, { deck: 'D', model: 'Mining', fieldMap: { Word: 'word', Reading: 'pinyin' }, pinyin: 'yin2 hang2', tags: ['a'] });
    expect(z.fields).toEqual({ Word: '银行', Reading: 'yínháng' });
    expect(z.tags).toEqual(['a']);
  });
});
