// Practice passages in storage.session (see passage.ts).
import { storage } from '@wxt-dev/storage';
import { type PracticePassage, passageIn, withPassage } from './passage';

const passagesItem = storage.defineItem<Record<string, PracticePassage>>('session:practicePassages', { fallback: {} });

export async function putPassage(passage: Omit<PracticePassage, 'createdAt'>): Promise<string> {
  const id = crypto.randomUUID();
  await passagesItem.setValue(withPassage(await passagesItem.getValue(), id, { ...passage, createdAt: Date.now() }));
  return id;
}

export async function getPassage(id: string): Promise<PracticePassage | null> {
  return passageIn(await passagesItem.getValue(), id);
}

export async function clearPassages(): Promise<void> {
  await passagesItem.setValue({});
}
