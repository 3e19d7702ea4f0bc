// Saving words from any tab: read, add, write, one save at a time (background/serial.ts), so
// concurrent saves from two tabs are both kept. The store is injected (wxt storage in the
// background, a map in tests).
import type { Serial } from './serial';
import { validWords, type WordEntry, withWord } from '../shared/words/word-list';

export interface ListStore {
  get(): Promise<unknown>;
  set(value: WordEntry[]): Promise<void>;
}

/** Saves `entry` in the list; resolves to the list's new length. */
export function wordSaver(store: ListStore, inTurn: Serial): (entry: WordEntry) => Promise<number> {
  return (entry) =>
    inTurn(async () => {
      const next = withWord(validWords(await store.get()), entry);
      await store.set(next);
      return next.length;
    });
}
