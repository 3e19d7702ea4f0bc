import { useEffect, useState } from 'preact/hooks';
import { request } from '@/models/shared/client';
import type { Capture, Diagnostics, ResultOf } from '@/models/shared/protocol';
import { hostConfigFor, isSiteDisabled, type Settings, siteCovers, siteOf } from '@/models/shared/settings';
import { loadSettings, updateSettings } from '@/models/shared/settings-store';
import { langOfSelection } from '@/models/shared/text/lang';
import { t } from '@/models/shared/i18n';
import { MainTextButton } from './MainTextButton';
import type { TabBridge } from './tab-bridge';
import { DiagnosticsView, modelState, ModelStatusLine } from './ModelStatus';
import { type ToolState, ToolStateView } from '../result/ResultView';
import { sizesOf, sizeText, useModelFiles } from '../common/model-size';
import { SamplingControls } from '../common/SamplingControls';
import { findEntry } from '@/models/shared/registry';
import type { NeededModel } from '@/models/shared/onboarding';
import { saverFor } from '../result/save-word';
import { speakerFor } from '../result/speak';
import { openPractice, requestForCapture, runTool } from '../result/tool-runner';
import type { Tool } from '@/models/shared/tools';

/** `tabs`: the popup's reach into the browser (tab-bridge.ts; a stand-in in tests). */
export function Popup({ tabs }: { tabs: TabBridge }) {
  const [tab, setTab] = useState<{ id: number; url?: string } | null>(null);
  const [capture, setCapture] = useState<Capture | null | undefined>(undefined);
  const [settings, setSettings] = useState<Settings | null>(null);
  const [run, setRun] = useState<ToolState | null>(null);
  const [status, setStatus] = useState<Diagnostics | null>(null);
  const [cached, setCached] = useState<ResultOf<'models.list'> | null>(null);

  const refreshStatus = () => {
    void request({ type: 'status' }).then(setStatus, () => undefined);
    void request({ type: 'models.list' }).then(setCached, () => undefined);
  };

  const start = (tool: Tool, c: Capture) => {
    void runTool(requestForCapture(tool, c, settings?.continueText), setRun).then(refreshStatus);
  };

  // biome-ignore lint/correctness/useExhaustiveDependencies: once, when the popup opens.
  useEffect(() => {
    void (async () => {
      setSettings(await loadSettings());
      const t = await tabs.targetTab();
      setTab(t);
      const reply = t ? await tabs.captureFrom(t.id) : { capture: null };
      const c = reply.capture;
      if (t && !t.url && reply.url) setTab({ ...t, url: reply.url });
      setCapture(c);
      refreshStatus();
      if (c && c.end - c.start <= 64 && !/\s/.test(c.text.slice(c.start, c.end))) start('sense', c);
    })();
  }, []);

  const word = capture ? capture.text.slice(capture.start, capture.end) : '';
  const lang = capture ? (langOfSelection(word, capture.text) ?? 'en') : 'en';
  const spec = settings ? hostConfigFor(settings, 'sense', lang).model : undefined;
  const modelId = spec?.id;
  const state = modelId ? modelState(modelId, cached, status, run) : null;
  // Before a download: the size the host's file list gives (exact), else the registry's estimate.
  const toList: NeededModel[] =
    spec && state === 'not-downloaded' ? [{ spec, tools: ['sense'], langs: [lang], sizeMb: findEntry(spec.id)?.sizeMb[spec.dtype] ?? null }] : [];
  const listed = useModelFiles(toList, settings ? `${settings.modelHost}|${settings.dtype}` : '');
  const size = toList.length ? sizesOf(toList, listed)[0] : undefined;
  const site = siteOf(tab?.url);
  const disabled = settings ? isSiteDisabled(settings, tab?.url) : false;

  const toggleSite = async () => {
    if (!site) return;
    setSettings(
      await updateSettings((s) => ({
        ...s,
        disabledSites: disabled ? s.disabledSites.filter((x) => !siteCovers(x, site)) : [...s.disabledSites, site],
      })),
    );
  };

  return (
    <main class="popup">
      <header class="bar">
        <h1>{t('app_name')}</h1>
        <span>
          <button type="button" data-testid="popup-review" onClick={() => tabs.openReview()}>
            {t('review_open')}
          </button>{' '}
          <button type="button" onClick={() => tabs.openOptions()}>
            {t('popup_settings')}
          </button>
        </span>
      </header>
      {capture === undefined && <p class="muted">{t('popup_reading_selection')}</p>}
      {capture === null && (
        <p class="muted" data-testid="no-selection">
          {t('popup_no_selection')}
        </p>
      )}
      {capture === null && <MainTextButton tabId={tab?.id} mainTextOf={tabs.mainTextOf} />}
      {capture && (
        <section aria-label={t('popup_selection')}>
          <div class="actions">
            <button type="button" onClick={() => start('sense', capture)}>
              {t('popup_meaning')}
            </button>
            <button type="button" onClick={() => void openPractice(capture, (error) => setRun({ phase: 'error', error }))} data-testid="popup-cloze">
              {t('popup_cloze')}
            </button>
            <button type="button" onClick={() => start('complete', capture)} data-testid="popup-continue">
              {t('popup_continue')}
            </button>
          </div>
          {settings && (
            <SamplingControls
              value={settings.continueText}
              onChange={(continueText) => void updateSettings((s) => ({ ...s, continueText })).then(setSettings)}
            />
          )}
          {run && (
            <div data-testid="popup-result">
              <ToolStateView
                state={run}
                occurrences={capture.occurrences}
                onSave={saverFor(capture)}
                reading={settings?.reading}
                speech={speakerFor(capture, lang)}
                onReveal={(index) => tab && tabs.reveal(tab.id, index)}
              />
            </div>
          )}
        </section>
      )}
      {site && (
        <label class="toggle">
          <input type="checkbox" checked={!disabled} onChange={() => void toggleSite()} data-testid="site-toggle" /> {t('popup_enabled_on', { site })}
        </label>
      )}
      {modelId && state && (
        <ModelStatusLine modelId={modelId} state={state} {...(size ? { size: sizeText(size.checking, size.size), exact: size.size.exact } : {})} />
      )}
      {/* The user's own controls come first; what the developer needs is folded away. */}
      {status && (
        <details class="diagnostics-box" data-testid="diagnostics-disclosure">
          <summary>{t('popup_diagnostics')}</summary>
          <DiagnosticsView status={status} />
        </details>
      )}
    </main>
  );
}
