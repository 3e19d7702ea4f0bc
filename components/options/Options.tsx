import { useEffect, useState } from 'preact/hooks';
import { request, RequestError } from '@/models/shared/client';
import { importModelFolder } from '@/models/shared/model-files/local-import';
import type { Diagnostics, Lang, Progress, ResultOf } from '@/models/shared/protocol';
import { DEFAULT_MODELS, REGISTRY, type Tool } from '@/models/shared/registry';
import { HUB_URL, parseLayerWeights, type Settings } from '@/models/shared/settings';
import { checkIdleMinutes, checkModelHost, checkModelId } from '@/models/shared/settings-check';
import { loadSettings, updateSettings } from '@/models/shared/settings-store';
import { type MessageKey, t, UI_LANGUAGES, MESSAGES, type UiLanguageSetting } from '@/models/shared/i18n';
import { megabytes } from '../common/format';
import { TypedInput } from '../common/TypedInput';
import { sizesOf, sizeText, useModelFiles } from '../common/model-size';
import { modelsFor, type NeededModel } from '@/models/shared/onboarding';
import { CompletionSettings } from './CompletionSettings';
import { PageLookupSettings } from './PageLookupSettings';
import { ReadingSettings } from './ReadingSettings';
import { ProgressView } from '../result/ProgressView';
import { Shortcuts } from './Shortcuts';
import type { OptionsBridge } from './options-bridge';
import { WordList } from './WordList';
import { AnkiSettings } from './AnkiSettings';

const TOOLS: { tool: Tool; label: MessageKey }[] = [
  { tool: 'sense', label: 'tool_sense' },
  { tool: 'cloze', label: 'tool_cloze' },
  { tool: 'complete', label: 'tool_complete' },
];
const LANGS: { lang: Lang; label: MessageKey }[] = [
  { lang: 'en', label: 'lang_en' },
  { lang: 'zh', label: 'lang_zh' },
];

