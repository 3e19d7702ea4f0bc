// The review page: due cards one at a time, each a cloze of a sentence the learner kept. The
// typed word is judged by the model (cloze.check, as on the practice page: a word the model
// accepts in its place counts); the outcome suggests a rating, keys 1–4 give one (FSRS grades
// Again/Hard/Good/Easy), all from the keyboard. Page text is only ever rendered as text.
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { request } from '@/models/shared/client';
import { t, tn, uiLangTag } from '@/models/shared/i18n';
import { type ClozeVerdict, type DueCard, REVIEW_RATING_NAMES } from '@/models/shared/protocol';
import { loadReview } from '@/models/shared/review/review-store';
import { ratingOf, type ReviewRating } from '@/models/shared/review/schedule';
import { weekPassage } from '@/models/shared/review/week-passage';
import { learningErrorText } from '../common/learning-error';

export function ReviewPage() {
  const [queue, setQueue] = useState<DueCard[] | null>(null);
  const [due, setDue] = useState(0);
  const [done, setDone] = useState(0);
  const [message, setMessage] = useState('');
  const load = async () => {
    try {
      const r = await request({ type: 'review.due', limit: 50 });
      setQueue(r.cards);
      setDue(r.due);
    } catch (error) {
      setQueue([]);
      setMessage(learningErrorText(error));
    }
  };
  // biome-ignore lint/correctness/useExhaustiveDependencies: once, when the page opens.
  useEffect(() => void load(), []);

  const practiseWeek = async () => {
    const passage = weekPassage((await loadReview()).cards, Date.now());
    if (!passage) return setMessage(t('review_week_none'));
    try {
      await request({ type: 'practice.open', text: passage.text, lang: passage.lang, ...(passage.focus.length ? { focus: passage.focus } : {}) });
    } catch (error) {
      setMessage(learningErrorText(error));
    }
  };

  const card = queue?.[0];
  return (
    <main class="review" data-testid="review">
      <div class="bar">
        <h1>{t('review_heading')}</h1>
        <span class="muted" data-testid="review-due" data-due={due}>
          {tn('review_due', due)}
        </span>
      </div>
      {queue === null ? null : card ? (
        <CardView
          key={`${card.id}:${card.reps}:${done}`}
          card={card}
          left={queue.length}
          onRated={(nowDue) => {
            setDue(nowDue);
            setDone((n) => n + 1);
            if (queue.length > 1) setQueue(queue.slice(1));
            else void load();
          }}
          onError={setMessage}
        />
      ) : (
        <p data-testid="review-empty">{t(done > 0 ? 'review_done' : 'review_none')}</p>
      )}
      <p role="status" class="muted" data-testid="review-message">
        {message}
      </p>
      <p>
        <button type="button" data-testid="practise-week" onClick={() => void practiseWeek()}>
          {t('review_practise_week')}
        </button>
      </p>
    </main>
  );
}

type Phase = { p: 'answer' } | { p: 'checking' } | { p: 'judged'; verdict: ClozeVerdict | null; revealed: boolean; given: string };

const KEYS: Record<string, ReviewRating> = { '1': 'again', '2': 'hard', '3': 'good', '4': 'easy' };

/** "in 10 minutes", "in 3 days", in the UI language. */
function when(at: number, now: number): string {
  const rtf = new Intl.RelativeTimeFormat(uiLangTag(), { numeric: 'auto' });
  const minutes = Math.max(1, Math.round((at - now) / 60_000));
  if (minutes < 60) return rtf.format(minutes, 'minute');
  if (minutes < 48 * 60) return rtf.format(Math.round(minutes / 60), 'hour');
  return rtf.format(Math.round(minutes / 1440), 'day');
}

