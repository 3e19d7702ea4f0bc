// Saving a looked-up word from the bubble or the popup, in the sentence it was captured from.
import type { Capture, SenseResult } from '@/models/shared/protocol';
import { wordEntryFrom } from '@/models/shared/words/word-list';
import { request } from '@/models/shared/client';
import { randomId } from '@/models/shared/random-id';

/** Resolves to the saved entry's id (for "Add to Anki"). */
export function saverFor(capture: Capture): (result: SenseResult) => Promise<string> {
  return async (result) => {
    // Through the background: content scripts do not write extension storage, and it saves one at a time.
    const id = randomId();
    await request({ type: 'words.save', entry: wordEntryFrom(result, capture, id, Date.now()) });
    return id;
  };
}
