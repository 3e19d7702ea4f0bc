// The word-sense result: substitutes, the senses of the word's uses on this page (each with
// example snippets that scroll the page to that use), and dictionary glosses ranked by context.
// Page text is only ever rendered as text nodes.
import type { GlossOut, OccurrenceSpan, SenseCluster, SenseResult, Update } from '@/models/shared/protocol';
import { useState } from 'preact/hooks';
import { type MessageKey, t, tn, uiLanguage } from '@/models/shared/i18n';
import { DEFAULT_SETTINGS } from '@/models/shared/settings';
import { formatReading } from '@/models/shared/text/pinyin';
import { percent } from '../common/format';
import { AnkiButton } from './AnkiButton';
import { LevelChips } from './LevelChips';
import { type ReadingPrefs, ReadingView, readingLang, Syllables } from './ReadingView';
import { type Speak, SpeakButtons } from './SpeakButtons';

export interface SenseViewProps {
  result: SenseResult | Extract<Update, { type: 'sense' }>;
  /** The request's occurrences, for the snippets (cluster members index into them). */
  occurrences?: OccurrenceSpan[] | undefined;
  onReveal?: ((index: number) => void) | undefined;
  /** The on-page bubble: fewer snippets and glosses. */
  compact?: boolean;
  /** Saves the word, its sentence and the sense shown to the word list. */
  onSave?: ((result: SenseResult) => Promise<string | undefined>) | undefined;
  /** How Chinese readings are written and coloured (Settings → Chinese readings). */
  reading?: ReadingPrefs | undefined;
  /** Speaks the word or its sentence (through the background). */
  speech?: { speak: Speak; hasSentence: boolean } | undefined;
}

const GLOSS_METHOD_TEXT: Record<NonNullable<SenseResult['glossMethod']>, MessageKey> = {
  'context-embedding': 'gloss_method_context_embedding',
  'substitute-overlap': 'gloss_method_substitute_overlap',
  'dictionary-order': 'gloss_method_dictionary_order',
};

export function SenseView({ result, occurrences, onReveal, compact, onSave, reading, speech }: SenseViewProps) {
  const full = 'type' in result && result.type === 'sense' && 'model' in result ? result : null;
  // The senses come before the result does (an update), the glosses with it.
  const clusters = full ? full.clusters : result.clusters;
  const [saved, setSaved] = useState<'no' | 'yes' | 'failed'>('no');
  /** The saved entry's id, once saved: "Add to Anki" then appears. */
  const [savedId, setSavedId] = useState<string | null>(null);
  const prefs = reading ?? DEFAULT_SETTINGS.reading;
  const dictionary = full?.glosses && full.glosses.length > 0 && full.glossMethod && (
    <Glosses key="glosses" glosses={compact ? full.glosses.slice(0, 3) : full.glosses} method={full.glossMethod} prefs={prefs} />
  );
  const equivalents = full?.equivalents && full.equivalents.length > 0 && full.equivalentMethod && (
    <Equivalents key="equivalents" items={compact ? full.equivalents.slice(0, 3) : full.equivalents} method={full.equivalentMethod} prefs={prefs} />
  );
  // The UI language chooses which glosses lead: a Chinese reader of English sees the Chinese words first.
  const glossSections = uiLanguage() === 'zh_CN' ? [equivalents, dictionary] : [dictionary, equivalents];
  return (
    <div>
      <div class="word-bar">
        <h2 class="word" lang={result.lang}>
          {result.word}
        </h2>
        {full && onSave && (
          <button
            type="button"
            data-testid="save-word"
            disabled={saved === 'yes'}
            onClick={() =>
              void onSave(full).then(
                (id) => {
                  setSaved('yes');
                  if (id) setSavedId(id);
                },
                () => setSaved('failed'),
              )
            }
          >
            {t(saved === 'yes' ? 'words_saved' : saved === 'failed' ? 'words_save_failed' : 'words_save')}
          </button>
        )}
      </div>
      {savedId && <AnkiButton wordId={savedId} word={result.word} />}
      {full?.reading && <ReadingView reading={full.reading} prefs={prefs} />}
      {full?.level && <LevelChips level={full.level} />}
      {speech && <SpeakButtons key={`${result.lang}:${result.word}`} speak={speech.speak} lang={result.lang} hasSentence={speech.hasSentence} />}
      <p class="muted">{t('sense_fit_here')}</p>
      {result.substitutes.length === 0 ? (
        <p class="muted">{t('sense_no_substitutes')}</p>
      ) : (
        <ol class="substitutes" data-testid="substitutes" lang={result.lang}>
          {result.substitutes.map((s) => (
            <li key={s.text}>
              <span class="sub">{s.text}</span> <span class="muted">{percent(s.score)}</span>
            </li>
          ))}
        </ol>
      )}
      {clusters && (
        <Senses
          clusters={clusters}
          cached={full?.vectors?.cached}
          lang={result.lang}
          occurrences={occurrences}
          onReveal={onReveal}
          compact={compact ?? false}
        />
      )}
      {full?.vectors?.note && (
        <p class="muted" role="note" data-testid="vectors-note">
          {full.vectors.note}
        </p>
      )}
      {glossSections}
    </div>
  );
}

