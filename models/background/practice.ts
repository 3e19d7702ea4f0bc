// Opens the practice page on a passage: the passage goes to session storage, the tab gets only its id.
import { browser } from 'wxt/browser';
import type { PracticePassage } from '../shared/practice/passage';
import { putPassage } from '../shared/practice/passage-store';

export async function openPracticeTab(passage: Omit<PracticePassage, 'createdAt'>): Promise<string> {
  const id = await putPassage(passage);
  await browser.tabs.create({ url: `${browser.runtime.getURL('/practice.html')}#${id}` });
  return id;
}
