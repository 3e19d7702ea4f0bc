// Polyphone reading evaluation: each sentence of tests/fixtures/polyphone-sentences.ts through the
// sense tool as the extension runs it (the page's segmentation, the bundled CC-CEDICT, the model's
// ranking of the word's senses), reporting how often the polyphonic character gets its reading
// there, by how the reading was chosen. Only the `context` and `dictionary` rows depend on the
// model; run it with real weights (fixture models have random weights, so their numbers are noise).
//
//   npm run eval:polyphones -- --model <hub id | fixture id | folder> [--dtype fp32|q8] [--family bert|ernie]
import { parseArgs } from 'node:util';
import type { ModelSpec, ResultOf } from '../models/shared/protocol';
import { guessFamily } from '../models/shared/registry';
import { segmentWords } from '../models/shared/text/segment';
import { POLYPHONE_SENTENCES } from '../tests/fixtures/polyphone-sentences';
import { nodeGlossLookup, nodeReadingAids } from '../tests/support/glosses';
import { nodeHost } from '../tests/support/node-host';
import { defaultDtype, modelSource } from './model-source';
// @ts-expect-error plain ESM helper without types
import { startHubServer } from '../tests/support/hub-server.mjs';

const { values: args } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== '--'),
  options: { model: { type: 'string' }, dtype: { type: 'string' }, family: { type: 'string' } },
});
if (!args.model) {
  console.error('usage: npm run eval:polyphones -- --model <id or folder> [--dtype fp32|q8] [--family bert|ernie]');
  process.exit(2);
}

const source = modelSource(args.model);
const hub = source.root ? await startHubServer({ root: source.root }) : null;
const h = nodeHost(hub ? hub.url : 'https://huggingface.co', undefined, await nodeGlossLookup(), { readingAids: await nodeReadingAids() });
const spec: ModelSpec = { id: source.id, family: (args.family as ModelSpec['family']) ?? guessFamily(source.id), dtype: defaultDtype(source, args.dtype) };

const tally = new Map<string, { n: number; right: number }>();
const misses: string[] = [];
for (const { sentence, char, reading } of POLYPHONE_SENTENCES) {
  const at = sentence.indexOf(char);
  const word = segmentWords(sentence, 'zh').find((s) => s.start <= at && at < s.end)!;
  const { result } = await h.run({ type: 'sense', text: sentence, start: word.start, end: word.end }, spec);
  const chosen = (result as ResultOf<'sense'>).reading;
  const syllables = chosen?.reading.split(' ') ?? [];
  const syllable = syllables.length === [...word.text].length ? syllables[[...sentence.slice(word.start, at)].length] : undefined;
  const right = syllable?.toLowerCase() === reading.toLowerCase();
  const by = chosen?.by ?? 'none';
  const t = tally.get(by) ?? { n: 0, right: 0 };
  tally.set(by, { n: t.n + 1, right: t.right + Number(right) });
  if (!right) misses.push(`${sentence} ${word.text}: ${chosen?.reading ?? '—'} (${by}), want ${reading}`);
}
await hub?.close();

const pct = (n: number, d: number) => (d ? `${((100 * n) / d).toFixed(1)}%` : '—');
console.log(`polyphone readings · ${spec.id} (${spec.family}, ${spec.dtype}) · ${POLYPHONE_SENTENCES.length} sentences`);
let all = 0;
for (const [by, t] of [...tally].sort()) {
  all += t.right;
  console.log(`${by.padEnd(11)} ${String(t.right).padStart(3)}/${String(t.n).padEnd(3)} ${pct(t.right, t.n)}`);
}
console.log(`${'all'.padEnd(11)} ${String(all).padStart(3)}/${POLYPHONE_SENTENCES.length}  ${pct(all, POLYPHONE_SENTENCES.length)}`);
for (const m of misses) console.log(`  miss: ${m}`);
