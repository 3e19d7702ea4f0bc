import { useEffect, useState } from 'preact/hooks';
import { request, RequestError } from '@/models/client';
import { importModelFolder } from '@/models/local-import';
import type { Lang, Progress, ResultOf } from '@/models/protocol';
import { DEFAULT_MODELS, REGISTRY, type Tool } from '@/models/registry';
import { HUB_URL, parseLayerWeights, type Settings } from '@/models/settings';
import { loadSettings, updateSettings } from '@/models/settings-store';
import { megabytes } from './format';
import { ProgressView } from './ProgressView';

const TOOLS: { tool: Tool; label: string }[] = [
  { tool: 'sense', label: 'Word sense' },
  { tool: 'cloze', label: 'Cloze' },
  { tool: 'complete', label: 'Completion' },
];
const LANGS: { lang: Lang; label: string }[] = [
  { lang: 'en', label: 'English' },
  { lang: 'zh', label: 'Chinese' },
];

export function Options() {
  const [settings, setSettings] = useState<Settings | null>(null);
  const [models, setModels] = useState<ResultOf<'models.list'> | null>(null);
  const [message, setMessage] = useState('');
  const [files, setFiles] = useState<Record<string, Progress>>({});

  const refresh = () => void request({ type: 'models.list' }).then(setModels, (e: Error) => setMessage(e.message));
  useEffect(() => {
    void loadSettings().then(setSettings);
    refresh();
  }, []);
  if (!settings) return <p>Loading…</p>;

  const save = async (change: (s: Settings) => Settings) => setSettings(await updateSettings(change));
  const act = async (label: string, work: () => Promise<unknown>) => {
    setMessage(`${label}…`);
    try {
      const outcome = await work();
      setMessage(`${label}: ${typeof outcome === 'string' ? outcome : 'done'}`);
    } catch (e) {
      setMessage(`${label} failed: ${e instanceof RequestError ? e.info.message : String(e)}`);
    }
    setFiles({});
    refresh();
  };

  return (
    <main>
      <h1>Sesame settings</h1>
      <p role="status" aria-live="polite" data-testid="options-message">
        {message}
      </p>
      <section aria-labelledby="models-h">
        <h2 id="models-h">Models per tool</h2>
        <table>
          <thead>
            <tr>
              <th>Tool</th>
              {LANGS.map((l) => (
                <th key={l.lang}>{l.label}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {TOOLS.map(({ tool, label }) => (
              <tr key={tool}>
                <th scope="row">{label}</th>
                {LANGS.map(({ lang }) => {
                  const key = `${tool}.${lang}` as const;
                  const choices = REGISTRY.filter((e) => e.tools.includes(tool));
                  return (
                    <td key={lang}>
                      <input
                        list={`models-${tool}`}
                        aria-label={`${label} model for ${lang}`}
                        value={settings.models[key]?.id ?? DEFAULT_MODELS[tool][lang]}
                        onChange={(e) => {
                          const id = (e.target as HTMLInputElement).value.trim();
                          void save((s) => ({ ...s, models: { ...s.models, [key]: id ? { id } : undefined } }));
                        }}
                      />
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
          Precision{' '}
          <select value={settings.dtype} onChange={(e) => void save((s) => ({ ...s, dtype: (e.target as HTMLSelectElement).value as Settings['dtype'] }))}>
            <option value="q8">q8 (smaller, default)</option>
            <option value="fp32">fp32</option>
            <option value="q4">q4</option>
          </select>
        </label>{' '}
        <label>
          Backend{' '}
          <select value={settings.backend} onChange={(e) => void save((s) => ({ ...s, backend: (e.target as HTMLSelectElement).value as Settings['backend'] }))}>
            <option value="auto">WebGPU if available, else WASM</option>
            <option value="wasm">WASM only</option>
          </select>
        </label>
      </section>
      <section aria-labelledby="host-h">
        <h2 id="host-h">Where models come from</h2>
        <label>
          Model host URL{' '}
          <input
            type="url"
            data-testid="model-host"
            value={settings.modelHost}
            onChange={(e) => {
              const url = (e.target as HTMLInputElement).value.trim() || HUB_URL;
              if (/^https?:\/\//.test(url)) void save((s) => ({ ...s, modelHost: url.endsWith('/') ? url : `${url}/` }));
              else setMessage('The model host must be an http(s) URL.');
            }}
          />
        </label>
        <p class="muted">Hugging Face hub by default; any server with the hub's URL layout works. Only model files are fetched.</p>
        <label>
          Import a model from a local folder{' '}
          <input
            type="file"
            ref={(el) => el?.setAttribute('webkitdirectory', '')}
            onChange={(e) => {
              const list = (e.target as HTMLInputElement).files;
              if (list?.length) void act('Import', async () => `imported as ${await importModelFolder(list)}`);
            }}
          />
        </label>
        <label>
          Release idle models after (minutes){' '}
          <input
            type="number"
            min={1}
            max={240}
            value={settings.idleReleaseMinutes}
            onChange={(e) => void save((s) => ({ ...s, idleReleaseMinutes: Math.max(1, Number((e.target as HTMLInputElement).value) || 10) }))}
          />
        </label>
      </section>
      <section aria-labelledby="installed-h">
        <h2 id="installed-h">Downloaded models</h2>
        <ProgressView files={files} />
        {models?.models.length ? (
          <table data-testid="installed">
            <tbody>
              {models.models.map((m) => (
                <tr key={m.id}>
                  <td>{m.id}</td>
                  <td>{megabytes(m.bytes)}</td>
                  <td>
                    <button type="button" onClick={() => void act(`Delete ${m.id}`, () => request({ type: 'models.delete', modelId: m.id }))}>
                      Delete
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          <p class="muted">No models downloaded yet.</p>
        )}
        <button
          type="button"
          onClick={() => {
            const id = DEFAULT_MODELS.sense.en;
            void act(`Download ${id}`, () =>
              request({ type: 'models.download', modelId: id }, { onProgress: (p) => setFiles((f) => ({ ...f, [p.file]: p })) }),
            );
          }}
        >
          Download the English model
        </button>{' '}
        <button type="button" data-testid="clear-cache" onClick={() => void act('Clear cache', () => request({ type: 'cache.clear' }))}>
          Clear model cache
        </button>
      </section>
      <section aria-labelledby="sense-h">
        <h2 id="sense-h">Word sense</h2>
        <label>
          <input
            type="checkbox"
            data-testid="sense-inflections"
            checked={settings.sense.inflections}
            onChange={(e) => void save((s) => ({ ...s, sense: { ...s.sense, inflections: (e.target as HTMLInputElement).checked } }))}
          />{' '}
          Count inflected forms as uses of the word (bank, banks, banking, banked)
        </label>
        <label>
          Layer weights{' '}
          <input
            data-testid="layer-weights"
            placeholder="default: peak at 70% depth"
            value={settings.sense.layerWeights?.join(', ') ?? ''}
            onChange={(e) => {
              const parsed = parseLayerWeights((e.target as HTMLInputElement).value);
              if (parsed.ok) void save((s) => ({ ...s, sense: { ...s.sense, layerWeights: parsed.weights } }));
              else setMessage(parsed.message);
            }}
          />
        </label>
        <p class="muted">
          One weight per hidden state (embeddings first), softmaxed, as ELMo mixes its layers. Paste the output of{' '}
          <code>npm run eval:wic -- --fit-alpha</code> to use weights fitted on Word-in-Context data; leave empty for the default.
        </p>
      </section>
      <section aria-labelledby="sites-h">
        <h2 id="sites-h">Sites where Sesame is off</h2>
        {settings.disabledSites.length === 0 && <p class="muted">None. Turn Sesame off for a site from the popup.</p>}
        <ul>
          {settings.disabledSites.map((site) => (
            <li key={site}>
              {site}{' '}
              <button type="button" onClick={() => void save((s) => ({ ...s, disabledSites: s.disabledSites.filter((x) => x !== site) }))}>
                Turn back on
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
          Show the meaning of a word when I double-click it
        </label>
      </section>
    </main>
  );
}
