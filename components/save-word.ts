// Saving a looked-up word from the bubble or the popup, in the sentence it was captured from.
import type { Capture, SenseResult } from '@/models/protocol';
import { wordEntryFrom } from '@/models/words/word-list';
import { saveWord } from '@/models/words/word-store';

export function saverFor(capture: Capture): (result: SenseResult) => Promise<void> {
  return async (result) => {
    await saveWord(wordEntryFrom(result, capture, crypto.randomUUID(), Date.now()));
  };
}
