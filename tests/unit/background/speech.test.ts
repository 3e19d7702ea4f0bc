// Speaking from the background: on-device voices only, and every speak request answered (the
// voice that speaks, null when none is local, an error when speaking fails).
import { describe, expect, it } from 'vitest';
import { type PortLike, Router } from '@/models/background/router';
import { ttsSpeaker, type TtsLike, type UtteranceLike, webSpeechSpeaker, type SynthLike } from '@/models/background/speech';
import { withDefaults } from '@/models/shared/settings';
import { noticeOf, runSpeakCommand, speakSelection } from '@/models/background/speak-command';
import { contentMessage, parse } from '@/models/shared/protocol';
import type { SpeechVoiceLike } from '@/models/shared/speech/voice';

function fakeTts(voices: { voiceName: string; lang: string; remote: boolean }[], failWith?: string) {
  const spoken: { text: string; options: Record<string, unknown> }[] = [];
  let error: string | undefined;
  const tts: TtsLike = {
    getVoices: (cb) => cb(voices),
    speak: (text, options, cb) => {
      spoken.push({ text, options });
      error = failWith;
      cb?.();
    },
  };
  return { tts, spoken, lastError: () => error };
}

describe('chrome.tts speaker', () => {
  it('speaks with the best local voice, named, never a remote one', async () => {
    const { tts, spoken, lastError } = fakeTts([
      { voiceName: 'Google 普通话', lang: 'zh-CN', remote: true },
      { voiceName: 'Ting-Ting', lang: 'zh-CN', remote: false },
      { voiceName: 'Alex', lang: 'en-US', remote: false },
    ]);
    const speak = ttsSpeaker(tts, lastError);
    expect(await speak('银行', 'zh')).toBe('Ting-Ting');
    expect(spoken).toEqual([{ text: '银行', options: { lang: 'zh-CN', voiceName: 'Ting-Ting', enqueue: false } }]);
    expect(await speak('bank', 'en', { enqueue: true })).toBe('Alex');
    expect(spoken[1]!.options).toMatchObject({ voiceName: 'Alex', enqueue: true });
  });

  it('speaks nothing when only a network voice has the language', async () => {
    const { tts, spoken, lastError } = fakeTts([{ voiceName: 'Google 普通话', lang: 'zh-CN', remote: true }]);
    expect(await ttsSpeaker(tts, lastError)('银行', 'zh')).toBeNull();
    expect(spoken).toEqual([]);
  });

  it('fails with the browser’s error', async () => {
    const { tts, lastError } = fakeTts([{ voiceName: 'Alex', lang: 'en-US', remote: false }], 'TTS engine crashed');
    await expect(ttsSpeaker(tts, lastError)('bank', 'en')).rejects.toThrow('TTS engine crashed');
  });
});

describe('Web Speech speaker (Firefox background page)', () => {
  const voice = (name: string, lang: string, localService: boolean): SpeechVoiceLike => ({ name, voiceURI: name, lang, localService, default: false });
  function synth(lists: SpeechVoiceLike[][]) {
    let listed = 0;
    const listeners: (() => void)[] = [];
    const spoken: UtteranceLike[] = [];
    const s: SynthLike & { cancelled: number } = {
      cancelled: 0,
      getVoices: () => lists[Math.min(listed++, lists.length - 1)]!,
      speak: (u) => void spoken.push(u),
      cancel: () => void s.cancelled++,
      addEventListener: (_, l) => {
        listeners.push(l);
        setTimeout(l, 5);
      },
      removeEventListener: () => undefined,
    };
    return { s, spoken };
  }

  it('waits for the voices to be listed, then speaks with a local one', async () => {
    const { s, spoken } = synth([[], [voice('eSpeak Mandarin', 'cmn', true), voice('Online Mandarin', 'zh-CN', false)]]);
    const speak = webSpeechSpeaker(s, (text) => ({ text, lang: '', voice: null }));
    expect(await speak('银行', 'zh')).toBe('eSpeak Mandarin');
    expect(spoken).toHaveLength(1);
    expect(spoken[0]).toMatchObject({ text: '银行', lang: 'cmn', voice: { name: 'eSpeak Mandarin' } });
    expect(s.cancelled).toBe(1);
  });

  it('speaks nothing when no local voice has the language', async () => {
    const { s, spoken } = synth([[voice('Online English', 'en-US', false)]]);
    expect(await webSpeechSpeaker(s, () => ({ lang: '', voice: null }), 10)('bank', 'en')).toBeNull();
    expect(spoken).toEqual([]);
  });
});

