// Occurrences → one forward pass with hidden states → layer mix → senses, on the fixture models
// loaded by the real loader through transformers.js (random weights: structure, not meaning).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadModel, type LoadedModel } from '@/models/host/lm/loader';
import { configureTransformers } from '@/models/host/transformers-env';
import { cacheKeyFor, ModelCache } from '@/models/shared/model-files/model-cache';
import type { ModelSpec } from '@/models/shared/protocol';
import { clusterSenses, labelClusters } from '@/models/host/tools/sense/cluster';
import { embedTargets, encodeTarget, substituteVectors } from '@/models/host/tools/sense/embed';
import { encoderShape, ensureHiddenStates, exposeHiddenStates, hiddenStateNames, onnxFileFor } from '@/models/host/onnx/hidden-states';
import { lastLayerOnly, mixLayers } from '@/models/host/tools/sense/layer-mix';
import { findOccurrences } from '@/models/shared/text/occurrences';
import { predictMasks, tokenOf, topIndices } from '@/models/host/lm/masked-lm';
// @ts-expect-error plain ESM helper without types
import { startHubServer } from '../../../../support/hub-server.mjs';
import { TINY_BERT, TINY_DISTILBERT, TINY_ERNIE } from '../../../../support/fixture-specs';
import { memoryCache } from '../../../../support/node-host';

const BERT = TINY_BERT;
const BERT_FP32: ModelSpec = { ...BERT, dtype: 'fp32' };
const DISTIL = TINY_DISTILBERT;
const ERNIE = TINY_ERNIE;

const PAGE = [
  'She went to the bank to deposit her salary. The bank raised its interest rates again.',
  'We had a picnic on the grassy bank of the river. Fish hid under the muddy banks.',
  'Investors worry that several banks may fail this year.',
  'He is banking on a quick loan from the bank.',
  'The canoe drifted toward the far bank while herons watched from the bank above.',
  'A bankrupt firm cannot borrow.',
];

let hub: { url: string; close(): Promise<void> };
let cache: ModelCache;
const loaded: LoadedModel[] = [];

beforeAll(async () => {
  hub = await startHubServer({ root: '.fixtures/hub' });
  cache = new ModelCache(memoryCache());
  configureTransformers({ remoteHost: hub.url, cache });
});
afterAll(async () => {
  await Promise.all(loaded.map((lm) => lm.release()));
  await hub?.close();
});

async function load(spec: ModelSpec): Promise<LoadedModel> {
  const lm = await loadModel(spec, 'cpu');
  loaded.push(lm);
  return lm;
}

const readModel = (spec: ModelSpec) => async () => {
  const hit = await cache.match(cacheKeyFor({ model: spec.id, revision: 'main', file: onnxFileFor(spec.dtype) }));
  return hit ? new Uint8Array(await hit.arrayBuffer()) : undefined;
};

