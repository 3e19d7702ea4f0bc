// Saving a looked-up word from the bubble or the popup, in the sentence it was captured from.
import type { Capture, SenseResult } from '@/models/shared/protocol';
import { wordEntryFrom } from '@/models/shared/words/word-list';
import { request } from '@/models/shared/client';

export function saverFor(capture: Capture): (result: SenseResult) => Promise<void> {
  return async (result) => {
    // Through the background: content scripts do not write extension storage, and it saves one at a time.
    await request({ type: 'words.save', entry: wordEntryFrom(result, capture, crypto.randomUUID(), Date.now()) });
  };
}
