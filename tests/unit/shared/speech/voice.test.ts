import { describe, expect, it } from 'vitest';
import { fromSpeechVoice, fromTtsVoice, parseTag, pickVoice, tagFit, type VoiceInfo } from '@/models/shared/speech/voice';

const voice = (id: string, lang: string, local = true, isDefault = false): VoiceInfo => ({ id, name: id, lang, local, isDefault });

describe('choosing an on-device voice', () => {
  it('never chooses a network voice, even the only one for the language', () => {
    expect(pickVoice([voice('Google 普通话', 'zh-CN', false)], 'zh-CN')).toBeNull();
    expect(pickVoice([voice('Google 普通话', 'zh-CN', false), voice('Ting-Ting', 'zh-CN')], 'zh-CN')?.id).toBe('Ting-Ting');
  });

  it('says there is none when no local voice speaks the language', () => {
    expect(pickVoice([voice('Alex', 'en-US'), voice('Anna', 'de-DE')], 'zh-CN')).toBeNull();
    expect(pickVoice([], 'en-US')).toBeNull();
  });

  it('prefers the same region, then any voice of the language', () => {
    const en = [voice('Daniel', 'en-GB'), voice('Samantha', 'en-US'), voice('Karen', 'en-AU')];
    expect(pickVoice(en, 'en-US')?.id).toBe('Samantha');
    expect(pickVoice(en, 'en-IN')?.id).toBe('Daniel');
    expect(pickVoice(en, 'en')?.id).toBe('Daniel');
  });

  it('reads tags with underscores, any case, and cmn for Chinese', () => {
    expect(parseTag('cmn-Hans-CN')).toEqual({ language: 'zh', script: 'hans', region: 'cn' });
    expect(parseTag('en_US')).toEqual({ language: 'en', script: '', region: 'us' });
    expect(pickVoice([voice('a', 'EN_us')], 'en-US')?.id).toBe('a');
    expect(pickVoice([voice('m', 'cmn-Hans-CN')], 'zh-CN')?.id).toBe('m');
  });

  it('takes Mandarin of the same script for Chinese, and never a Cantonese voice for Mandarin', () => {
    const zh = [voice('Sin-ji', 'zh-HK'), voice('Mei-Jia', 'zh-TW'), voice('Yu-shu', 'zh-SG')];
    expect(pickVoice(zh, 'zh-CN')?.id).toBe('Yu-shu');
    expect(pickVoice(zh, 'zh-Hant')?.id).toBe('Mei-Jia');
    expect(pickVoice([voice('Sin-ji', 'zh-HK'), voice('Aasing', 'yue-HK')], 'zh-CN')).toBeNull();
    expect(pickVoice([voice('Sin-ji', 'zh-HK')], 'zh-HK')?.id).toBe('Sin-ji');
    expect(tagFit('zh-TW', 'zh-CN')).toBeGreaterThan(0);
    expect(tagFit('zh-CN', 'zh-CN')).toBeGreaterThan(tagFit('zh-SG', 'zh-CN'));
  });

  it('breaks a tie with the platform default, but not against a better fit', () => {
    expect(pickVoice([voice('a', 'en-US'), voice('b', 'en-US', true, true)], 'en-US')?.id).toBe('b');
    expect(pickVoice([voice('a', 'en-US'), voice('b', 'en-GB', true, true)], 'en-US')?.id).toBe('a');
    expect(pickVoice([voice('a', 'en-US'), voice('b', 'en-US')], 'en-US')?.id).toBe('a');
  });

  it('describes chrome.tts and Web Speech voices alike, a missing remote flag counted as remote', () => {
    expect(fromTtsVoice({ voiceName: 'Tingting', lang: 'zh-CN', remote: false })).toEqual(voice('Tingting', 'zh-CN'));
    expect(fromTtsVoice({ voiceName: 'Cloud', lang: 'zh-CN' }).local).toBe(false);
    expect(fromTtsVoice({ voiceName: 'NoLang', remote: false }).lang).toBe('');
    expect(pickVoice([fromTtsVoice({ voiceName: 'NoLang', remote: false })], 'en-US')).toBeNull();
    const web = fromSpeechVoice({ name: 'Samantha', voiceURI: 'com.apple.samantha', lang: 'en-US', localService: true, default: true });
    expect(web).toEqual({ id: 'com.apple.samantha', name: 'Samantha', lang: 'en-US', local: true, isDefault: true });
    expect(fromSpeechVoice({ name: 'Google US English', voiceURI: 'Google US English', lang: 'en-US', localService: false, default: false }).local).toBe(false);
  });
});
