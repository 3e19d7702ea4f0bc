// An Anki note from a saved word: the sentence with the word as a cloze deletion, the word, its
// pinyin (Chinese), the sense label and best gloss Sesame showed for this context, and the page
// it came from (without query string or fragment, which can carry session ids or search terms).
// Anki fields are HTML, so every piece of page text is escaped here, braces included: page text
// can neither become markup nor close or open a cloze deletion.
import type { WordEntry } from '../words/word-list';
import { pinyinWithMarks } from '../practice/hints';

/** What Sesame can put in a field; '' leaves the field empty. */
export const NOTE_ROLES = ['cloze', 'sentence', 'word', 'pinyin', 'sense', 'gloss', 'url', 'extra', ''] as const;
export type NoteRole = (typeof NOTE_ROLES)[number];
/** The user's (or the default) choice of role for each field of the note type, by field name. */
export type FieldMap = Record<string, NoteRole>;

/** A note as AnkiConnect's `addNote` and `canAddNotes` take it. */
export interface AnkiNote {
  deckName: string;
  modelName: string;
  fields: Record<string, string>;
  tags: string[];
  options?: { allowDuplicate?: boolean; duplicateScope?: 'deck' | 'collection' };
}

export type NoteWord = Pick<WordEntry, 'word' | 'sentence' | 'start' | 'end' | 'lang' | 'sense' | 'gloss' | 'url'>;

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;', '{': '&#123;', '}': '&#125;' };

/** Text as HTML that shows exactly this text; `{`/`}` as entities so no cloze marker can form. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"'{}]/g, (c) => ENTITIES[c]!);
}

/** The page's address without query string or fragment. */
export function sourceUrl(url: string): string {
  try {
    const u = new URL(url);
    u.search = '';
    u.hash = '';
    return u.href;
  } catch {
    return url.replace(/[?#].*$/s, '');
  }
}

/** The word as a cloze deletion in its (escaped) sentence; `::` inside cannot start a hint. */
export function clozeSentence(w: Pick<NoteWord, 'sentence' | 'start' | 'end'>): string {
  const body = escapeHtml(w.sentence.slice(w.start, w.end)).replace(/:/g, '&#58;');
  return `${escapeHtml(w.sentence.slice(0, w.start))}{{c1::${body}}}${escapeHtml(w.sentence.slice(w.end))}`;
}

/** The HTML for each role. Links only for http(s) pages; anything else stays text. */
export function noteValues(w: NoteWord, pinyin?: string | null): Record<Exclude<NoteRole, ''>, string> {
  const url = sourceUrl(w.url);
  const marked = pinyin ? pinyinWithMarks(pinyin) : '';
  const sense = w.sense.length > 0 ? `≈ ${w.sense.map(escapeHtml).join(' · ')}` : '';
  const link = /^https?:\/\//i.test(url) ? `<a href="${escapeHtml(url)}">${escapeHtml(url)}</a>` : escapeHtml(url);
  const word = escapeHtml(w.word);
  const head = marked ? `<b>${word}</b> ${escapeHtml(marked)}` : `<b>${word}</b>`;
  return {
    cloze: clozeSentence(w),
    sentence: `${escapeHtml(w.sentence.slice(0, w.start))}<b>${escapeHtml(w.sentence.slice(w.start, w.end))}</b>${escapeHtml(w.sentence.slice(w.end))}`,
    word,
    pinyin: escapeHtml(marked),
    sense,
    gloss: escapeHtml(w.gloss ?? ''),
    url: link,
    extra: [head, sense, escapeHtml(w.gloss ?? ''), link].filter(Boolean).join('<br>'),
  };
}

/** Field names (lowercase) that say which role they hold, for note types other than the built-in ones. */
const ALIASES: Record<Exclude<NoteRole, '' | 'extra'>, string[]> = {
  cloze: ['text', 'cloze'],
  sentence: ['sentence', 'context', 'example', 'example sentence', '例句', '句子'],
  word: ['word', 'expression', 'vocab', 'vocabulary', 'term', 'headword', 'hanzi', 'simplified', '单词', '词语', '汉字'],
  pinyin: ['pinyin', 'reading', '拼音'],
  sense: ['sense', 'substitutes'],
  gloss: ['meaning', 'definition', 'gloss', 'glossary', 'english', '释义', '意思'],
  url: ['url', 'source', 'link', '来源'],
};

/**
 * The mapping offered before the user changes it. Anki's Cloze type: Text ← the cloze sentence,
 * Back Extra ← word, pinyin, sense, gloss, source. Basic types: Front ← the sentence with the word
 * in bold, Back ← the rest. Other types: fields named like a role get it; a cloze type (its name
 * says so) puts the cloze sentence in its first field, any other the word.
 */
export function defaultFieldMap(modelName: string, fieldNames: readonly string[]): FieldMap {
  const map: FieldMap = Object.fromEntries(fieldNames.map((f) => [f, '' as NoteRole]));
  const has = (name: string) => fieldNames.find((f) => f.toLowerCase() === name);
  const front = has('front');
  const back = has('back');
  const backExtra = has('back extra');
  const text = has('text');
  if (text !== undefined && (backExtra !== undefined || /cloze/i.test(modelName))) {
    map[text] = 'cloze';
    if (backExtra !== undefined) map[backExtra] = 'extra';
    return map;
  }
  if (front !== undefined && back !== undefined) {
    map[front] = 'sentence';
    map[back] = 'extra';
    return map;
  }
  for (const field of fieldNames) {
    const role = (Object.keys(ALIASES) as (keyof typeof ALIASES)[]).find((r) => ALIASES[r].includes(field.toLowerCase()));
    if (role) map[field] = role;
  }
  const first = fieldNames[0];
  if (first !== undefined && map[first] === '') map[first] = /cloze/i.test(modelName) ? 'cloze' : 'word';
  return map;
}

export interface NoteOptions {
  deck: string;
  model: string;
  fieldMap: FieldMap;
  /** Numbered pinyin ("yin2 hang2") for Chinese words, shown with tone marks. */
  pinyin?: string | null;
  tags?: string[];
}

/** The note for a saved word; fields not in `fieldMap` (or mapped to '') are left out. */
export function ankiNote(w: NoteWord, o: NoteOptions): AnkiNote {
  const values = noteValues(w, w.lang === 'zh' ? o.pinyin : null);
  const fields: Record<string, string> = {};
  for (const [field, role] of Object.entries(o.fieldMap)) if (role) fields[field] = values[role];
  return { deckName: o.deck, modelName: o.model, fields, tags: o.tags ?? ['sesame'], options: { allowDuplicate: false } };
}
