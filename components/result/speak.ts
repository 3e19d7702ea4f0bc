// A selection's speak requests, for the bubble and the popup: the background speaks them.
import type { Capture, Lang } from '@/models/shared/protocol';
import { request } from '@/models/shared/client';
import { spokenParts } from '@/models/shared/speech/utterances';
import { langOfSelection } from '@/models/shared/text/lang';
import type { Speak } from './SpeakButtons';

/** The language a selection is spoken in: its script's, English when it has none. */
export const captureLang = (capture: Capture): Lang => langOfSelection(capture.text.slice(capture.start, capture.end), capture.text) ?? 'en';

export function speakerFor(capture: Capture, lang: Lang): { speak: Speak; hasSentence: boolean } {
  const parts = spokenParts(capture);
  return {
    speak: async (part) => {
      const text = part === 'sentence' && parts.sentence ? parts.sentence : parts.word;
      return (await request({ type: 'speak', text, lang }, { retries: 0 })).voice;
    },
    hasSentence: parts.sentence !== '',
  };
}
