// What is spoken for a selection: the word (or the selected text) and the sentence around it,
// each cut to what a speak request carries.
import { type Capture, LIMITS } from '../protocol';

export interface SpokenParts {
  word: string;
  /** The sentence the selection is in; "" when it is the selection itself. */
  sentence: string;
}

const cut = (text: string): string => text.replace(/\s+/g, ' ').trim().slice(0, LIMITS.occurrenceChars);

export function spokenParts(capture: Pick<Capture, 'text' | 'start' | 'end' | 'sentenceStart' | 'sentenceEnd'>): SpokenParts {
  const word = cut(capture.text.slice(capture.start, capture.end));
  const sentence = cut(capture.text.slice(Math.min(capture.sentenceStart, capture.start), Math.max(capture.sentenceEnd, capture.end)));
  return { word, sentence: sentence === word ? '' : sentence };
}
