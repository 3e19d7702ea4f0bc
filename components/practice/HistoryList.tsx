// Past exercises, with export to Anki and clearing.
import { ankiCsv } from '@/models/shared/practice/anki-csv';
import type { HistoryEntry } from '@/models/shared/practice/history';
import { t, uiLangTag } from '@/models/shared/i18n';
import { downloadText } from '../common/download';

export function HistoryList({ entries, onClear }: { entries: HistoryEntry[]; onClear: () => void }) {
  return (
    <section aria-labelledby="history-title" data-testid="history">
      <div class="bar">
        <h2 id="history-title">{t('practice_history')}</h2>
        <div class="actions">
          <button type="button" disabled={entries.length === 0} onClick={() => downloadText('sesame-cloze.csv', ankiCsv(entries))} data-testid="export">
            {t('practice_export')}
          </button>
          <button type="button" disabled={entries.length === 0} onClick={onClear}>
            {t('practice_clear_history')}
          </button>
        </div>
      </div>
      {entries.length === 0 ? (
        <p class="muted">{t('practice_history_empty')}</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th>{t('practice_col_date')}</th>
              <th>{t('practice_col_source')}</th>
              <th>{t('practice_col_answers')}</th>
              <th>{t('practice_col_score')}</th>
            </tr>
          </thead>
          <tbody>
            {entries.map((e) => (
              <tr key={e.id} data-testid="history-entry">
                <td>{new Date(e.date).toLocaleString(uiLangTag())}</td>
                <td class="source">{e.url || '—'}</td>
                <td lang={e.lang}>
                  {e.blanks.map((b, i) => (
                    <span key={i} class={`given ${b.verdict ?? 'revealed'}`}>
                      {b.given || '—'}
                      {b.verdict !== 'correct' && <span class="muted"> ({b.answer})</span>}
                      {i < e.blanks.length - 1 ? ', ' : ''}
                    </span>
                  ))}
                </td>
                <td data-testid="history-score">
                  {e.points}/{e.max}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