/** `bridge`: the browser calls the page needs (options-bridge.ts; a stand-in in tests). */
export function Options({ bridge }: { bridge: OptionsBridge }) {
  const [settings, setSettings] = useState<Settings | null>(null);
  const [models, setModels] = useState<ResultOf<'models.list'> | null>(null);
  const [message, setMessage] = useState('');
  const [files, setFiles] = useState<Record<string, Progress>>({});
  /** Per field: what was typed but not saved (kept in the field), and why. */
  const [drafts, setDrafts] = useState<Record<string, { text: string; error: string }>>({});

  const [status, setStatus] = useState<Diagnostics | null>(null);
  /** Reloads the model list and status; resolves to the list's error, if any. */
  const refresh = async (): Promise<string | undefined> => {
    void request({ type: 'status' }).then(setStatus, () => undefined);
    try {
      setModels(await request({ type: 'models.list' }));
      return undefined;
    } catch (e) {
      return e instanceof RequestError ? e.info.message : String(e);
    }
  };
  // biome-ignore lint/correctness/useExhaustiveDependencies: once, when the page opens.
  useEffect(() => {
    void loadSettings().then(setSettings);
    void refresh().then((error) => error && setMessage(error));
  }, []);
  const chosen = settings ? chosenModels(settings) : [];
  // Sizes before download: the host's file list (exact), else the registry's estimate.
  const listed = useModelFiles(chosen, settings ? `${settings.modelHost}|${settings.dtype}|${models?.models.map((m) => m.id).join(',') ?? ''}` : '');
  if (!settings) return <p>{t('options_loading')}</p>;

  const save = async (change: (s: Settings) => Settings) => setSettings(await updateSettings(change));
  /** Saves a checked field, or keeps the typed text and shows the problem next to it. */
  const saveField = <T,>(
    field: string,
    text: string,
    checked: { ok: true; value: T } | { ok: false; problem: string },
    error: (problem: string) => string,
    change: (s: Settings, value: T) => Settings,
  ) => {
    const { [field]: _, ...rest } = drafts;
    if (!checked.ok) return setDrafts({ ...rest, [field]: { text, error: error(checked.problem) } });
    setDrafts(rest);
    void save((s) => change(s, checked.value));
  };
  const fieldError = (field: string) =>
    drafts[field] ? (
      <span class="field-error" role="alert" data-testid={`error-${field}`}>
        {drafts[field].error}
      </span>
    ) : null;
  const act = async (label: string, work: () => Promise<unknown>) => {
    setMessage(t('options_action_running', { label }));
    let outcome: string;
    try {
      const result = await work();
      outcome = typeof result === 'string' ? t('options_action_result', { label, result }) : t('options_action_done', { label });
    } catch (e) {
      outcome = t('options_action_failed', { label, error: e instanceof RequestError ? e.info.message : String(e) });
    }
    setFiles({});
    // The list is reloaded before the outcome shows, so "done" never sits beside a stale list.
    const listError = await refresh();
    setMessage(listError ? `${outcome} ${listError}` : outcome);
  };

  return (
    <main>
      <h1>{t('options_title')}</h1>
      <p role="status" aria-live="polite" data-testid="options-message">
        {message}
      </p>
      <section aria-labelledby="lang-h">
        <h2 id="lang-h">{t('options_language')}</h2>
        <label>
          {t('ui_language')}{' '}
          <select
            data-testid="ui-language"
            value={settings.uiLanguage}
            onChange={(e) => {
              const uiLanguage = (e.target as HTMLSelectElement).value as UiLanguageSetting;
              // Every view reads the language when it opens: reload this one in the new language.
              void save((s) => ({ ...s, uiLanguage })).then(() => location.reload());
            }}
          >
            <option value="auto">{t('ui_language_auto')}</option>
            {UI_LANGUAGES.map((l) => (
              <option key={l} value={l}>
                {MESSAGES[l].lang_name}
              </option>
            ))}
          </select>
        </label>
      </section>
      <section aria-labelledby="models-h">
        <h2 id="models-h">{t('options_models')}</h2>
        <table>
          <thead>
            <tr>
              <th>{t('options_tool')}</th>
              {LANGS.map((l) => (
                <th key={l.lang}>{t(l.label)}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {TOOLS.map(({ tool, label }) => (
              <tr key={tool}>
                <th scope="row">{t(label)}</th>
                {LANGS.map(({ lang }) => {
                  const key = `${tool}.${lang}` as const;
                  const choices = REGISTRY.filter((e) => e.tools.includes(tool));
                  return (
                    <td key={lang}>
                      <TypedInput
                        list={`models-${tool}`}
                        aria-label={t('options_model_for', { tool: t(label), lang: t(lang === 'en' ? 'lang_en' : 'lang_zh') })}
                        data-testid={`model-${key}`}
                        aria-invalid={drafts[`model-${key}`] ? 'true' : undefined}
                        value={drafts[`model-${key}`]?.text ?? settings.models[key]?.id ?? DEFAULT_MODELS[tool][lang]}
                        onChange={(e) => {
                          const text = (e.target as HTMLInputElement).value;
                          saveField(
                            `model-${key}`,
                            text,
                            checkModelId(text),
                            (problem) => t('options_model_id_bad', { problem }),
                            (s, id) => ({
                              ...s,
                              models: { ...s.models, [key]: id ? { id } : undefined },
                            }),
                          );
                        }}
                      />
                      {fieldError(`model-${key}`)}
                      <datalist id={`models-${tool}`}>
                        {choices.map((c) => (
                          <option key={c.id} value={c.id} />
                        ))}
                      </datalist>
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
        <label>
          {t('options_precision')}{' '}
          <select value={settings.dtype} onChange={(e) => void save((s) => ({ ...s, dtype: (e.target as HTMLSelectElement).value as Settings['dtype'] }))}>
            <option value="q8">{t('options_precision_q8')}</option>
            <option value="fp32">fp32</option>
            <option value="q4">{t('options_precision_q4')}</option>
          </select>
        </label>{' '}
        <label>
          {t('options_backend')}{' '}
          <select
            value={settings.backend}
            onChange={(e) => void save((s) => ({ ...s, backend: (e.target as HTMLSelectElement).value as Settings['backend'] }))}
          >
            <option value="auto">{t('options_backend_auto')}</option>
            <option value="wasm">{t('options_backend_wasm')}</option>
          </select>
        </label>
        <h3>{t('options_files')}</h3>
        <ul data-testid="model-files">
          {sizesOf(chosen, listed).map(({ checking, size }, i) => (
            <li key={chosen[i]!.spec.id} data-testid="model-files-item" data-exact={String(size.exact)} data-bytes={size.bytes ?? ''}>
              {t('options_files_model', { id: chosen[i]!.spec.id, size: sizeText(checking, size) })}
              {size.note && <small class="muted"> — {size.note}</small>}
            </li>
          ))}
        </ul>
      </section>
      <section aria-labelledby="host-h">
        <h2 id="host-h">{t('options_sources')}</h2>
        <label>
          {t('options_host_url')}{' '}
          <TypedInput
            type="url"
            data-testid="model-host"
            aria-invalid={drafts['model-host'] ? 'true' : undefined}
            value={drafts['model-host']?.text ?? settings.modelHost}
            onChange={(e) => {
              const text = (e.target as HTMLInputElement).value;
              saveField(
                'model-host',
                text,
                checkModelHost(text, HUB_URL),
                (problem) => t('options_host_bad', { problem }),
                (s, modelHost) => ({ ...s, modelHost }),
              );
            }}
          />
        </label>
        {fieldError('model-host')}
        <p class="muted">{t('options_host_help')}</p>
        <label>
          {t('options_import')}{' '}
          <input
            type="file"
            ref={(el) => el?.setAttribute('webkitdirectory', '')}
            onChange={(e) => {
              const list = (e.target as HTMLInputElement).files;
              if (list?.length) void act(t('options_action_import'), async () => t('options_imported', { id: await importModelFolder(list) }));
            }}
          />
        </label>
        <label>
          {t('options_idle')}{' '}
          <TypedInput
            type="number"
            min={1}
            max={240}
            data-testid="idle-minutes"
            aria-invalid={drafts['idle-minutes'] ? 'true' : undefined}
            value={drafts['idle-minutes']?.text ?? settings.idleReleaseMinutes}
            onChange={(e) => {
              const text = (e.target as HTMLInputElement).value;
              saveField(
                'idle-minutes',
                text,
                checkIdleMinutes(text),
                (problem) => t('options_idle_bad', { problem }),
                (s, idleReleaseMinutes) => ({ ...s, idleReleaseMinutes }),
              );
            }}
          />
        </label>
        {fieldError('idle-minutes')}
      </section>
      <section aria-labelledby="installed-h">
        <h2 id="installed-h">{t('options_downloaded')}</h2>
        {status?.storeFailures?.map((f) => (
          <p key={f.model} role="alert" class="field-error" data-testid="store-failure">
            {f.message}
          </p>
        ))}
        <ProgressView files={files} />
        {models?.models.length ? (
          <table data-testid="installed">
            <tbody>
              {models.models.map((m) => (
                <tr key={m.id}>
                  <td>{m.id}</td>
                  <td>{megabytes(m.bytes)}</td>
                  <td data-testid="model-runtime">{runtimeOf(m.id, status)}</td>
                  <td>
                    <button
                      type="button"
                      onClick={() => void act(t('options_action_delete', { id: m.id }), () => request({ type: 'models.delete', modelId: m.id }))}
                    >
                      {t('options_delete')}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          <p class="muted">{t('options_no_models')}</p>
        )}
        <button
          type="button"
          onClick={() => {
            const id = DEFAULT_MODELS.sense.en;
            void act(t('options_action_download', { id }), () =>
              request({ type: 'models.download', modelId: id }, { onProgress: (p) => setFiles((f) => ({ ...f, [p.file]: p })) }),
            );
          }}
        >
          {t('options_download_en')}
        </button>{' '}
        <button type="button" data-testid="clear-cache" onClick={() => void act(t('options_action_clear'), () => request({ type: 'cache.clear' }))}>
          {t('options_clear_cache')}
        </button>
      </section>
      <section aria-labelledby="sense-h">
        <h2 id="sense-h">{t('options_sense')}</h2>
        <label>
          <input
            type="checkbox"
            data-testid="sense-inflections"
            checked={settings.sense.inflections}
            onChange={(e) => void save((s) => ({ ...s, sense: { ...s.sense, inflections: (e.target as HTMLInputElement).checked } }))}
          />{' '}
          {t('options_inflections')}
        </label>
        <label>
          {t('options_layer_weights')}{' '}
          <TypedInput
            data-testid="layer-weights"
            placeholder={t('options_layer_weights_placeholder')}
            aria-invalid={drafts['layer-weights'] ? 'true' : undefined}
            value={drafts['layer-weights']?.text ?? settings.sense.layerWeights?.join(', ') ?? ''}
            onChange={(e) => {
              const text = (e.target as HTMLInputElement).value;
              const parsed = parseLayerWeights(text);
              saveField(
                'layer-weights',
                text,
                parsed.ok ? { ok: true, value: parsed.weights } : { ok: false, problem: parsed.message },
                () => t('options_layer_weights_bad'),
                (s, layerWeights) => ({ ...s, sense: { ...s.sense, layerWeights } }),
              );
            }}
          />
        </label>
        {fieldError('layer-weights')}
        <p class="muted">{t('options_layer_weights_help')}</p>
      </section>
      <WordList onMessage={setMessage} />
      <AnkiSettings value={settings.anki} onSave={(anki) => save((s) => ({ ...s, anki }))} requestAccess={bridge.requestAnkiAccess} />
      <Shortcuts list={bridge.commands} />
      <ReadingSettings value={settings.reading} onChange={(reading) => void save((s) => ({ ...s, reading }))} />
      <CompletionSettings value={settings.completion} onChange={(completion) => void save((s) => ({ ...s, completion }))} />
      <PageLookupSettings value={settings} onChange={({ hover, knownWords }) => void save((s) => ({ ...s, hover, knownWords }))} />
      <section aria-labelledby="sites-h">
        <h2 id="sites-h">{t('options_sites')}</h2>
        {settings.disabledSites.length === 0 && <p class="muted">{t('options_no_sites')}</p>}
        <ul>
          {settings.disabledSites.map((site) => (
            <li key={site}>
              {site}{' '}
              <button type="button" onClick={() => void save((s) => ({ ...s, disabledSites: s.disabledSites.filter((x) => x !== site) }))}>
                {t('options_turn_on')}
              </button>
            </li>
          ))}
        </ul>
        <label>
          <input
            type="checkbox"
            checked={settings.lookupOnDoubleClick}
            onChange={(e) => void save((s) => ({ ...s, lookupOnDoubleClick: (e.target as HTMLInputElement).checked }))}
          />{' '}
          {t('options_dblclick')}
        </label>
      </section>
    </main>
  );
}

/** Where an installed model runs now: backend and threads, when it was last used. */
function runtimeOf(id: string, status: Diagnostics | null): string {
  const loaded = status?.loaded.filter((m) => m.id === id) ?? [];
  if (loaded.length === 0) return t('options_model_not_loaded');
  return loaded
    .map((m) => {
      const backend = t('options_model_backend', {
        backend: m.backend === 'webgpu' ? 'WebGPU' : 'WASM',
        threads: m.backend === 'webgpu' ? 0 : (status?.threads ?? 1),
      });
      return `${m.dtype} · ${backend} · ${t('options_model_last_used', { time: new Date(m.lastUsed).toLocaleTimeString() })}`;
    })
    .join('; ');
}

/** Every distinct model the settings choose, for both languages (a choice that cannot serve its tool is left out). */
function chosenModels(settings: Settings): NeededModel[] {
  try {
    return modelsFor(settings, ['en', 'zh']);
  } catch {
    return [];
  }
}
