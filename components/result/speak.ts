// A selection's speak requests, for the bubble and the popup: the background speaks them.
import type { Capture, Lang } from '@/models/shared/protocol';
import { request } from '@/models/shared/client';
import { type SpokenParts, spokenParts } from '@/models/shared/speech/utterances';
import { langOfSelection } from '@/models/shared/text/lang';
import type { Speak } from './SpeakButtons';

/** The language a selection is spoken in: its script's, English when it has none. */
export const captureLang = (capture: Capture): Lang => langOfSelection(capture.text.slice(capture.start, capture.end), capture.text) ?? 'en';

/** What a speaker speaks, as data: the bubble's frame gets this and builds its speaker itself. */
export type SpeechData = SpokenParts & { lang: Lang };

/** A selection's word, sentence and language. */
export function speechOf(capture: Capture): SpeechData {
  return { ...spokenParts(capture), lang: captureLang(capture) };
}

/** Speaks the word or the sentence through the background (from an extension page: the popup, the bubble's frame). */
export function speakerOf(data: SpeechData): { speak: Speak; hasSentence: boolean } {
  return {
    speak: async (part) => {
      const text = part === 'sentence' && data.sentence ? data.sentence : data.word;
      return (await request({ type: 'speak', text, lang: data.lang }, { retries: 0 })).voice;
    },
    hasSentence: data.sentence !== '',
  };
}

export function speakerFor(capture: Capture, lang: Lang): { speak: Speak; hasSentence: boolean } {
  return speakerOf({ ...spokenParts(capture), lang });
}