describe('embedding occurrences', () => {
  it('swaps in a hidden-state session after a plain load, then clusters every use of "bank"', async () => {
    const lm = await load(BERT);
    expect(encoderShape(lm.model)).toEqual({ numLayers: 2, hiddenSize: 32 });
    expect(hiddenStateNames(lm.model)).toEqual([]);
    const status = await ensureHiddenStates(lm.model, lm.device, readModel(BERT));
    expect(status).toEqual({ ok: true, swapped: true, names: ['hidden_states.0', 'hidden_states.1', 'hidden_states.2'] });
    expect(await ensureHiddenStates(lm.model, lm.device, readModel(BERT))).toMatchObject({ ok: true, swapped: false });

    const occurrences = findOccurrences(PAGE, 'bank', { lang: 'en' });
    expect(occurrences.map((o) => o.text)).toEqual(['bank', 'bank', 'bank', 'banks', 'banks', 'banking', 'bank', 'bank', 'bank']);
    const targets = occurrences.map((o) => o.sentence);
    const vectors = await embedTargets(lm, targets, { lang: 'en', batchSize: 4 });
    expect(vectors).toHaveLength(occurrences.length);
    for (const v of vectors) {
      expect(v.layers).toHaveLength(3);
      for (const layer of v.layers) {
        expect(layer).toHaveLength(32);
        expect(layer.every(Number.isFinite)).toBe(true);
      }
      expect(v.maskLogProbs).toEqual([]);
    }
    // A word's vector depends on its context.
    expect(vectors[0]!.layers[2]).not.toEqual(vectors[1]!.layers[2]);

    const mixed = vectors.map((v) => mixLayers(v.layers));
    const senses = clusterSenses(mixed);
    expect(senses.clusters.flat().sort((a, b) => a - b)).toEqual(occurrences.map((_, i) => i));
    expect(senses.assignment).toHaveLength(occurrences.length);
    senses.assignment.forEach((c, i) => expect(senses.clusters[c]).toContain(i));
    const ablation = clusterSenses(vectors.map((v) => lastLayerOnly(v.layers)));
    expect(ablation.clusters.flat()).toHaveLength(occurrences.length);

    const masked = await embedTargets(lm, targets, { lang: 'en', mask: true });
    const substitutes = masked.map((v) => {
      expect(v.maskLogProbs).toHaveLength(1);
      expect(v.layers).toHaveLength(3);
      return topIndices(v.maskLogProbs[0]!, 5).map((id) => tokenOf(lm, id));
    });
    const labels = labelClusters(senses.clusters, substitutes, { selected: 3 });
    expect(labels.filter((l) => l.selected)).toHaveLength(1);
    expect(labels.find((l) => l.selected)!.members).toContain(3);
    for (const l of labels) expect(l.label.length).toBeGreaterThan(0);
  });

  it('aligns the word by tokenizing prefix, word and suffix: same ids as the whole sentence', async () => {
    const lm = loaded.find((m) => m.spec.id === BERT.id) ?? (await load(BERT));
    for (const o of findOccurrences(PAGE, 'bank', { lang: 'en' })) {
      const { ids, target } = encodeTarget(lm, o.sentence, { lang: 'en' });
      expect(ids).toEqual(lm.tokenizer.encode(o.sentence.text));
      const word = lm.tokenizer.encode(o.text, { add_special_tokens: false });
      expect(ids.slice(target[0], target[1])).toEqual(word);
    }
    const long = { text: `${'far '.repeat(300)}bank${' away'.repeat(300)}`, start: 1200, end: 1204 };
    const cut = encodeTarget(lm, long, { lang: 'en', maxTokens: 64 });
    expect(cut.ids).toHaveLength(64);
    expect(lm.tokenizer.decode(cut.ids.slice(cut.target[0], cut.target[1]))).toBe('bank');
    expect(cut.target[0]).toBeGreaterThan(20);
  });

  it('gives the same vectors and mask predictions batched or alone, and as predictMasks (fp32)', async () => {
    const lm = await load(BERT_FP32);
    await ensureHiddenStates(lm.model, lm.device, readModel(BERT_FP32));
    const targets = findOccurrences(PAGE, 'bank', { lang: 'en' }).map((o) => o.sentence);
    const batched = await embedTargets(lm, targets, { lang: 'en', mask: true, batchSize: 16 });
    const alone = await embedTargets(lm, targets, { lang: 'en', mask: true, batchSize: 1 });
    batched.forEach((v, i) => {
      v.layers.forEach((layer, k) => layer.forEach((x, j) => expect(x).toBeCloseTo(alone[i]!.layers[k]![j]!, 4)));
    });
    const t = targets[0]!;
    const [row] = await predictMasks(lm, [`${t.text.slice(0, t.start)} [MASK] ${t.text.slice(t.end)}`]);
    const ours = batched[0]!.maskLogProbs[0]!;
    expect(topIndices(ours, 5)).toEqual(topIndices(row!.logProbs, 5));
    for (let j = 0; j < 50; j++) expect(ours[j]!).toBeCloseTo(row!.logProbs[j]!, 3);
  });

  it('loads with the outputs already there when the cache rewrites the model file', async () => {
    const rewriting = Object.assign(Object.create(cache) as ModelCache, {
      match: async (key: string) => {
        const hit = await cache.match(key);
        return hit && key.endsWith('.onnx') ? exposeHiddenStates(hit) : hit;
      },
    });
    configureTransformers({ remoteHost: hub.url, cache: rewriting });
    try {
      const lm = await load(DISTIL);
      expect(encoderShape(lm.model)).toEqual({ numLayers: 2, hiddenSize: 32 });
      expect(hiddenStateNames(lm.model)).toEqual(['hidden_states.0', 'hidden_states.1', 'hidden_states.2']);
      expect(await ensureHiddenStates(lm.model, lm.device, async () => undefined)).toMatchObject({ ok: true, swapped: false });
      const targets = findOccurrences(PAGE.slice(0, 2), 'bank', { lang: 'en' }).map((o) => o.sentence);
      const vectors = await embedTargets(lm, targets, { lang: 'en', mask: true });
      expect(vectors.map((v) => v.layers.length)).toEqual(targets.map(() => 3));
      expect(vectors.every((v) => v.maskLogProbs.length === 1 && v.maskLogProbs[0]!.length === 30522)).toBe(true);
    } finally {
      configureTransformers({ remoteHost: hub.url, cache });
    }
  });

  it('embeds Chinese words on ERNIE (task_type_ids) with one mask per character', async () => {
    const lm = await load(ERNIE);
    expect(lm.inputNames).toContain('task_type_ids');
    expect(await ensureHiddenStates(lm.model, lm.device, readModel(ERNIE))).toMatchObject({ ok: true, swapped: true });
    const page = ['我今天去银行存钱。', '这家银行很大，银行里人很多。', '他在路上行走。'];
    const occurrences = findOccurrences(page, '银行', { lang: 'zh' });
    expect(occurrences).toHaveLength(3);
    const targets = occurrences.map((o) => o.sentence);
    const plain = await embedTargets(lm, targets, { lang: 'zh' });
    const masked = await embedTargets(lm, targets, { lang: 'zh', mask: true });
    plain.forEach((v, i) => {
      expect(v.tokens[1] - v.tokens[0]).toBe(2);
      expect(v.layers).toHaveLength(3);
      expect(masked[i]!.maskLogProbs).toHaveLength(2);
    });
    expect(clusterSenses(plain.map((v) => mixLayers(v.layers))).clusters.flat()).toHaveLength(3);
  });

  it('reports why when the model file cannot be read', async () => {
    const lm = await load({ ...DISTIL, dtype: 'q8' });
    const status = await ensureHiddenStates(lm.model, lm.device, async () => undefined);
    expect(status).toEqual({ ok: false, reason: 'the model file is not in the cache' });
    expect(hiddenStateNames(lm.model)).toEqual([]);
    // Without hidden states the masked predictions still give every use a vector.
    const targets = findOccurrences(PAGE, 'bank', { lang: 'en' }).map((o) => o.sentence);
    const vectors = await embedTargets(lm, targets, { lang: 'en', mask: true });
    expect(vectors.every((v) => v.layers.length === 0 && v.maskLogProbs.length === 1)).toBe(true);
    const fallback = substituteVectors(vectors.map((v) => v.maskLogProbs));
    expect(fallback.every((v) => v.length >= 20)).toBe(true);
    expect(clusterSenses(fallback).clusters.flat()).toHaveLength(targets.length);
  });
});
