// The word list in extension storage (local:wordList); removed by the user or by "Clear my data".
import { storage } from '@wxt-dev/storage';
import { validWords, type WordEntry, withWord } from './word-list';

export const wordListItem = storage.defineItem<unknown>('local:wordList', { fallback: [] });

export async function loadWords(): Promise<WordEntry[]> {
  return validWords(await wordListItem.getValue());
}

export async function saveWord(entry: WordEntry): Promise<WordEntry[]> {
  const next = withWord(await loadWords(), entry);
  await wordListItem.setValue(next);
  return next;
}

export async function removeWord(id: string): Promise<WordEntry[]> {
  const next = (await loadWords()).filter((w) => w.id !== id);
  await wordListItem.setValue(next);
  return next;
}
