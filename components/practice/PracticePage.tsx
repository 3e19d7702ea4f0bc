// The practice page: a cloze exercise on a passage handed over through session storage (by id
// in the URL fragment), checked by the model, with hints, retry, score and a history.
import { useEffect, useMemo, useState } from 'preact/hooks';
import { ProgressView } from '@/components/result/ProgressView';
import { ErrorView } from '@/components/result/ResultView';
import { request, RequestError } from '@/models/shared/client';
import { loadBundledDict } from '@/models/shared/dict/bundled-dict';
import type { ChineseDict } from '@/models/shared/dict/chinese-dict';
import {
  answersToCheck,
  applyCheck,
  clearBlank,
  type Exercise,
  retry,
  reveal,
  score,
  startExercise,
  takeHint,
  typeAnswer,
} from '@/models/shared/practice/exercise';
import { buildHints } from '@/models/shared/practice/hints';
import type { HistoryEntry } from '@/models/shared/practice/history';
import { clearHistory, historyItem, loadHistory, saveToHistory } from '@/models/shared/practice/history-store';
import type { PracticePassage } from '@/models/shared/practice/passage';
import { getPassage } from '@/models/shared/practice/passage-store';
import { sectionsOf } from '@/models/shared/practice/sections';
import { t } from '@/models/shared/i18n';
import { type ClozeDifficulty, CLOZE_DIFFICULTIES, type ErrorInfo, type Progress } from '@/models/shared/protocol';
import { ClozeExercise, type ExerciseActions } from './ClozeExercise';
import { HistoryList } from './HistoryList';
import { TypedInput } from '../common/TypedInput';

type Run = { phase: 'working'; files: Record<string, Progress> } | { phase: 'ready'; ex: Exercise; id: string } | { phase: 'error'; error: ErrorInfo };