function Senses({
  clusters,
  cached,
  lang,
  occurrences,
  onReveal,
  compact,
}: {
  clusters: SenseCluster[];
  /** Uses answered from the host's cache (a repeated lookup); only Sesame's own pages are told. */
  cached: number | undefined;
  lang: string;
  occurrences: OccurrenceSpan[] | undefined;
  onReveal: ((index: number) => void) | undefined;
  compact: boolean;
}) {
  const uses = clusters.reduce((n, c) => n + c.members.length, 0);
  const snippets = compact ? 1 : 3;
  return (
    <section aria-label={t('sense_senses_label')} data-testid="senses" data-cached={cached === undefined ? undefined : String(cached)}>
      <p class="muted">
        {uses === 1
          ? t('sense_only_use')
          : clusters.length === 1
            ? t('sense_page_uses_one_sense', { n: uses })
            : t('sense_page_uses_senses', { n: uses, k: clusters.length })}
      </p>
      <ol class="senses">
        {clusters.map((c, k) => (
          <li
            key={k}
            class={c.selected ? 'sense selected' : 'sense'}
            data-testid="sense"
            data-selected={c.selected ? 'true' : 'false'}
            aria-current={c.selected ? 'true' : undefined}
          >
            <span class="sub" lang={lang}>
              {c.label.length > 0 ? c.label.slice(0, 3).join(' · ') : '—'}
            </span>{' '}
            <span class="muted">
              {tn('sense_uses', c.members.length)}
              {c.selected ? t('sense_this_one') : ''}
            </span>
            {occurrences && (
              <ul class="snippets">
                {c.members.slice(0, snippets).map((m) => {
                  const o = occurrences[m];
                  return o ? (
                    <li key={m}>
                      <button
                        type="button"
                        class="snippet"
                        lang={lang}
                        data-testid="snippet"
                        data-index={m}
                        onClick={() => onReveal?.(m)}
                        title={t('sense_show_on_page')}
                      >
                        {snippet(o)}
                      </button>
                    </li>
                  ) : null;
                })}
                {c.members.length > snippets && <li class="muted">{t('sense_more', { n: c.members.length - snippets })}</li>}
              </ul>
            )}
          </li>
        ))}
      </ol>
    </section>
  );
}

/** About 90 characters around the word, with the word itself in bold. */
function snippet(o: OccurrenceSpan) {
  const before = o.text.slice(Math.max(0, o.start - 45), o.start);
  const after = o.text.slice(o.end, o.end + 45);
  return (
    <>
      {o.start > 45 ? '…' : ''}
      {before}
      <b>{o.text.slice(o.start, o.end)}</b>
      {after}
      {o.end + 45 < o.text.length ? '…' : ''}
    </>
  );
}

function Glosses({ glosses, method, prefs }: { glosses: GlossOut[]; method: keyof typeof GLOSS_METHOD_TEXT; prefs: ReadingPrefs }) {
  const source = t(glosses[0]!.source === 'wordnet' ? 'gloss_source_wordnet' : 'gloss_source_cedict');
  return (
    <section aria-label={t('sense_dictionary')} data-testid="glosses">
      <p class="muted" data-testid="gloss-method" data-method={method}>
        {source}, {t(GLOSS_METHOD_TEXT[method])}
      </p>
      <ol class="glosses">
        {glosses.map((g, i) => (
          <li key={i} data-testid="gloss">
            {g.pos && <span class="muted">{g.pos}. </span>}
            {g.reading && (
              <span class="muted" lang={readingLang(prefs.pinyin)}>
                [{formatReading(g.reading, prefs.pinyin)}]{' '}
              </span>
            )}
            {g.text}
            {g.example && <span class="muted"> — “{g.example}”</span>}
          </li>
        ))}
      </ol>
    </section>
  );
}

/** An English word's Chinese equivalents, ranked by this context like its English senses. */
function Equivalents({ items, method, prefs }: { items: GlossOut[]; method: keyof typeof GLOSS_METHOD_TEXT; prefs: ReadingPrefs }) {
  return (
    <section aria-label={t('equivalents_label')} data-testid="equivalents">
      <p class="muted" data-testid="equivalent-method" data-method={method}>
        {t('equivalents_source')}, {t(GLOSS_METHOD_TEXT[method])}
      </p>
      <ol class="equivalents">
        {items.map((e, i) => (
          <li key={i} data-testid="equivalent" data-match={e.match}>
            <span class="sub" lang="zh-Hans">
              {e.headword}
            </span>
            {e.traditional && (
              <span class="muted" lang="zh-Hant">
                {' '}
                ({e.traditional})
              </span>
            )}{' '}
            {e.reading && <Syllables reading={e.reading} prefs={prefs} />}
            <span class="muted"> — {e.text}</span>
          </li>
        ))}
      </ol>
    </section>
  );
}
