// "Add to Anki" for a saved word (bubble, popup, word list): through the background, which builds
// the note from the stored entry. Hidden while Anki is off or not set up; "Already in Anki" when
// AnkiConnect says the note would be a duplicate.
import { useEffect, useState } from 'preact/hooks';
import { request } from '@/models/shared/client';
import { t } from '@/models/shared/i18n';
import { learningErrorKind, learningErrorText } from '../common/learning-error';

/** What the button shows: not asked yet, hidden (Anki off or not set up), addable, busy, in Anki, or why not. */
export type AnkiState = { s: 'asking' } | { s: 'hidden' } | { s: 'can' } | { s: 'adding' } | { s: 'in-anki'; added: boolean } | { s: 'failed'; text: string };

const HIDDEN_KINDS = new Set(['off', 'no-access', 'not-set-up', 'no-word']);

/** One canAdd for many saved words (the word list asks once for all its rows). */
export async function ankiStates(wordIds: string[]): Promise<Record<string, AnkiState>> {
  if (wordIds.length === 0) return {};
  try {
    const { answers } = await request({ type: 'anki.canAdd', wordIds: wordIds.slice(0, 500) });
    return Object.fromEntries(
      answers.map((a) => [
        a.wordId,
        a.canAdd ? { s: 'can' } : a.kind === 'duplicate' ? { s: 'in-anki', added: false } : a.kind && HIDDEN_KINDS.has(a.kind) ? { s: 'hidden' } : { s: 'can' },
      ]),
    );
  } catch (error) {
    const kind = learningErrorKind(error);
    const state: AnkiState = kind && HIDDEN_KINDS.has(kind) ? { s: 'hidden' } : { s: 'failed', text: learningErrorText(error) };
    return Object.fromEntries(wordIds.map((id) => [id, state]));
  }
}

export function AnkiButton({ wordId, word, known }: { wordId: string; word: string; known?: AnkiState | undefined }) {
  const [state, setState] = useState<AnkiState>(known ?? { s: 'asking' });
  useEffect(() => {
    if (known) return setState(known);
    void ankiStates([wordId]).then((states) => setState(states[wordId] ?? { s: 'hidden' }));
  }, [wordId, known]);
  if (state.s === 'hidden' || state.s === 'asking') return null;
  const add = async () => {
    setState({ s: 'adding' });
    try {
      await request({ type: 'anki.add', wordId });
      setState({ s: 'in-anki', added: true });
    } catch (error) {
      setState(learningErrorKind(error) === 'duplicate' ? { s: 'in-anki', added: false } : { s: 'failed', text: learningErrorText(error) });
    }
  };
  return (
    <span class="anki" data-testid="anki" data-state={state.s}>
      <button
        type="button"
        data-testid="add-to-anki"
        aria-label={t('anki_add_label', { word })}
        disabled={state.s === 'adding' || state.s === 'in-anki'}
        onClick={() => void add()}
      >
        {t(state.s === 'adding' ? 'anki_adding' : state.s === 'in-anki' ? (state.added ? 'anki_added' : 'anki_in_anki') : 'anki_add')}
      </button>
      <span role="status" class={state.s === 'failed' ? 'error' : 'muted'} data-testid="anki-status">
        {state.s === 'failed' ? ` ${state.text}` : ''}
      </span>
    </span>
  );
}