const errorOf = (e: unknown): ErrorInfo => (e instanceof RequestError ? e.info : { code: 'internal', message: String((e as Error)?.message ?? e) });
const newId = () => `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;

export function PracticePage({ passageId }: { passageId: string }) {
  const [passage, setPassage] = useState<PracticePassage | null | undefined>(undefined);
  const [difficulty, setDifficulty] = useState<ClozeDifficulty>('medium');
  const [count, setCount] = useState(5);
  const [seed, setSeed] = useState(1);
  const [run, setRun] = useState<Run | null>(null);
  const [checking, setChecking] = useState<ErrorInfo | boolean>(false);
  const [history, setHistory] = useState<HistoryEntry[]>([]);
  const [dict, setDict] = useState<ChineseDict | null>(null);
  /** A long passage (an article) is practised a section at a time. */
  const sections = useMemo(() => (passage ? sectionsOf(passage.text) : []), [passage]);
  const [section, setSection] = useState(0);
  const text = sections[Math.min(section, sections.length - 1)];

  useEffect(() => {
    void (passageId ? getPassage(passageId) : Promise.resolve(null)).then(setPassage, () => setPassage(null));
    void loadHistory().then(setHistory);
    return historyItem.watch(() => void loadHistory().then(setHistory));
  }, [passageId]);

  useEffect(() => {
    if (!passage || !text) return;
    const abort = new AbortController();
    const files: Record<string, Progress> = {};
    setRun({ phase: 'working', files });
    request(
      {
        type: 'cloze',
        text,
        blanks: count,
        seed,
        difficulty,
        ...(passage.lang ? { lang: passage.lang } : {}),
        ...(passage.focus ? { focus: passage.focus } : {}),
      },
      {
        signal: abort.signal,
        onProgress: (p) => {
          files[p.file] = p;
          setRun({ phase: 'working', files: { ...files } });
        },
      },
    ).then(
      (cloze) => setRun({ phase: 'ready', ex: startExercise(cloze), id: newId() }),
      (e: unknown) => !abort.signal.aborted && setRun({ phase: 'error', error: errorOf(e) }),
    );
    return () => abort.abort();
  }, [passage, text, difficulty, count, seed]);

  const ready = run?.phase === 'ready' ? run : null;
  const lang = ready?.ex.cloze.lang;
  useEffect(() => {
    if (lang === 'zh' && !dict) void loadBundledDict().then(setDict, () => undefined);
  }, [lang, dict]);
  const hints = useMemo(
    () => ready?.ex.cloze.blanks.map((b) => buildHints(b.answer, ready.ex.cloze.lang, dict?.pinyin(b.answer))) ?? [],
    [ready?.ex.cloze, dict],
  );

  const setEx = (change: (ex: Exercise) => Exercise) => setRun((r) => (r?.phase === 'ready' ? { ...r, ex: change(r.ex) } : r));

  const check = async () => {
    if (!ready || checking === true) return;
    const { ex, id } = ready;
    setChecking(true);
    try {
      const result = await request({
        type: 'cloze.check',
        text: ex.cloze.text,
        lang: ex.cloze.lang,
        blanks: ex.cloze.blanks.map(({ start, end, answer }) => ({ start, end, answer })),
        answers: answersToCheck(ex).map((a) => a.slice(0, 64)),
      });
      const checked = applyCheck(ex, result);
      setEx(() => checked);
      setChecking(false);
      const total = score(checked);
      setHistory(
        await saveToHistory({
          id,
          date: Date.now(),
          url: passage?.url ?? '',
          lang: ex.cloze.lang,
          text: ex.cloze.text,
          blanks: ex.cloze.blanks.map((b, i) => ({
            start: b.start,
            end: b.end,
            answer: b.answer,
            given: checked.blanks[i]!.input.slice(0, 64),
            verdict: checked.blanks[i]!.judgement?.verdict ?? null,
            ...(checked.blanks[i]!.revealed ? { revealed: true } : {}),
          })),
          points: total.points,
          max: total.max,
        }),
      );
    } catch (e) {
      setChecking(errorOf(e));
    }
  };

  const actions: ExerciseActions = {
    type: (i, value) => setEx((ex) => typeAnswer(ex, i, value)),
    check: () => void check(),
    hint: (i) => setEx((ex) => takeHint(ex, i, hints[i]?.length ?? 0)),
    reveal: (i) => setEx((ex) => reveal(ex, i)),
    clear: (i) => setEx((ex) => clearBlank(ex, i)),
    retry: () => setRun((r) => (r?.phase === 'ready' ? { ...r, ex: retry(r.ex), id: newId() } : r)),
  };

  return (
    <main class="practice">
      <header class="bar">
        <h1>{t('practice_title')}</h1>
      </header>
      {passage === null && (
        <p class="muted" data-testid="no-passage">
          {t('practice_no_passage')}
        </p>
      )}
      {passage && (
        <form class="settings actions" onSubmit={(e) => e.preventDefault()}>
          <label>
            {t('practice_difficulty')}{' '}
            <select
              value={difficulty}
              onChange={(e) => setDifficulty((e.currentTarget as HTMLSelectElement).value as ClozeDifficulty)}
              data-testid="difficulty"
            >
              {CLOZE_DIFFICULTIES.map((d) => (
                <option key={d} value={d}>
                  {t(`practice_difficulty_${d}`)}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t('practice_blanks')}{' '}
            <TypedInput
              type="number"
              min={1}
              max={20}
              value={count}
              onChange={(e) => setCount(Math.min(20, Math.max(1, Number((e.currentTarget as HTMLInputElement).value) || 5)))}
            />
          </label>
          <button type="button" onClick={() => setSeed((s) => s + 1)} data-testid="new-exercise">
            {t('practice_new_exercise')}
          </button>
        </form>
      )}
      {sections.length > 1 && (
        <nav class="actions sections" aria-label={t('practice_sections')} data-testid="sections">
          <button type="button" disabled={section === 0} onClick={() => setSection((i) => Math.max(0, i - 1))} data-testid="section-previous">
            {t('practice_section_previous')}
          </button>
          <span role="status" data-testid="section-label">
            {t('practice_section', { i: section + 1, n: sections.length })}
          </span>
          <button
            type="button"
            disabled={section >= sections.length - 1}
            onClick={() => setSection((i) => Math.min(sections.length - 1, i + 1))}
            data-testid="section-next"
          >
            {t('practice_section_next')}
          </button>
        </nav>
      )}
      {run?.phase === 'working' && (
        <div aria-busy="true">
          <p class="muted">{t('working_cloze')}</p>
          <ProgressView files={run.files} />
        </div>
      )}
      {run?.phase === 'error' && <ErrorView error={run.error} />}
      {ready && (
        <>
          {ready.ex.cloze.blanks.length === 0 ? (
            <p class="muted">{t('practice_no_blanks')}</p>
          ) : (
            <ClozeExercise ex={ready.ex} hints={hints} checking={checking === true} actions={actions} />
          )}
          {typeof checking === 'object' && <ErrorView error={checking} testId="check-error" />}
          <p class="footer muted" data-testid="model-line">
            {ready.ex.cloze.model} · {ready.ex.cloze.backend === 'webgpu' ? 'WebGPU' : 'WASM'}
          </p>
        </>
      )}
      <HistoryList entries={history} onClear={() => void clearHistory().then(() => setHistory([]))} />
    </main>
  );
}
