// The exercise: the passage with an input per blank, per-blank feedback, hints and reveal.
// Keyboard: Tab / Shift+Tab move between blanks, Enter checks, Esc clears the blank,
// Alt+H shows the next hint, Alt+R reveals the answer.
import { percent } from '@/components/common/format';
import { type Exercise, score } from '@/models/shared/practice/exercise';
import type { Hint } from '@/models/shared/practice/hints';
import { t } from '@/models/shared/i18n';
import type { Scored } from '@/models/shared/protocol';
import { hintText } from './hint-text';

export interface ExerciseActions {
  type(i: number, value: string): void;
  check(): void;
  hint(i: number): void;
  reveal(i: number): void;
  clear(i: number): void;
  retry(): void;
}

export function ClozeExercise({ ex, hints, checking, actions }: { ex: Exercise; hints: Hint[][]; checking: boolean; actions: ExerciseActions }) {
  const { cloze } = ex;
  const n = cloze.blanks.length;
  const onKey = (i: number) => (e: KeyboardEvent) => {
    if (e.key === 'Enter') {
      e.preventDefault();
      actions.check();
    } else if (e.key === 'Escape') {
      e.preventDefault();
      actions.clear(i);
    } else if (e.altKey && (e.key === 'h' || e.key === 'H' || e.code === 'KeyH')) {
      e.preventDefault();
      actions.hint(i);
    } else if (e.altKey && (e.key === 'r' || e.key === 'R' || e.code === 'KeyR')) {
      e.preventDefault();
      actions.reveal(i);
    }
  };
  const parts: preact.ComponentChildren[] = [];
  let at = 0;
  cloze.blanks.forEach((b, i) => {
    const state = ex.blanks[i]!;
    const verdict = state.revealed ? 'revealed' : (state.judgement?.verdict ?? '');
    parts.push(
      cloze.text.slice(at, b.start),
      <input
        key={`b${i}`}
        class={`blank-input ${verdict}`}
        data-testid="blank-input"
        data-verdict={verdict}
        lang={cloze.lang}
        value={state.input}
        readOnly={state.revealed}
        size={Math.max(6, [...state.input].length + 1)}
        maxLength={64}
        autocomplete="off"
        spellcheck={false}
        aria-label={t('practice_blank_label', { i: i + 1, n })}
        aria-describedby={`feedback-${i}`}
        aria-invalid={verdict === 'wrong'}
        onInput={(e) => actions.type(i, (e.currentTarget as HTMLInputElement).value)}
        onKeyDown={onKey(i)}
      />,
    );
    at = b.end;
  });
  parts.push(cloze.text.slice(at));
  const total = score(ex);
  return (
    <section aria-label={t('practice_exercise')} data-testid="exercise">
      <p class="passage" lang={cloze.lang} data-testid="passage">
        {parts}
      </p>
      <div class="actions">
        <button type="button" onClick={actions.check} disabled={checking} data-testid="check">
          {checking ? t('practice_checking') : t('practice_check')}
        </button>
        <button type="button" onClick={actions.retry} data-testid="retry">
          {t('practice_retry')}
        </button>
      </div>
      <p class="muted">{t('practice_keys')}</p>
      {ex.checked && (
        <p class="score" role="status" data-testid="score">
          {t('practice_score', { points: total.points, max: total.max })}
        </p>
      )}
      <ol class="feedback" aria-live="polite" data-testid="feedback">
        {cloze.blanks.map((b, i) => {
          const state = ex.blanks[i]!;
          const j = state.judgement;
          const shownHints = hints[i]?.slice(0, state.hints) ?? [];
          const top: Scored[] = j ? j.modelTop : state.revealed ? b.candidates : [];
          return (
            <li key={i} id={`feedback-${i}`} data-testid="blank-feedback" data-verdict={state.revealed ? 'revealed' : (j?.verdict ?? '')}>
              {j && <span class={`verdict ${j.verdict}`}>{t(`practice_verdict_${j.verdict}`)}</span>}
              {j?.verdict === 'acceptable' && j.score !== null && <span class="muted"> {ratioText(j.score)}</span>}
              {state.revealed && (
                <span class="verdict revealed">
                  {t('practice_answer')} <span lang={cloze.lang}>{b.answer}</span>
                </span>
              )}
              {shownHints.map((h) => (
                <span key={h.kind} class="hint" data-testid="hint">
                  {' · '}
                  {hintText(h)}
                </span>
              ))}
              {top.length > 0 && (
                <div class="muted" data-testid="model-top">
                  {t('practice_model_top')} <span lang={cloze.lang}>{top.map((c) => `${c.text} ${percent(c.score)}`).join(', ')}</span>
                </div>
              )}
              <div class="blank-actions">
                <button type="button" tabIndex={-1} disabled={state.revealed || state.hints >= (hints[i]?.length ?? 0)} onClick={() => actions.hint(i)}>
                  {t('practice_hint')}
                </button>
                <button type="button" tabIndex={-1} disabled={state.revealed} onClick={() => actions.reveal(i)} data-testid="reveal">
                  {t('practice_reveal')}
                </button>
              </div>
            </li>
          );
        })}
      </ol>
    </section>
  );
}

function ratioText(score: number): string {
  return score >= 0 ? t('practice_rated_at_least') : t('practice_rated_ratio', { ratio: percent(Math.exp(score)) });
}
