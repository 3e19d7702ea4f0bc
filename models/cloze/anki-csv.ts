// Exercises as an Anki import file: one Cloze note per exercise, each blank a deletion
// ({{c1::answer}}, {{c2::…}}), with the source and score in a second field. Fields are always
// quoted (so commas, semicolons, tabs and newlines inside them can never split a field or fool
// Anki's separator guess) and quotes are doubled, as RFC 4180 says.
import type { HistoryEntry } from './history';

/** Anki reads these header lines (2.1.54+): comma-separated, plain text, Cloze note type. */
const HEADER = ['#separator:Comma', '#html:false', '#notetype:Cloze', '#columns:Text,Back Extra'];

export function csvField(value: string): string {
  return `"${value.replace(/"/g, '""')}"`;
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
      out += clozeSafe(entry.text.slice(at, b.start)) + `{{c${i + 1}::${clozeSafe(b.answer)}}}`;
      at = b.end;
    });
  return out + clozeSafe(entry.text.slice(at));
}

function extra(entry: HistoryEntry): string {
  const when = new Date(entry.date).toISOString().slice(0, 10);
  return [entry.url, `${when} · ${entry.points}/${entry.max}`].filter(Boolean).join('\n');
}

export function ankiCsv(entries: readonly HistoryEntry[]): string {
  const rows = entries.map((e) => [clozeText(e), extra(e)].map(csvField).join(','));
  return [...HEADER, ...rows].join('\n') + '\n';
}
