// Choosing the voice that speaks a word: on-device voices only, since a network voice would send
// page text away. Both voice lists are described the same way here: chrome.tts's (`remote`) and
// the Web Speech API's (`localService`).

export interface VoiceInfo {
  /** What the speaking API is given back to select this voice (voiceName / voiceURI). */
  id: string;
  name: string;
  /** BCP 47 tag as the browser reports it ("zh-CN", "en_US", "cmn-Hans-CN"); "" when unknown. */
  lang: string;
  /** Synthesised on this machine; a remote voice is never chosen. */
  local: boolean;
  /** The platform's default voice. */
  isDefault: boolean;
}

/** A chrome.tts voice (chrome.tts.getVoices). */
export interface TtsVoiceLike {
  voiceName?: string;
  lang?: string;
  remote?: boolean;
}

/** A Web Speech API voice (speechSynthesis.getVoices). */
export interface SpeechVoiceLike {
  name: string;
  voiceURI: string;
  lang: string;
  localService: boolean;
  default: boolean;
}

// A voice whose `remote` flag is missing is not known to be local, so it counts as remote.
export const fromTtsVoice = (v: TtsVoiceLike): VoiceInfo => ({
  id: v.voiceName ?? '',
  name: v.voiceName ?? '',
  lang: v.lang ?? '',
  local: v.remote === false,
  isDefault: false,
});

export const fromSpeechVoice = (v: SpeechVoiceLike): VoiceInfo => ({
  id: v.voiceURI,
  name: v.name,
  lang: v.lang,
  local: v.localService === true,
  isDefault: v.default === true,
});

interface Tag {
  language: string;
  script: string;
  region: string;
}

/** Language, script and region of a tag, lowercased; "_" accepted for "-"; cmn read as zh. */
export function parseTag(tag: string): Tag {
  const parts = tag.trim().toLowerCase().split(/[-_]/).filter(Boolean);
  let language = parts.shift() ?? '';
  if (language === 'cmn') language = 'zh';
  const script = parts[0]?.length === 4 ? parts.shift()! : '';
  const region = parts.find((p) => /^([a-z]{2}|\d{3})$/.test(p)) ?? '';
  return { language, script, region };
}

// Chinese regions by script: a voice for zh-TW reads traditional-script text with Taiwan's
// Mandarin; zh-HK and yue voices speak Cantonese, never taken for Mandarin.
const HANT_REGIONS = new Set(['tw', 'hk', 'mo']);
const CANTONESE_REGIONS = new Set(['hk', 'mo']);

const scriptOf = (t: Tag): string => t.script || (t.language === 'zh' && t.region ? (HANT_REGIONS.has(t.region) ? 'hant' : 'hans') : '');
const isCantonese = (t: Tag): boolean => t.language === 'yue' || (t.language === 'zh' && CANTONESE_REGIONS.has(t.region));

/**
 * How well a voice's tag fits the wanted tag: 0 when it cannot speak it, higher is better.
 * Same language is needed; then the same script (for Chinese), then the same region.
 */
export function tagFit(voiceTag: string, wantedTag: string): number {
  const voice = parseTag(voiceTag);
  const want = parseTag(wantedTag);
  if (!voice.language || voice.language !== want.language) return 0;
  if (isCantonese(voice) !== isCantonese(want)) return 0;
  let fit = 1;
  const [vs, ws] = [scriptOf(voice), scriptOf(want)];
  if (vs && ws) fit += vs === ws ? 2 : 0;
  if (voice.region && voice.region === want.region) fit += 4;
  return fit;
}

/**
 * The best local voice for a language, or null when there is none (the caller says so; it never
 * falls back to a network voice). Ties go to the platform default, then to the list's order.
 * Chinese is best asked for with its script or region (zh-CN, zh-TW): bare "zh" takes either.
 */
export function pickVoice(voices: readonly VoiceInfo[], lang: string): VoiceInfo | null {
  let best: VoiceInfo | null = null;
  let bestFit = 0;
  for (const voice of voices) {
    const fit = voice.local ? tagFit(voice.lang, lang) : 0;
    // The default voice wins a tie, never over a better fitting tag.
    const score = fit * 2 + (voice.isDefault ? 1 : 0);
    if (fit > 0 && score > bestFit) [best, bestFit] = [voice, score];
  }
  return best;
}
