// Options: the saved words (with their sentence and sense), removal, Anki export together with
// the cloze history, and "Clear my data" for everything Sesame stored from pages.
import { useEffect, useState } from 'preact/hooks';
import { request } from '@/models/shared/client';
import { ankiCsv } from '@/models/shared/practice/anki-csv';
import { loadHistory } from '@/models/shared/practice/history-store';
import { t, tn } from '@/models/shared/i18n';
import { clearSavedData } from '@/models/shared/saved-data';
import type { WordEntry } from '@/models/shared/words/word-list';
import { loadWords, removeWord, wordListItem } from '@/models/shared/words/word-store';
import { downloadText } from '../common/download';
import { learningErrorText } from '../common/learning-error';
import { BACKUP_MAX_CHARS } from '@/models/shared/protocol';
import { AnkiButton, type AnkiState, ankiStates } from '../result/AnkiButton';

export function WordList({ onMessage }: { onMessage: (text: string) => void }) {
  const [words, setWords] = useState<WordEntry[]>([]);
  const [anki, setAnki] = useState<Record<string, AnkiState>>({});
  useEffect(() => {
    void loadWords().then(setWords);
    return wordListItem.watch(() => void loadWords().then(setWords));
  }, []);
  // One "already in Anki?" for every row.
  const ids = words.map((w) => w.id).join(' ');
  useEffect(() => void ankiStates(ids ? ids.split(' ') : []).then(setAnki), [ids]);

  const exportBackup = async () => {
    try {
      const file = await request({ type: 'learning.export' });
      downloadText('sesame-words.json', file.text, 'application/json;charset=utf-8');
    } catch (error) {
      onMessage(learningErrorText(error));
    }
  };
  /** A file picker made on the click (no file field stays in the page). */
  const chooseBackup = () => {
    const input = document.createElement('input');
    input.type = 'file';
    input.accept = '.json,application/json';
    input.addEventListener('change', () => void importBackup(input));
    input.click();
  };
  const importBackup = async (input: HTMLInputElement) => {
    const file = input.files?.[0];
    input.value = '';
    if (!file) return;
    if (file.size > BACKUP_MAX_CHARS) return onMessage(t('learn_error_too_large'));
    try {
      const done = await request({ type: 'learning.import', text: await file.text() });
      onMessage(t('words_backup_imported', { words: done.words, cards: done.cards, skipped: done.skipped }));
    } catch (error) {
      onMessage(learningErrorText(error));
    }
  };

  const exportAll = async () => downloadText('sesame-anki.csv', ankiCsv(await loadHistory(), words));
  const clearAll = async () => {
    if (!confirm(t('words_clear_confirm'))) return;
    await clearSavedData(() => request({ type: 'memory.clear' }).catch(() => undefined));
    setWords([]);
    onMessage(t('words_cleared'));
  };

  return (
    <section aria-labelledby="words-h" data-testid="word-list">
      <h2 id="words-h">{t('words_title')}</h2>
      {words.length === 0 ? (
        <p class="muted">{t('words_empty')}</p>
      ) : (
        <table>
          <tbody>
            {words.map((w) => (
              <tr key={w.id} data-testid="word-entry">
                <th scope="row" lang={w.lang}>
                  {w.word}
                </th>
                <td lang={w.lang}>
                  {w.sentence.slice(0, w.start)}
                  <b>{w.sentence.slice(w.start, w.end)}</b>
                  {w.sentence.slice(w.end)}
                  {w.sense.length > 0 && <div class="muted">{t('words_sense', { label: w.sense.slice(0, 3).join(' · ') })}</div>}
                  {w.gloss && <div class="muted">{w.gloss}</div>}
                </td>
                <td>
                  <AnkiButton wordId={w.id} word={w.word} known={anki[w.id] ?? { s: 'hidden' }} />{' '}
                  <button type="button" aria-label={t('words_remove_label', { word: w.word })} onClick={() => void removeWord(w.id).then(setWords)}>
                    {t('words_remove')}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <div class="actions">
        <button type="button" onClick={() => void exportAll()} data-testid="export-all">
          {t('words_export')}
        </button>
        <button type="button" onClick={() => void exportBackup()} data-testid="backup-export">
          {t('words_backup_export')}
        </button>
        <button type="button" onClick={chooseBackup} data-testid="backup-import">
          {t('words_backup_import')}
        </button>
        <button type="button" onClick={() => void clearAll()} data-testid="clear-data">
          {t('words_clear')}
        </button>
      </div>
      <p class="muted">{tn('words_count', words.length)}</p>
    </section>
  );
}
