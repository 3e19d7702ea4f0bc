// Speak the word, or its sentence, with an on-device voice. The background speaks (a page could
// observe speech started in its own document); this only asks, and says what came of it.
import { useState } from 'preact/hooks';
import type { Lang } from '@/models/shared/protocol';
import { t } from '@/models/shared/i18n';

export type SpeakPart = 'word' | 'sentence';
/** Asks the background to speak a part; resolves to the voice that speaks, null when there is no on-device voice. */
export type Speak = (part: SpeakPart) => Promise<string | null>;

type Said = { kind: 'idle' } | { kind: 'speaking'; voice: string } | { kind: 'no-voice' } | { kind: 'failed'; message: string };

export function SpeakButtons({ speak, lang, hasSentence }: { speak: Speak; lang: Lang; hasSentence: boolean }) {
  const [said, setSaid] = useState<Said>({ kind: 'idle' });
  const say = (part: SpeakPart) =>
    void speak(part).then(
      (voice) => setSaid(voice === null ? { kind: 'no-voice' } : { kind: 'speaking', voice }),
      (error: unknown) => setSaid({ kind: 'failed', message: error instanceof Error ? error.message : String(error) }),
    );
  return (
    <div class="speak">
      <button type="button" data-testid="speak-word" onClick={() => say('word')}>
        {t('speak_word')}
      </button>
      {hasSentence && (
        <button type="button" data-testid="speak-sentence" onClick={() => say('sentence')}>
          {t('speak_sentence')}
        </button>
      )}
      <span class="muted" role="status" data-testid="speak-status" data-state={said.kind}>
        {said.kind === 'speaking'
          ? t('speak_speaking', { voice: said.voice })
          : said.kind === 'no-voice'
            ? t(lang === 'zh' ? 'speak_no_voice_zh' : 'speak_no_voice_en')
            : said.kind === 'failed'
              ? t('speak_failed', { message: said.message })
              : ''}
      </span>
    </div>
  );
}
