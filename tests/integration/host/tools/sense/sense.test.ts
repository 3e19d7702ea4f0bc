// The word-sense tool through the real model host (Node, fixture models from the loopback hub):
// substitutes first, every use embedded with all layers in batches, clusters over every use,
// a per-page cache, cancellation. Random weights: structure and flow, not meaning.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OccurrenceSpan, ResultOf, ServerMessage, ToolRequest } from '@/models/shared/protocol';
// @ts-expect-error plain ESM helper without types
import { startHubServer } from '../../../../support/hub-server.mjs';
import { TINY_BERT, TINY_DISTILBERT, TINY_ERNIE } from '../../../../support/fixture-specs';
import { nodeGlossLookup } from '../../../../support/glosses';
import { nodeHost } from '../../../../support/node-host';

const BERT = TINY_BERT;
const DISTIL = TINY_DISTILBERT;
const ERNIE = TINY_ERNIE;

const SENTENCES = [
  'She went to the bank to deposit her salary.',
  'The bank raised its interest rates again.',
  'He asked the bank for a loan.',
  'The bank opens at nine on weekdays.',
  'We had a picnic on the grassy bank of the river.',
  'Fish hid under the muddy bank.',
  'The canoe drifted toward the far bank.',
  'Herons watched from the steep bank above the stream.',
];
const spanOf = (text: string, word = 'bank'): OccurrenceSpan => ({ text, start: text.indexOf(word), end: text.indexOf(word) + word.length });
const OCCURRENCES = SENTENCES.map((s) => spanOf(s));

let hub: { url: string; close(): Promise<void> };
let h: ReturnType<typeof nodeHost>;

beforeAll(async () => {
  hub = await startHubServer({ root: '.fixtures/hub' });
  h = nodeHost(hub.url, undefined, await nodeGlossLookup());
}, 120_000);
afterAll(async () => {
  await hub?.close();
});

const lookup = (selected: number, extra: Partial<Extract<ToolRequest, { type: 'sense' }>> = {}): Extract<ToolRequest, { type: 'sense' }> => ({
  type: 'sense',
  text: SENTENCES[selected]!,
  start: OCCURRENCES[selected]!.start,
  end: OCCURRENCES[selected]!.end,
  occurrences: OCCURRENCES,
  selected,
  glosses: false,
  ...extra,
});

const updates = (messages: ServerMessage[]) => messages.flatMap((m) => (m.kind === 'update' ? [m.update] : []));

