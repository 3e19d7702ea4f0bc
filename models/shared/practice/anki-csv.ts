// Exercises and saved words as an Anki import file: one Cloze note per exercise, each blank a
// deletion ({{c1::answer}}, {{c2::…}}), with the source and score in a second field, and one per
// saved word (the word deleted from its sentence, the gloss behind). Fields are always
// quoted (so commas, semicolons, tabs and newlines inside them can never split a field or fool
// Anki's separator guess) and quotes are doubled, as RFC 4180 says; formula-like cells are neutralised.
import type { WordEntry } from '../words/word-list';
import type { HistoryEntry } from './history';

/** Anki reads these header lines (2.1.54+): comma-separated, plain text, Cloze note type. */
const HEADER = ['#separator:Comma', '#html:false', '#notetype:Cloze', '#columns:Text,Back Extra'];

/**
 * A quoted field. One that starts like a formula (`=`, `+`, `-`, `@`, or a tab or carriage return
 * before one) gets a leading `'`, as OWASP advises against CSV injection: a spreadsheet opening
 * the file shows the text instead of running it.
 */
export function csvField(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return `"${safe.replace(/"/g, '""')}"`;
}

/** An answer that cannot end or split its cloze deletion. */
function clozeSafe(text: string): string {
  return text.replace(/}}/g, '} }').replace(/::/g, ': :');
}

export function clozeText(entry: Pick<HistoryEntry, 'text' | 'blanks'>): string {
  let out = '';
  let at = 0;
  [...entry.blanks]
    .sort((a, b) => a.start - b.start)
    .forEach((b, i) => {
      out += `${clozeSafe(entry.text.slice(at, b.start))}{{c${i + 1}::${clozeSafe(b.answer)}}}`;
      at = b.end;
    });
  return out + clozeSafe(entry.text.slice(at));
}

function extra(entry: HistoryEntry): string {
  const when = new Date(entry.date).toISOString().slice(0, 10);
  return [entry.url, `${when} · ${entry.points}/${entry.max}`].filter(Boolean).join('\n');
}

export function ankiCsv(entries: readonly HistoryEntry[], words: readonly WordEntry[] = []): string {
  const notes = [...entries.map((e) => [clozeText(e), extra(e)]), ...words.map((w) => [wordCloze(w), wordExtra(w)])];
  const rows = notes.map((fields) => fields.map(csvField).join(','));
  return `${[...HEADER, ...rows].join('\n')}\n`;
}

/** The word as an Anki cloze deletion in its sentence. */
function wordCloze(w: WordEntry): string {
  return `${clozeSafe(w.sentence.slice(0, w.start))}{{c1::${clozeSafe(w.sentence.slice(w.start, w.end))}}}${clozeSafe(w.sentence.slice(w.end))}`;
}

/** Back of the card: the gloss, the words that fit, the source. */
function wordExtra(w: WordEntry): string {
  return [w.gloss, w.substitutes.length ? `≈ ${w.substitutes.slice(0, 5).join(', ')}` : '', w.url].filter(Boolean).join('\n');
}
