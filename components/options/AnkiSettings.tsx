// Options → Anki: on/off (the browser is asked for access to AnkiConnect's loopback address at
// the moment the user turns it on), the address and key, "Connect", then the deck, the note type
// and what goes in each of its fields, and the tags. Every failure is worded by its kind.
import { useState } from 'preact/hooks';
import { request } from '@/models/shared/client';
import { type MessageKey, t } from '@/models/shared/i18n';
import { defaultFieldMap, type FieldMap, NOTE_ROLES, type NoteRole } from '@/models/shared/learn/anki-note';
import { type AnkiSettings as Anki, checkAnkiUrl, parseTags } from '@/models/shared/learn/anki-settings';
import { learningErrorText } from '../common/learning-error';

const ROLE_TEXT: Record<NoteRole, MessageKey> = {
  cloze: 'anki_role_cloze',
  sentence: 'anki_role_sentence',
  word: 'anki_role_word',
  pinyin: 'anki_role_pinyin',
  sense: 'anki_role_sense',
  gloss: 'anki_role_gloss',
  url: 'anki_role_url',
  extra: 'anki_role_extra',
  '': 'anki_role_none',
};

/** `requestAccess`: asks the browser for AnkiConnect's loopback address (options-bridge.ts). */
export function AnkiSettings({ value, onSave, requestAccess }: { value: Anki; onSave: (anki: Anki) => Promise<void>; requestAccess: () => Promise<boolean> }) {
  const [url, setUrl] = useState(value.url);
  const [key, setKey] = useState(value.key);
  const [tags, setTags] = useState(value.tags.join(' '));
  const [decks, setDecks] = useState<string[]>(value.deck ? [value.deck] : []);
  const [models, setModels] = useState<string[]>(value.model ? [value.model] : []);
  const [fields, setFields] = useState<string[]>(Object.keys(value.fieldMap));
  const [deck, setDeck] = useState(value.deck);
  const [model, setModel] = useState(value.model);
  const [fieldMap, setFieldMap] = useState<FieldMap>(value.fieldMap);
  const [status, setStatus] = useState<{ text: string; error: boolean } | null>(null);
  const [busy, setBusy] = useState(false);
  const say = (text: string, error = false) => setStatus({ text, error });

  /** Turning on asks the browser for access first: inside the click, as permissions.request requires. */
  const toggle = async (on: boolean) => {
    if (on) {
      const granted = await requestAccess();
      if (!granted) return say(t('anki_access_denied'), true);
    }
    // Off: the background refuses every Anki request. The access is not given back: Chrome refuses
    // to remove it ("required"), since the content script's <all_urls> match overlaps it.
    await onSave({ ...value, enabled: on });
    setStatus(null);
  };

  /** The address, key and tags as typed, checked; null (and why) when the address is not one. */
  const typed = (): Anki | null => {
    const checked = checkAnkiUrl(url);
    if (!checked.ok) {
      say(t('anki_bad_url', { problem: checked.problem }), true);
      return null;
    }
    return { ...value, url: checked.value, key: key.trim(), tags: parseTags(tags), deck, model, fieldMap };
  };

  const loadFields = async (name: string, keep: FieldMap | null) => {
    const { names } = await request({ type: 'anki.fields', model: name });
    setFields(names);
    const seeded = defaultFieldMap(name, names);
    setFieldMap(keep && names.every((f) => f in keep) ? keep : seeded);
  };

  const connect = async () => {
    const next = typed();
    if (!next) return;
    setBusy(true);
    say(t('anki_connecting'));
    try {
      await onSave(next);
      const { version } = await request({ type: 'anki.connect' });
      const [d, m] = await Promise.all([request({ type: 'anki.decks' }), request({ type: 'anki.models' })]);
      setDecks(d.names);
      setModels(m.names);
      const chosenDeck = d.names.includes(deck) ? deck : (d.names[0] ?? '');
      const chosenModel = m.names.includes(model) ? model : (m.names.find((n) => /cloze/i.test(n)) ?? m.names[0] ?? '');
      setDeck(chosenDeck);
      setModel(chosenModel);
      if (chosenModel) await loadFields(chosenModel, chosenModel === value.model ? value.fieldMap : null);
      say(t('anki_connected', { version }));
    } catch (error) {
      say(learningErrorText(error), true);
    } finally {
      setBusy(false);
    }
  };

  const chooseModel = async (name: string) => {
    setModel(name);
    try {
      await loadFields(name, name === value.model ? value.fieldMap : null);
    } catch (error) {
      say(learningErrorText(error), true);
    }
  };

  const saveAll = async () => {
    const next = typed();
    if (!next) return;
    await onSave(next);
    say(t('anki_saved'));
  };

  return (
    <section aria-labelledby="anki-h" data-testid="anki-settings">
      <h2 id="anki-h">{t('anki_title')}</h2>
      <p class="muted">{t('anki_intro')}</p>
      <label class="toggle">
        <input type="checkbox" data-testid="anki-enabled" checked={value.enabled} onChange={(e) => void toggle((e.target as HTMLInputElement).checked)} />{' '}
        {t('anki_enable')}
      </label>
      {value.enabled && (
        <div data-testid="anki-setup">
          <p>
            <label>
              {t('anki_url')} <input data-testid="anki-url" value={url} onInput={(e) => setUrl((e.target as HTMLInputElement).value)} />
            </label>{' '}
            <label>
              {t('anki_key')}{' '}
              <input data-testid="anki-key" type="password" autocomplete="off" value={key} onInput={(e) => setKey((e.target as HTMLInputElement).value)} />
            </label>
          </p>
          <button type="button" data-testid="anki-connect" disabled={busy} onClick={() => void connect()}>
            {t('anki_connect')}
          </button>
          {decks.length > 0 && (
            <p>
              <label>
                {t('anki_deck')}{' '}
                <select data-testid="anki-deck" value={deck} onChange={(e) => setDeck((e.target as HTMLSelectElement).value)}>
                  {!deck && <option value="">{t('anki_choose')}</option>}
                  {decks.map((d) => (
                    <option key={d} value={d}>
                      {d}
                    </option>
                  ))}
                </select>
              </label>{' '}
              <label>
                {t('anki_model')}{' '}
                <select data-testid="anki-model" value={model} onChange={(e) => void chooseModel((e.target as HTMLSelectElement).value)}>
                  {!model && <option value="">{t('anki_choose')}</option>}
                  {models.map((m) => (
                    <option key={m} value={m}>
                      {m}
                    </option>
                  ))}
                </select>
              </label>
            </p>
          )}
          {fields.length > 0 && (
            <fieldset data-testid="anki-fields">
              <legend>{t('anki_fields')}</legend>
              {fields.map((field) => (
                <p key={field}>
                  <label>
                    {field}{' '}
                    <select
                      data-testid="anki-field"
                      data-field={field}
                      value={fieldMap[field] ?? ''}
                      onChange={(e) => setFieldMap({ ...fieldMap, [field]: (e.target as HTMLSelectElement).value as NoteRole })}
                    >
                      {NOTE_ROLES.map((role) => (
                        <option key={role} value={role}>
                          {t(ROLE_TEXT[role])}
                        </option>
                      ))}
                    </select>
                  </label>
                </p>
              ))}
            </fieldset>
          )}
          <p>
            <label>
              {t('anki_tags')} <input data-testid="anki-tags" value={tags} onInput={(e) => setTags((e.target as HTMLInputElement).value)} />
            </label>
          </p>
          <button type="button" data-testid="anki-save" onClick={() => void saveAll()}>
            {t('anki_save')}
          </button>
        </div>
      )}
      <p role={status?.error ? 'alert' : 'status'} class={status?.error ? 'error' : 'muted'} data-testid="anki-status">
        {status?.text ?? ''}
      </p>
    </section>
  );
}