describe('the router answers speak requests', () => {
  const EXT = 'abcdefghijklmnop';
  const page = { id: EXT, url: 'https://example.com/a', tab: { id: 7, url: 'https://example.com/a' } };
  async function ask(speak: ConstructorParameters<typeof Router>[0]['speak'], request: Record<string, unknown>) {
    const sent: unknown[] = [];
    const router = new Router({
      extensionId: EXT,
      extensionOrigin: `chrome-extension://${EXT}/`,
      settings: async () => withDefaults({}),
      host: { send: async (m) => void sent.push(m) },
      ...(speak ? { speak } : {}),
    });
    const out: unknown[] = [];
    let listener: ((m: unknown) => void) | undefined;
    const port: PortLike = {
      sender: page,
      postMessage: (m) => void out.push(m),
      onMessage: {
        addListener: (cb) => {
          listener = cb;
        },
      },
      onDisconnect: { addListener: () => undefined },
      disconnect: () => undefined,
    };
    router.accept(port);
    listener!({ kind: 'request', id: 's1', request });
    for (let i = 0; i < 5; i++) await new Promise((r) => setTimeout(r, 0));
    return { out, sent };
  }

  it('from a content script: the voice, or null, and nothing reaches the model host', async () => {
    const calls: unknown[] = [];
    const ok = await ask(
      async (text, lang) => {
        calls.push([text, lang]);
        return 'Alex';
      },
      { type: 'speak', text: 'bank', lang: 'en' },
    );
    expect(ok.out).toEqual([{ kind: 'result', id: 's1', result: { type: 'speak', voice: 'Alex' } }]);
    expect(calls).toEqual([['bank', 'en']]);
    expect(ok.sent).toEqual([]);
    const none = await ask(async () => null, { type: 'speak', text: '银行', lang: 'zh' });
    expect(none.out).toEqual([{ kind: 'result', id: 's1', result: { type: 'speak', voice: null } }]);
  });

  it('answers with an error when speaking fails or is not available, and refuses a bad request', async () => {
    const failed = await ask(async () => Promise.reject(new Error('engine gone')), { type: 'speak', text: 'bank', lang: 'en' });
    expect(failed.out).toEqual([{ kind: 'error', id: 's1', error: { code: 'internal', message: 'engine gone' } }]);
    const none = await ask(undefined, { type: 'speak', text: 'bank', lang: 'en' });
    expect(none.out).toMatchObject([{ kind: 'error', error: { message: /not available/ } }]);
    const empty = await ask(async () => 'Alex', { type: 'speak', text: '', lang: 'en' });
    expect(empty.out).toMatchObject([{ kind: 'error', id: 's1', error: { code: 'bad-request' } }]);
  });
});

describe('the speak command', () => {
  const capture = (text: string, word: string) => ({
    kind: 'capture',
    capture: {
      text,
      start: text.indexOf(word),
      end: text.indexOf(word) + word.length,
      sentenceStart: 0,
      sentenceEnd: text.length,
      truncated: false,
      url: 'https://example.com/',
    },
  });

  it('speaks the selected word, then its sentence queued after it, in the selection’s language', async () => {
    const calls: unknown[] = [];
    const speak = async (text: string, lang: string, options?: { enqueue?: boolean }) => {
      calls.push([text, lang, options?.enqueue ?? false]);
      return 'Ting-Ting';
    };
    expect(await speakSelection(async () => capture('他在银行工作。', '银行'), speak)).toEqual({ kind: 'spoken', voice: 'Ting-Ting', lang: 'zh' });
    expect(calls).toEqual([
      ['银行', 'zh', false],
      ['他在银行工作。', 'zh', true],
    ]);
  });

  it('speaks nothing more without a local voice, and nothing without a selection', async () => {
    const calls: unknown[] = [];
    const speak = async (text: string) => {
      calls.push(text);
      return null;
    };
    expect(await speakSelection(async () => capture('We sat on the bank.', 'bank'), speak)).toEqual({ kind: 'no-voice', lang: 'en' });
    expect(calls).toEqual(['bank']);
    expect(await speakSelection(async () => ({ kind: 'none', reason: 'no-selection' }), speak)).toEqual({ kind: 'nothing' });
    expect(await speakSelection(async () => Promise.reject(new Error('no content script')), speak)).toEqual({ kind: 'nothing' });
    expect(calls).toEqual(['bank']);
  });

  it('tells the page when no on-device voice has the language, with the language, in a message the content script accepts', async () => {
    const told: unknown[] = [];
    const logged: string[] = [];
    const outcome = await runSpeakCommand(
      async () => capture('他在银行工作。', '银行'),
      async () => null,
      async (notice) => void told.push(notice),
      (m) => void logged.push(m),
    );
    expect(outcome).toEqual({ kind: 'no-voice', lang: 'zh' });
    expect(told).toEqual([{ kind: 'notice', notice: 'no-voice', lang: 'zh' }]);
    expect(parse(contentMessage, told[0]).ok).toBe(true);
    expect(logged).toEqual(['no on-device voice for the selection’s language']);
  });

  it('tells the page when speaking fails, and says nothing when it spoke or nothing was selected', async () => {
    const told: unknown[] = [];
    const tell = async (notice: unknown) => void told.push(notice);
    await runSpeakCommand(
      async () => capture('We sat on the bank.', 'bank'),
      async () => {
        throw new Error('tts engine crashed');
      },
      tell,
      () => {},
    );
    expect(told).toEqual([{ kind: 'notice', notice: 'speak-failed', message: 'tts engine crashed' }]);
    expect(parse(contentMessage, told[0]).ok).toBe(true);
    await runSpeakCommand(
      async () => capture('We sat on the bank.', 'bank'),
      async () => 'Alex',
      tell,
      () => {},
    );
    await runSpeakCommand(
      async () => ({ kind: 'none', reason: 'no-selection' }),
      async () => null,
      tell,
      () => {},
    );
    expect(told).toHaveLength(1);
    // A page that cannot be told (no content script) is logged, not thrown.
    const logged: string[] = [];
    await runSpeakCommand(
      async () => capture('We sat on the bank.', 'bank'),
      async () => null,
      () => Promise.reject(new Error('no receiver')),
      (m) => void logged.push(m),
    );
    expect(logged.at(-1)).toMatch(/could not tell the page: Error: no receiver/);
  });

  it('a long error message is cut to what the notice carries', () => {
    const notice = noticeOf({ kind: 'failed', error: new Error('x'.repeat(1000)) });
    expect(notice?.message).toHaveLength(300);
    expect(parse(contentMessage, notice).ok).toBe(true);
    expect(noticeOf({ kind: 'nothing' })).toBeNull();
  });
});
