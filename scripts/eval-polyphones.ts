// Polyphone reading evaluation on tests/fixtures/polyphone-sentences.ts, in two stages:
//
// 1. The dictionary/word stage, no model: each sentence segmented as the page segments it, the
//    segmented word looked up in the bundled CC-CEDICT (scripts/polyphone-word-stage.ts). Its
//    accuracy is real: it does not depend on any weights.
// 2. The model stage: each sentence through the sense tool exactly as the extension runs it (the
//    page's segmentation, the bundled CC-CEDICT, the model's ranking of the word's senses for words
//    with several readings). Only the `context` and `dictionary` rows depend on the model. Without
//    --model it runs on the random-weight fixture (sesame-fixtures/tiny-ernie-zh) as a smoke run:
//    the pipeline runs end to end, and its accuracy is labelled meaningless. Real weights (a hub
//    id or a folder of a Chinese masked LM, e.g. ERNIE 3.0 or bert-base-chinese) give the number
//    to report.
//
//   npm run eval:polyphones [-- --model <hub id | fixture id | folder>] [--dtype fp32|q8] [--family bert|ernie] [--word-only]
import { parseArgs } from 'node:util';
import type { ModelSpec, ResultOf } from '../models/shared/protocol';
import { guessFamily } from '../models/shared/registry';
import { segmentWords } from '../models/shared/text/segment';
import { POLYPHONE_SENTENCES } from '../tests/fixtures/polyphone-sentences';
import { nodeGlossLookup, nodeReadingAids } from '../tests/support/glosses';
import { nodeHost } from '../tests/support/node-host';
import { defaultDtype, modelSource } from './model-source';
import { isRight, syllableOf, tallyByStage, wordStage } from './polyphone-word-stage';
// @ts-expect-error plain ESM helper without types
import { startHubServer } from '../tests/support/hub-server.mjs';

const { values: args } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== '--'),
  options: { model: { type: 'string' }, dtype: { type: 'string' }, family: { type: 'string' }, 'word-only': { type: 'boolean' } },
});

const FIXTURE = 'sesame-fixtures/tiny-ernie-zh';
const pct = (n: number, d: number) => (d ? `${((100 * n) / d).toFixed(1)}%` : '—');
const line = (label: string, right: number, n: number) => `  ${label.padEnd(11)} ${String(right).padStart(3)}/${String(n).padEnd(3)} ${pct(right, n)}`;
const ORDER = ['word', 'characters', 'context', 'dictionary', 'none'];
const byOrder = (a: [string, unknown], b: [string, unknown]) => ORDER.indexOf(a[0]) - ORDER.indexOf(b[0]);

// ---- 1. dictionary/word stage (no model)
const words = await wordStage();
const w = tallyByStage(words, (o) => o.choice?.by ?? 'none');
console.log(`polyphone readings · ${POLYPHONE_SENTENCES.length} sentences (tests/fixtures/polyphone-sentences.ts)`);
console.log('\n1. dictionary/word stage — no model (Intl.Segmenter + bundled CC-CEDICT; a word with several readings reads as its usual one)');
for (const [by, t] of [...w.stages].sort(byOrder)) console.log(line(by, t.right, t.n));
console.log(line('all', w.right, w.n));
const several = words.filter((o) => o.choice?.by === 'dictionary');
console.log(
  `  (${several.length} sentences have a word with several readings: left to the model; the usual reading gets ${several.filter(isRight).length} of them)`,
);
for (const o of words.filter((x) => !isRight(x)))
  console.log(`  miss: ${o.sentence} ${o.word}: ${o.choice?.reading ?? '—'} (${o.choice?.by ?? 'none'}), want ${o.expected}`);

if (args['word-only']) process.exit(0);

// ---- 2. model stage
const source = modelSource(args.model ?? FIXTURE);
const randomWeights = source.id.startsWith('sesame-fixtures/');
const hub = source.root ? await startHubServer({ root: source.root }) : null;
const h = nodeHost(hub ? hub.url : 'https://huggingface.co', undefined, await nodeGlossLookup(), { readingAids: await nodeReadingAids() });
const spec: ModelSpec = { id: source.id, family: (args.family as ModelSpec['family']) ?? guessFamily(source.id), dtype: defaultDtype(source, args.dtype) };

const outcomes: { sentence: string; word: string; reading: string; by: string; syllable: string | null; expected: string }[] = [];
for (const { sentence, char, reading } of POLYPHONE_SENTENCES) {
  const at = sentence.indexOf(char);
  const word = segmentWords(sentence, 'zh').find((s) => s.start <= at && at < s.end)!;
  const { result } = await h.run({ type: 'sense', text: sentence, start: word.start, end: word.end }, spec);
  const chosen = (result as ResultOf<'sense'>).reading;
  outcomes.push({
    sentence,
    word: word.text,
    reading: chosen?.reading ?? '—',
    by: chosen?.by ?? 'none',
    syllable: syllableOf(chosen?.reading, word.text, word.start, at, sentence),
    expected: reading,
  });
}
await hub?.close();

const m = tallyByStage(outcomes, (o) => o.by);
console.log(`\n2. model stage — the sense tool as the extension runs it · ${spec.id} (${spec.family}, ${spec.dtype})`);
if (randomWeights)
  console.log(
    '  SMOKE RUN: this is a random-weight fixture model. It shows the pipeline runs end to end; its accuracy below is MEANINGLESS (noise).\n' +
      '  The model stage needs real weights: npm run eval:polyphones -- --model <hub id | folder of a Chinese masked LM>',
  );
for (const [by, t] of [...m.stages].sort(byOrder)) console.log(line(by, t.right, t.n));
console.log(line('all', m.right, m.n));
const open = outcomes.filter((o) => o.by === 'context' || o.by === 'dictionary');
console.log(
  `  words with several readings (context + dictionary): ${open.filter(isRight).length}/${open.length}${randomWeights ? ' (random weights: meaningless)' : ''} — the usual reading alone gets ${several.filter(isRight).length}/${several.length}`,
);
for (const o of outcomes.filter((x) => !isRight(x))) console.log(`  miss: ${o.sentence} ${o.word}: ${o.reading} (${o.by}), want ${o.expected}`);