describe('the sense tool', () => {
  it('streams substitutes first, then clusters every use with all layers mixed', async () => {
    const { result, messages } = await h.run(lookup(5), BERT);
    const r = result as ResultOf<'sense'>;
    const u = updates(messages);
    expect(u[0]).toMatchObject({ type: 'sense', word: 'bank', done: 1, total: 8 });
    expect(u[0]!.substitutes).toEqual(r.substitutes);
    expect(u.at(-1)).toMatchObject({ done: 8, total: 8 });
    expect(u.map((x) => x.done)).toEqual([...u.map((x) => x.done)].sort((a, b) => a - b));
    // Every use in exactly one cluster; the selected one's cluster is marked.
    const members = r.clusters!.flatMap((c) => c.members).sort((a, b) => a - b);
    expect(members).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(r.clusters!.filter((c) => c.selected)).toHaveLength(1);
    expect(r.clusters!.find((c) => c.selected)!.members).toContain(5);
    for (const c of r.clusters!) expect(c.label.every((w) => w.length > 0 && !w.startsWith('##'))).toBe(true);
    // The tiny BERT has 2 layers: embeddings + 2 hidden states mixed.
    expect(r.vectors).toMatchObject({ method: 'layer-mix', hiddenStates: 3, cached: 0 });
  });

  it('answers a second lookup of the word on the page from the cache, with the same clusters', async () => {
    const first = (await h.run(lookup(5), BERT)).result as ResultOf<'sense'>;
    const again = (await h.run(lookup(2), BERT)).result as ResultOf<'sense'>;
    expect(again.vectors!.cached).toBe(7);
    expect(again.clusters!.flatMap((c) => c.members).sort()).toEqual(first.clusters!.flatMap((c) => c.members).sort());
    const same = (await h.run(lookup(5), BERT)).result as ResultOf<'sense'>;
    expect(same).toEqual(first);
  });

  it('reports the loaded encoder’s hidden states in diagnostics', async () => {
    const status = (await h.run({ type: 'status' })).result as ResultOf<'status'>;
    expect(status.loaded.find((m) => m.id === BERT.id)?.layers).toBe('3 hidden states');
  });

  it('falls back to the default mix, and says so, when the configured weights do not fit the model', async () => {
    const { result } = await h.run(lookup(0), BERT, { layerWeights: [0, 0, 0, 0, 1] });
    const r = result as ResultOf<'sense'>;
    expect(r.vectors!.note).toMatch(/5 hidden states; this model has 3/);
    expect(r.clusters!.flatMap((c) => c.members)).toHaveLength(8);
    const fitted = (await h.run(lookup(0), BERT, { layerWeights: [-5, 0, 5] })).result as ResultOf<'sense'>;
    expect(fitted.vectors).toMatchObject({ method: 'layer-mix', cached: 0 });
    expect(fitted.vectors!.note).toBeUndefined();
  });

  it('works without occurrences (substitutes only) and on DistilBERT', async () => {
    const { result } = await h.run({ type: 'sense', text: 'We sat on the river bank.', start: 20, end: 24, glosses: false }, DISTIL);
    const r = result as ResultOf<'sense'>;
    expect(r.substitutes.length).toBeGreaterThan(0);
    expect(r.clusters).toBeUndefined();
    const many = (await h.run(lookup(1), DISTIL)).result as ResultOf<'sense'>;
    expect(many.vectors).toMatchObject({ method: 'layer-mix', hiddenStates: 3 });
  });

  it('clusters Chinese uses of a whole word on ERNIE', async () => {
    const zh = ['我今天去银行存钱。', '这家银行很大。', '银行里人很多。', '他在银行工作。'].map((s) => spanOf(s, '银行'));
    const { result } = await h.run(
      { type: 'sense', text: zh[1]!.text, start: zh[1]!.start, end: zh[1]!.end, occurrences: zh, selected: 1, glosses: false },
      ERNIE,
    );
    const r = result as ResultOf<'sense'>;
    expect(r.lang).toBe('zh');
    expect(r.word).toBe('银行');
    expect(r.substitutes.every((s) => [...s.text].length === 2 && /^\p{Script=Han}+$/u.test(s.text))).toBe(true);
    expect(r.clusters!.flatMap((c) => c.members).sort()).toEqual([0, 1, 2, 3]);
    expect(r.vectors!.hiddenStates).toBeGreaterThan(1);
  });

  it('stops between batches when cancelled', async () => {
    const many = Array.from({ length: 120 }, (_, i) => spanOf(`Story ${i}: the bank ${i % 2 ? 'lent money' : 'was muddy'} that year.`));
    const messages: ServerMessage[] = [];
    const run = h.host.handle(
      {
        kind: 'run',
        id: 'cancel-me',
        request: { type: 'sense', text: many[0]!.text, start: many[0]!.start, end: many[0]!.end, occurrences: many, selected: 0, glosses: false },
        config: { remoteHost: `${hub.url}/`, idleReleaseMs: 60_000, preferBackend: 'auto', model: BERT },
      },
      (m) => {
        messages.push(m);
        if (m.kind === 'update' && m.update.done > 1) void h.host.handle({ kind: 'cancel', id: 'cancel-me' }, () => {});
      },
    );
    await run;
    const last = messages.at(-1)!;
    expect(last).toMatchObject({ kind: 'error', error: { code: 'cancelled' } });
    expect(updates(messages).at(-1)!.done).toBeLessThan(120);
  });

  it('ranks WordNet glosses by context embedding for English', async () => {
    const { result, messages } = await h.run(lookup(4, { glosses: true }), BERT);
    const r = result as ResultOf<'sense'>;
    // The senses were sent before the glosses were ranked: one update carries them, the last.
    const u = updates(messages);
    expect(u.filter((x) => x.clusters)).toHaveLength(1);
    expect(u.at(-1)!.clusters).toEqual(r.clusters);
    expect(r.glossMethod).toBe('context-embedding');
    expect(r.glosses!.length).toBeGreaterThan(3);
    expect(r.glosses!.every((g) => g.source === 'wordnet' && g.headword === 'bank' && g.text.length > 0 && Number.isFinite(g.score))).toBe(true);
    const texts = r.glosses!.map((g) => g.text);
    expect(texts.some((t) => /sloping land/.test(t))).toBe(true);
    expect(texts.some((t) => /financial institution/.test(t))).toBe(true);
    // Ordered by score; the same request ranks the same way.
    expect(r.glosses!.map((g) => g.score)).toEqual([...r.glosses!.map((g) => g.score)].sort((a, b) => b - a));
    const again = (await h.run(lookup(4, { glosses: true }), BERT)).result as ResultOf<'sense'>;
    expect(again.glosses).toEqual(r.glosses);
  });

  it('ranks CC-CEDICT entries by the substitutes’ meanings for Chinese', async () => {
    const text = '这家银行的利率很高。';
    const { result } = await h.run({ type: 'sense', text, start: 2, end: 4 }, ERNIE);
    const r = result as ResultOf<'sense'>;
    expect(['substitute-overlap', 'dictionary-order']).toContain(r.glossMethod);
    expect(r.glosses!.every((g) => g.source === 'cc-cedict' && g.reading && g.headword === '银行')).toBe(true);
    expect(r.glosses!.map((g) => g.text)).toContain('bank');
  });
});
