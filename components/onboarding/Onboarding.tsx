// First run: what Sesame does, a live demo of each tool on sample text, the languages the user
// reads, and the download of only those models (sizes first, a bar per file, then "offline").
import { useEffect, useState } from 'preact/hooks';
import { request, RequestError } from '@/models/shared/client';
import { t, tn } from '@/models/shared/i18n';
import { modelsFor, type NeededModel, type ShownSize, suggestedLangs, totalShown } from '@/models/shared/onboarding';
import type { ErrorInfo, Lang, Progress } from '@/models/shared/protocol';
import type { Settings } from '@/models/shared/settings';
import { loadSettings } from '@/models/shared/settings-store';
import { TOOLS } from '@/models/shared/tools';
import { megabytes } from '../common/format';
import { sizesOf, sizeText, useModelFiles } from '../common/model-size';
import { ProgressView } from '../result/ProgressView';
import { Demo } from './Demo';

type Phase = { kind: 'choose' } | { kind: 'downloading'; at: number } | { kind: 'done' } | { kind: 'error'; error: ErrorInfo; at: number };

const LANG_KEYS = { en: 'lang_en', zh: 'lang_zh' } as const;

export function Onboarding() {
  const [settings, setSettings] = useState<Settings | null>(null);
  const [langs, setLangs] = useState<Lang[]>(suggestedLangs(navigator.language));
  const [phase, setPhase] = useState<Phase>({ kind: 'choose' });
  const [files, setFiles] = useState<Record<string, Progress>>({});
  useEffect(() => void loadSettings().then(setSettings), []);
  const needed = settings ? modelsFor(settings, langs) : [];
  // What the model host lists for each needed model, asked before anything downloads.
  const listed = useModelFiles(needed, settings ? `${settings.modelHost}|${settings.dtype}` : '');
  if (!settings) return <p>{t('options_loading')}</p>;

  const sizes = sizesOf(needed, listed);
  const size = totalShown(sizes.map((s) => s.size));
  const toggle = (lang: Lang) => setLangs((l) => (l.includes(lang) ? l.filter((x) => x !== lang) : [...l, lang]));

  const download = async (from = 0) => {
    for (let i = from; i < needed.length; i++) {
      setPhase({ kind: 'downloading', at: i });
      setFiles({});
      const m = needed[i]!;
      try {
        await request({ type: 'models.download', modelId: m.spec.id, family: m.spec.family }, { onProgress: (p) => setFiles((f) => ({ ...f, [p.file]: p })) });
      } catch (e) {
        setPhase({ kind: 'error', at: i, error: e instanceof RequestError ? e.info : { code: 'internal', message: String(e) } });
        return;
      }
    }
    setPhase({ kind: 'done' });
  };

  return (
    <main class="onboarding">
      <h1>{t('onboarding_title')}</h1>
      <p>{t('onboarding_intro')}</p>
      <section aria-labelledby="tools-h">
        <h2 id="tools-h">{t('onboarding_tools')}</h2>
        <ul class="tools">
          <li>
            <strong>{t('tool_sense')}</strong> — {t('onboarding_tool_sense')}
          </li>
          <li>
            <strong>{t('tool_cloze')}</strong> — {t('onboarding_tool_cloze')}
          </li>
          <li>
            <strong>{t('tool_complete')}</strong> — {t('onboarding_tool_complete')}
          </li>
        </ul>
      </section>
      <section aria-labelledby="langs-h">
        <h2 id="langs-h">{t('onboarding_langs')}</h2>
        <fieldset disabled={phase.kind === 'downloading'}>
          <legend>{t('onboarding_langs_help')}</legend>
          {(['en', 'zh'] as const).map((lang) => (
            <label key={lang} class="choice">
              <input type="checkbox" checked={langs.includes(lang)} onChange={() => toggle(lang)} data-testid={`lang-${lang}`} /> {t(LANG_KEYS[lang])}
            </label>
          ))}
        </fieldset>
        <ModelList models={needed} sizes={sizes} />
        <p data-testid="total-size" data-exact={String(size.exact && size.unknown === 0)}>
          {size.unknown > 0 && size.bytes === 0
            ? t('onboarding_size_unknown')
            : size.unknown > 0
              ? t('onboarding_size_partial', { mb: Math.round(size.bytes / 1e6), n: size.unknown })
              : size.exact
                ? t('onboarding_size_exact_total', { size: megabytes(size.bytes) })
                : t('onboarding_size_about_total', { size: megabytes(size.bytes) })}
        </p>
        {size.unusable > 0 && (
          <p role="alert" class="error" data-testid="unusable">
            {t('onboarding_unusable')}
          </p>
        )}
        {phase.kind === 'choose' && (
          <button type="button" class="primary" disabled={needed.length === 0 || size.unusable > 0} onClick={() => void download()} data-testid="download">
            {tn('onboarding_download', needed.length)}
          </button>
        )}
        {phase.kind === 'downloading' && (
          <div data-testid="downloading">
            <p role="status">{t('onboarding_downloading', { i: phase.at + 1, n: needed.length, id: needed[phase.at]!.spec.id })}</p>
            <ProgressView files={files} />
          </div>
        )}
        {phase.kind === 'error' && (
          <div role="alert" class="error" data-testid="download-error">
            <p>{phase.error.message}</p>
            <button type="button" onClick={() => void download(phase.at)}>
              {t('onboarding_retry')}
            </button>
          </div>
        )}
        {phase.kind === 'done' && (
          <p role="status" class="done" data-testid="offline-ready">
            ✓ {t('onboarding_offline')}
          </p>
        )}
      </section>
      <section aria-labelledby="demo-h">
        <h2 id="demo-h">{t('onboarding_demo')}</h2>
        <p class="muted">{t('onboarding_demo_help')}</p>
        {langs.map((lang) => (
          <Demo key={lang} lang={lang} settings={settings} />
        ))}
      </section>
    </main>
  );
}

function ModelList({ models, sizes }: { models: NeededModel[]; sizes: { checking: boolean; size: ShownSize }[] }) {
  return (
    <table data-testid="needed-models">
      <tbody>
        {models.map((m, i) => {
          const { checking, size } = sizes[i]!;
          return (
            <tr key={m.spec.id}>
              <td>{m.spec.id}</td>
              <td>{m.tools.map((tool) => t(TOOLS[tool].label)).join(', ')}</td>
              <td data-testid="model-size" data-exact={String(size.exact)} data-bytes={size.bytes ?? ''} title={size.note}>
                {sizeText(checking, size)}
                {size.note && (
                  <small class="muted" data-testid="model-note">
                    <br />
                    {size.note}
                  </small>
                )}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
