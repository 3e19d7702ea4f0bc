// The content words of a definition, for comparing senses by the words they share.
import { lemmasOf } from '../../../../shared/text/occurrences';

// Function words, and the labels CC-CEDICT and WordNet put in definitions ("(bound form)",
// "(literary)", "sth", "classifier for …"), which say nothing about the meaning.
const STOP_WORDS = new Set(
  (
    'a an the and or but nor not no of to in on at by for from with without into onto over under about as than then ' +
    "so such that this these those there here it its it's is are was were be been being am do does did done has have had " +
    'can could may might must shall should will would i you he she we they me him her us them my your his our their ' +
    'who whom whose which what when where why how all any each every some other another more most much many few ' +
    'very also only just even up down out off again once both either neither own same too s t etc ' +
    "sth sb sb's someone somebody something one ones usually especially often esp " +
    'bound form literary lit fig coll colloquial dialect archaic old variant abbr abbreviation classifier used ' +
    'tw pr taiwan mainland cl surname see also'
  ).split(' '),
);

/** Lowercase English words of a text, function words and labels left out (Chinese and pinyin too). */
export function contentWords(text: string): string[] {
  const latin = text.toLowerCase().replace(/\[[^\]]*\]/g, ' ');
  return (latin.match(/[a-z]+/g) ?? []).filter((w) => w.length > 1 && !STOP_WORDS.has(w));
}

/** The words with the stems their inflections may come from (lemmasOf), as one set. */
export function stemSet(words: Iterable<string>): Set<string> {
  const out = new Set<string>();
  for (const w of words) for (const stem of lemmasOf(w)) out.add(stem);
  return out;
}

/** Whether a word, or a stem of it, is in a stem set. */
export function meets(word: string, stems: ReadonlySet<string>): boolean {
  for (const stem of lemmasOf(word)) if (stems.has(stem)) return true;
  return false;
}
