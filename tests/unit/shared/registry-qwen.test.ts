// The causal family beside GPT-2 (Qwen2, the Chinese completion default): protocol, registry,
// settings and the fixture's freshness check.
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { modelsFor } from '@/models/shared/onboarding';
import { clientMessage, FAMILIES, hostMessage, parse } from '@/models/shared/protocol';
import {
  DEFAULT_MODELS,
  familyFromModelType,
  familyServesTool,
  findEntry,
  guessFamily,
  isCausalFamily,
  REGISTRY,
  resolveModel,
  toolsOfFamily,
} from '@/models/shared/registry';
import { hostConfigFor, withDefaults } from '@/models/shared/settings';
// @ts-expect-error plain ESM helper without types
import { QWEN_GENERATOR, QWEN_ID, isQwenName, qwenStaleReason } from '../../fixtures/ensure-qwen.mjs';

const QWEN = 'onnx-community/Qwen2.5-0.5B-Instruct';

describe('the qwen2 family', () => {
  it('is a causal LM family: completion only', () => {
    expect(FAMILIES).toContain('qwen2');
    expect(isCausalFamily('qwen2')).toBe(true);
    expect(isCausalFamily('gpt2')).toBe(true);
    expect(isCausalFamily('ernie')).toBe(false);
    expect(toolsOfFamily('qwen2')).toEqual(['complete']);
    expect(familyServesTool('qwen2', 'sense')).toBe(false);
  });

  it('is what config model_type "qwen2" and Qwen-named ids map to', () => {
    expect(familyFromModelType('qwen2')).toBe('qwen2');
    expect(guessFamily(QWEN)).toBe('qwen2');
    expect(guessFamily('me/qwen2.5-1.5b-instruct-onnx', 'complete')).toBe('qwen2');
    expect(guessFamily('me/custom-lm', 'complete')).toBe('gpt2');
  });

  it('is the Chinese completion default, resolved at the WASM precision q8', () => {
    expect(DEFAULT_MODELS.complete.zh).toBe(QWEN);
    expect(resolveModel('complete', 'zh', undefined, 'q8')).toEqual({ id: QWEN, family: 'qwen2', dtype: 'q8' });
    expect(hostConfigFor(withDefaults({}), 'complete', 'zh').model).toEqual({ id: QWEN, family: 'qwen2', dtype: 'q8' });
    expect(() => resolveModel('cloze', 'zh', { id: QWEN }, 'q8')).toThrow(/cannot serve the cloze tool/);
    // A user's choice with the family given, as Settings stores it.
    expect(resolveModel('complete', 'en', { id: 'me/tiny', family: 'qwen2' }, 'fp32')).toEqual({ id: 'me/tiny', family: 'qwen2', dtype: 'fp32' });
  });

  it('declares, per dtype, the file the hub lists and its size; q4f16 (WebGPU only) is named as unused', () => {
    const entry = findEntry(QWEN)!;
    expect(entry.dtypes).toEqual(['q8', 'q4', 'fp16', 'fp32']);
    expect(entry.files).toEqual({
      q8: 'onnx/model_quantized.onnx',
      q4: 'onnx/model_q4.onnx',
      fp16: 'onnx/model_fp16.onnx',
      fp32: 'onnx/model.onnx',
    });
    expect(entry.sizeMb).toEqual({ q8: 512, q4: 786, fp16: 997, fp32: 1990 });
    expect(entry.unused).toMatch(/model_q4f16\.onnx/);
    expect(entry.listing).toMatch(/^https:\/\/huggingface\.co\/onnx-community\/Qwen2\.5-0\.5B-Instruct\//);
    for (const e of REGISTRY) for (const d of Object.keys(e.files ?? {})) expect(e.dtypes, `${e.id} ${d}`).toContain(d);
    expect(REGISTRY.some((e) => e.id.includes('gpt2-chinese'))).toBe(false);
  });

  it('downloads on first run for Chinese with its size', () => {
    const zh = modelsFor(withDefaults({}), ['zh']);
    expect(zh.map((m) => [m.spec.id, m.spec.family, m.sizeMb])).toEqual([
      ['Xenova/ernie-3.0-base-zh', 'ernie', 119],
      [QWEN, 'qwen2', 512],
    ]);
  });

  it('passes validation in requests and host configs; unknown families do not', () => {
    const download = (family: string) => ({ kind: 'request', id: 'd1', request: { type: 'models.download', modelId: QWEN, family } });
    expect(parse(clientMessage, download('qwen2')).ok).toBe(true);
    expect(parse(clientMessage, download('llama')).ok).toBe(false);
    const run = (family: string) => ({
      kind: 'run',
      id: 'r1',
      request: { type: 'complete', prompt: '今天', maxNewTokens: 4 },
      config: { remoteHost: 'https://huggingface.co/', idleReleaseMs: 0, preferBackend: 'auto', model: { id: QWEN, family, dtype: 'q8' } },
    });
    expect(parse(hostMessage, run('qwen2')).ok).toBe(true);
    expect(parse(hostMessage, run('qwen3')).ok).toBe(false);
  });
});

describe('the Qwen2 fixture’s freshness check (tests/fixtures/ensure-qwen.mjs)', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'sesame-qwen-'));
  const hub = path.join(dir, 'hub');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const sha = createHash('sha256').update(readFileSync(QWEN_GENERATOR)).digest('hex');
  const writeManifest = (generatorSha: string, files: Record<string, number>) =>
    writeFileSync(
      path.join(dir, 'qwen-manifest.json'),
      JSON.stringify({ generator: { sha256: generatorSha }, models: { [QWEN_ID]: { files } }, reference: 'reference/tiny-qwen2.json' }),
    );

  it('names what is missing or stale, and passes a complete fixture', () => {
    expect(isQwenName('tiny-qwen2')).toBe(true);
    expect(isQwenName('tiny-gpt2')).toBe(false);
    expect(qwenStaleReason(hub)).toMatch(/no qwen-manifest\.json/);
    writeManifest('0'.repeat(64), { 'config.json': 2 });
    expect(qwenStaleReason(hub)).toMatch(/make_qwen_fixture\.py changed/);
    writeManifest(sha, { 'config.json': 2 });
    expect(qwenStaleReason(hub)).toMatch(/config\.json missing or changed/);
    mkdirSync(path.join(hub, ...QWEN_ID.split('/')), { recursive: true });
    writeFileSync(path.join(hub, ...QWEN_ID.split('/'), 'config.json'), '{}');
    expect(qwenStaleReason(hub)).toMatch(/reference logits are missing/);
    mkdirSync(path.join(dir, 'reference'));
    writeFileSync(path.join(dir, 'reference', 'tiny-qwen2.json'), '{}');
    expect(qwenStaleReason(hub)).toBeNull();
    writeFileSync(path.join(hub, ...QWEN_ID.split('/'), 'config.json'), '{ }');
    expect(qwenStaleReason(hub)).toMatch(/config\.json missing or changed/);
  });
});
