// Speaking a word or a sentence from the background, with on-device voices only: chrome.tts in
// Chrome (the service worker has it with the "tts" permission), the Web Speech API in Firefox's
// background page. Never in the content script, where the page could observe it. When no
// on-device voice speaks the language, nothing is spoken and the answer says so (voice null).
import type { Lang } from '../shared/protocol';
import { fromSpeechVoice, fromTtsVoice, pickVoice, type SpeechVoiceLike, type TtsVoiceLike, type VoiceInfo } from '../shared/speech/voice';

/** Speaks `text`; resolves to the voice's name once speaking started, or null when there is no local voice. */
export type Speaker = (text: string, lang: Lang, options?: { enqueue?: boolean }) => Promise<string | null>;

/** The tag a voice is asked for: Mandarin in simplified script, or any English. */
export const SPEECH_TAGS: Record<Lang, string> = { en: 'en-US', zh: 'zh-CN' };

/** The part of chrome.tts used here. */
export interface TtsLike {
  getVoices(callback: (voices: TtsVoiceLike[]) => void): void;
  speak(
    utterance: string,
    options: { lang?: string; voiceName?: string; enqueue?: boolean; onEvent?: (event: { type: string; errorMessage?: string }) => void },
    callback?: () => void,
  ): void;
}

/** chrome.tts: the voice named, so the browser never picks a remote one itself. */
export function ttsSpeaker(tts: TtsLike, lastError: () => string | undefined = () => undefined): Speaker {
  return async (text, lang, options = {}) => {
    const voices = await new Promise<TtsVoiceLike[]>((resolve) => tts.getVoices((v) => resolve(v ?? [])));
    const voice = pickVoice(voices.map(fromTtsVoice), SPEECH_TAGS[lang]);
    if (!voice) return null;
    await new Promise<void>((resolve, reject) => {
      tts.speak(text, { lang: voice.lang || SPEECH_TAGS[lang], voiceName: voice.id, enqueue: options.enqueue === true }, () => {
        const error = lastError();
        if (error) reject(new Error(error));
        else resolve();
      });
    });
    return voice.name;
  };
}

/** The part of the Web Speech API used here. */
export interface SynthLike {
  getVoices(): (SpeechVoiceLike & object)[];
  speak(utterance: UtteranceLike): void;
  cancel(): void;
  addEventListener(type: 'voiceschanged', listener: () => void): void;
  removeEventListener(type: 'voiceschanged', listener: () => void): void;
}
export interface UtteranceLike {
  lang: string;
  voice: unknown;
}

/** How long the Web Speech API may take to list its voices (Firefox lists them asynchronously). */
const VOICES_WAIT_MS = 1500;

function voicesOf(synth: SynthLike, waitMs: number): Promise<(SpeechVoiceLike & object)[]> {
  const now = synth.getVoices();
  if (now.length > 0) return Promise.resolve(now);
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      synth.removeEventListener('voiceschanged', done);
      resolve(synth.getVoices());
    };
    const timer = setTimeout(done, waitMs);
    synth.addEventListener('voiceschanged', done);
  });
}

/** The Web Speech API (Firefox's background page). */
export function webSpeechSpeaker(synth: SynthLike, utterance: (text: string) => UtteranceLike, waitMs = VOICES_WAIT_MS): Speaker {
  return async (text, lang, options = {}) => {
    const voices = await voicesOf(synth, waitMs);
    const infos: VoiceInfo[] = voices.map(fromSpeechVoice);
    const voice = pickVoice(infos, SPEECH_TAGS[lang]);
    if (!voice) return null;
    const u = utterance(text);
    u.voice = voices[infos.indexOf(voice)];
    u.lang = voice.lang || SPEECH_TAGS[lang];
    if (!options.enqueue) synth.cancel();
    synth.speak(u);
    return voice.name;
  };
}
