// The exercise history in extension storage (local:clozeHistory); the user can clear it.
import { storage } from '@wxt-dev/storage';
import { type HistoryEntry, validEntries, withEntry } from './history';

export const historyItem = storage.defineItem<unknown>('local:clozeHistory', { fallback: [] });

export async function loadHistory(): Promise<HistoryEntry[]> {
  return validEntries(await historyItem.getValue());
}

export async function saveToHistory(entry: HistoryEntry): Promise<HistoryEntry[]> {
  const next = withEntry(await loadHistory(), entry);
  await historyItem.setValue(next);
  return next;
}

export async function clearHistory(): Promise<void> {
  await historyItem.setValue([]);
}
