import { describe, expect, it } from 'vitest';
import { ANKI_ORIGINS, checkAnkiUrl, parseTags } from '@/models/shared/learn/anki-settings';
import { LEARNING_ERROR_KINDS } from '@/models/shared/learn/learning-errors';
import { MESSAGES, type MessageKey } from '@/models/shared/i18n';
import { parse, toolRequest } from '@/models/shared/protocol';
import { withDefaults } from '@/models/shared/settings';

describe('Anki settings', () => {
  it('takes AnkiConnect on this computer only', () => {
    expect(checkAnkiUrl('')).toEqual({ ok: true, value: 'http://127.0.0.1:8765' });
    expect(checkAnkiUrl(' http://127.0.0.1:9000/ ')).toEqual({ ok: true, value: 'http://127.0.0.1:9000' });
    for (const bad of [
      'https://127.0.0.1:8765',
      'http://localhost.evil.example:8765',
      'http://192.168.1.2:8765',
      'http://u:p@127.0.0.1:8765',
      'http://127.0.0.1:8765/x',
      'anki',
    ]) {
      expect(checkAnkiUrl(bad).ok, bad).toBe(false);
    }
    // The permission asked for covers every port of that address, and nothing else.
    expect(ANKI_ORIGINS).toEqual(['http://127.0.0.1/*']);
  });

  it('reads tags as Anki has them (no spaces), and keeps older settings working', () => {
    expect(parseTags(' sesame, reading  news,sesame ')).toEqual(['sesame', 'reading', 'news']);
    const old = withDefaults({ modelHost: 'https://huggingface.co/' });
    expect(old.anki).toMatchObject({ enabled: false, url: 'http://127.0.0.1:8765', tags: ['sesame'] });
    expect(withDefaults({ anki: { enabled: true } as never }).anki.url).toBe('http://127.0.0.1:8765');
  });

  it('words every learning error in both languages', () => {
    for (const kind of LEARNING_ERROR_KINDS) {
      const key = `learn_error_${kind.replace(/-/g, '_')}` as MessageKey;
      expect(MESSAGES.en[key], key).toBeTruthy();
      expect(MESSAGES.zh_CN[key], key).toBeTruthy();
    }
  });

  it('checks the learning messages’ shapes', () => {
    expect(parse(toolRequest, { type: 'anki.add', wordId: 'w1' }).ok).toBe(true);
    expect(parse(toolRequest, { type: 'anki.canAdd', wordIds: [] }).ok).toBe(false);
    expect(parse(toolRequest, { type: 'review.rate', id: 'word:w1', rating: 'good' }).ok).toBe(true);
    expect(parse(toolRequest, { type: 'review.rate', id: 'word:w1', rating: 5 }).ok).toBe(false);
    expect(parse(toolRequest, { type: 'learning.import', text: 'x'.repeat(20_000_001) }).ok).toBe(false);
  });
});