function CardView({ card, left, onRated, onError }: { card: DueCard; left: number; onRated: (due: number) => void; onError: (text: string) => void }) {
  const [phase, setPhase] = useState<Phase>({ p: 'answer' });
  const [typed, setTyped] = useState('');
  const [rating, setRating] = useState<ReviewRating | null>(null);
  const input = useRef<HTMLInputElement>(null);
  const rateBox = useRef<HTMLFieldSetElement>(null);
  const answer = card.sentence.slice(card.start, card.end);
  const [now] = useState(Date.now());
  useEffect(() => input.current?.focus(), []);

  const judge = async () => {
    const given = typed.trim();
    if (!given) return reveal();
    setPhase({ p: 'checking' });
    let verdict: ClozeVerdict;
    try {
      const r = await request({
        type: 'cloze.check',
        text: card.sentence,
        blanks: [{ start: card.start, end: card.end, answer }],
        answers: [given],
        lang: card.lang,
      });
      verdict = r.blanks[0]?.verdict ?? 'wrong';
    } catch (error) {
      // No model (offline, failed): judged by spelling, and said so.
      onError(learningErrorText(error));
      verdict = given.toLowerCase() === answer.toLowerCase() ? 'correct' : 'wrong';
    }
    setPhase({ p: 'judged', verdict, revealed: false, given });
    setRating(ratingOf({ verdict }));
  };
  const reveal = () => {
    setPhase({ p: 'judged', verdict: null, revealed: true, given: '' });
    setRating(ratingOf({ verdict: null, revealed: true }));
  };
  const rate = async (r: ReviewRating) => {
    try {
      const { due } = await request({ type: 'review.rate', id: card.id, rating: r });
      onRated(due);
    } catch (error) {
      onError(learningErrorText(error));
    }
  };

  // Bound in the same frame the verdict is drawn (a layout effect: Preact runs plain effects after
  // the paint), so a rating key pressed as soon as the verdict shows is not lost.
  // biome-ignore lint/correctness/useExhaustiveDependencies: keys are bound while a card is judged; `rate` reads that card, which does not change until it is rated.
  useLayoutEffect(() => {
    if (phase.p !== 'judged') return;
    rateBox.current?.querySelector<HTMLButtonElement>('[data-suggested="true"]')?.focus();
    const onKey = (e: KeyboardEvent) => {
      const r = KEYS[e.key];
      if (!r || e.altKey || e.ctrlKey || e.metaKey) return;
      e.preventDefault();
      void rate(r);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [phase.p]);

  const judged = phase.p === 'judged' ? phase : null;
  return (
    <section aria-labelledby="card-h" data-testid="review-card" data-card={card.id} data-phase={phase.p}>
      <h2 id="card-h" class="muted">
        {t('review_left', { n: left })} · {tn('review_contexts', card.contexts)}
      </h2>
      <p class="muted">{t('review_prompt')}</p>
      <p class="passage" lang={card.lang}>
        {card.sentence.slice(0, card.start)}
        <input
          ref={input}
          class={`blank-input ${judged ? (judged.revealed ? 'revealed' : (judged.verdict ?? '')) : ''}`}
          data-testid="review-answer"
          aria-label={t('review_answer_label')}
          size={Math.max(4, answer.length + 2)}
          value={judged?.revealed ? answer : typed}
          readOnly={phase.p !== 'answer'}
          autocomplete="off"
          onInput={(e) => setTyped((e.target as HTMLInputElement).value)}
          onKeyDown={(e) => {
            if (phase.p !== 'answer') return;
            if (e.key === 'Enter') {
              e.preventDefault();
              void judge();
            } else if (e.key === 'Escape') {
              e.preventDefault();
              reveal();
            }
          }}
        />
        {card.sentence.slice(card.end)}
      </p>
      {phase.p === 'answer' && (
        <div class="actions">
          <button type="button" data-testid="review-check" onClick={() => void judge()}>
            {t('review_check')}
          </button>
          <button type="button" data-testid="review-show" onClick={reveal}>
            {t('review_show')}
          </button>
        </div>
      )}
      {phase.p === 'checking' && (
        <p class="muted" aria-busy="true">
          {t('review_checking')}
        </p>
      )}
      {judged && (
        <div>
          <p
            role="status"
            class={`verdict ${judged.revealed ? '' : (judged.verdict ?? '')}`}
            data-testid="review-verdict"
            data-verdict={judged.verdict ?? 'revealed'}
          >
            {judged.revealed
              ? t('review_revealed', { word: answer })
              : judged.verdict === 'correct'
                ? t('review_correct', { word: answer })
                : judged.verdict === 'acceptable'
                  ? t('review_acceptable', { given: judged.given, word: answer })
                  : t('review_wrong', { given: judged.given, word: answer })}
          </p>
          {card.senseKey.length > 0 && (
            <p class="muted" lang={card.lang}>
              {t('words_sense', { label: card.senseKey.slice(0, 3).join(' · ') })}
            </p>
          )}
          {card.gloss && <p class="muted">{card.gloss}</p>}
          <fieldset class="actions rate" ref={rateBox}>
            <legend>{t('review_rate')}</legend>
            {REVIEW_RATING_NAMES.map((r, i) => (
              <button type="button" key={r} data-testid={`rate-${r}`} data-suggested={r === rating ? 'true' : 'false'} onClick={() => void rate(r)}>
                {t('review_rate_button', { key: i + 1, rating: t(`review_${r}`), when: when(card.next[r], now) })}
              </button>
            ))}
          </fieldset>
        </div>
      )}
    </section>
  );
}
