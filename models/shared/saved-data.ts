// Everything Sesame keeps from pages, and only because the user asked: the word list, the cloze
// history, the review cards, and practice passages waiting in session storage. "Clear my data" removes all four,
// and asks the model host to forget what it holds in memory from pages (sense vectors, completion
// keys/values), through `forgetHostMemory`.
import { clearHistory } from './practice/history-store';
import { clearPassages } from './practice/passage-store';
import { wordListItem } from './words/word-store';
import { clearReview } from './review/review-store';

export async function clearSavedData(forgetHostMemory?: () => Promise<unknown>): Promise<void> {
  await Promise.all([wordListItem.setValue([]), clearHistory(), clearPassages(), clearReview(), forgetHostMemory?.()]);
}
