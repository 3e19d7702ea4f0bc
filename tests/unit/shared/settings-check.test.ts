// Options checks a field on save with the host's own validators: what it saves, the host accepts.
import { describe, expect, it } from 'vitest';
import { hostConfig, parse } from '@/models/shared/protocol';
import { hostConfigFor, withDefaults } from '@/models/shared/settings';
import { checkIdleMinutes, checkModelHost, checkModelId } from '@/models/shared/settings-check';

describe('Options field checks', () => {
  it('model host: https or loopback http, at most 500 characters, a slash added; empty is the hub', () => {
    expect(checkModelHost(' https://hf-mirror.com ', 'https://huggingface.co/')).toEqual({ ok: true, value: 'https://hf-mirror.com/' });
    expect(checkModelHost('', 'https://huggingface.co/')).toEqual({ ok: true, value: 'https://huggingface.co/' });
    expect(checkModelHost('http://127.0.0.1:8765', 'x')).toEqual({ ok: true, value: 'http://127.0.0.1:8765/' });
    expect(checkModelHost('http://mirror.example/', 'x')).toMatchObject({ ok: false, problem: expect.stringMatching(/https/) });
    expect(checkModelHost(`https://a.example/${'x'.repeat(490)}`, 'x')).toMatchObject({ ok: false, problem: expect.stringMatching(/500/) });
    expect(checkModelHost('huggingface.co', 'x')).toMatchObject({ ok: false, problem: 'not a URL' });
  });

  it('model id: owner/name, not a URL, no spaces; empty is the default', () => {
    expect(checkModelId(' Xenova/bert-base-uncased ')).toEqual({ ok: true, value: 'Xenova/bert-base-uncased' });
    expect(checkModelId('')).toEqual({ ok: true, value: null });
    expect(checkModelId('https://huggingface.co/Xenova/gpt2')).toMatchObject({ ok: false, problem: expect.stringMatching(/not a URL/) });
    expect(checkModelId('Xenova/bert base')).toMatchObject({ ok: false, problem: expect.stringMatching(/spaces/) });
    expect(checkModelId('a'.repeat(201))).toMatchObject({ ok: false });
    expect(checkModelId('owner/na#me')).toMatchObject({ ok: false });
  });

  it('idle minutes: a whole number from 1 to 240 (never NaN or Infinity)', () => {
    expect(checkIdleMinutes('15')).toEqual({ ok: true, value: 15 });
    for (const bad of ['', 'abc', '0', '-3', '1.5', '1e400', 'NaN', '241']) expect(checkIdleMinutes(bad).ok, bad).toBe(false);
  });

  it('whatever passes gives a host config the host accepts', () => {
    const host = checkModelHost('http://localhost:9', 'x');
    const id = checkModelId('owner/model.v2');
    const idle = checkIdleMinutes('240');
    if (!host.ok || !id.ok || !idle.ok) throw new Error('expected valid');
    const settings = withDefaults({ modelHost: host.value, idleReleaseMinutes: idle.value, models: { 'sense.en': { id: id.value! } } });
    expect(parse(hostConfig, hostConfigFor(settings, 'sense', 'en')).ok).toBe(true);
  });
});
