// Cloze recovery evaluation: blanks every Nth content word of a text and reports how often the
// model's top-1 / top-5 answers recover the original word, for whole-word decoding
// (confident-first, left-to-right; PLL-ranked) against piece-level decoding (each mask filled
// on its own). Runs the extension's own code in Node on onnxruntime-node.
//
//   npm run eval:cloze -- --model <hub id | fixture id | folder> --text <file>
//       [--every 5] [--lang en|zh] [--dtype fp32|q8] [--family bert|distilbert|ernie] [--json out.json]
//
// A folder holds a hub-layout model (config.json, tokenizer files, onnx/). Ids under
// .fixtures/hub/ are served from there; any other id is fetched from https://huggingface.co/.
import { readFileSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { encoderOf } from '../models/host/tools/cloze/blank-context';
import { decodeBlanks } from '../models/host/tools/cloze/decode';
import { canonicalAnswer } from '../models/host/tools/cloze/judge';
import { ModelCache } from '../models/shared/model-files/model-cache';
import { defaultDtype, memoryCache, modelSource } from './model-source';
import { loadModel } from '../models/host/lm/loader';
import { configureTransformers } from '../models/host/transformers-env';
import { CLOZE_DECODERS, type ClozeDecoder, type Lang, type ModelSpec } from '../models/shared/protocol';
import { guessFamily } from '../models/shared/registry';
import { detectLang } from '../models/shared/text/lang';
import { contentCandidates } from '../models/host/tools/cloze/cloze-blanks';
import { blanksToDecode, CLOZE_CHARS, TOP_ANSWERS, wordPieces } from '../models/host/tools/cloze/cloze';
// @ts-expect-error plain ESM helper without types
import { startHubServer } from '../tests/support/hub-server.mjs';

const { values: args } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== '--'),
  options: {
    model: { type: 'string' },
    text: { type: 'string' },
    every: { type: 'string', default: '5' },
    lang: { type: 'string' },
    dtype: { type: 'string' },
    family: { type: 'string' },
    json: { type: 'string' },
  },
});
if (!args.model || !args.text) {
  console.error('usage: npm run eval:cloze -- --model <id or folder> --text <file> [--every N] [--lang en|zh] [--dtype fp32|q8] [--json out.json]');
  process.exit(2);
}

/** Paragraph-ish chunks of at most CLOZE_CHARS, cut at sentence ends. */
function chunks(text: string): string[] {
  const sentences = text.split(/(?<=[.!?。！？])\s*/u).filter((s) => s.trim());
  const out: string[] = [];
  let cur = '';
  for (const s of sentences) {
    if (cur && cur.length + s.length + 1 > CLOZE_CHARS) {
      out.push(cur);
      cur = '';
    }
    cur = cur ? `${cur}${/\p{Script=Han}/u.test(s) ? '' : ' '}${s}` : s.slice(0, CLOZE_CHARS);
  }
  if (cur) out.push(cur);
  return out;
}

interface Tally {
  blanks: number;
  top1: number;
  top5: number;
  multiPiece: number;
  multiTop1: number;
  multiTop5: number;
  passes: number;
  ms: number;
}

const source = modelSource(args.model);
const hub = source.root ? await startHubServer({ root: source.root }) : null;
const cache = new ModelCache(memoryCache());
configureTransformers({ remoteHost: hub ? `${hub.url}/` : 'https://huggingface.co/', cache });
const dtype = defaultDtype(source, args.dtype);
const spec: ModelSpec = { id: source.id, family: (args.family as ModelSpec['family']) ?? guessFamily(source.id), dtype };
const text = readFileSync(args.text, 'utf8');
const lang = (args.lang ?? detectLang(text) ?? 'en') as Lang;
const every = Math.max(1, Number(args.every) || 5);

const lm = await loadModel(spec, 'cpu');
const enc = encoderOf(lm);
const { piecesOf, eligible } = wordPieces(lm, enc);
const tallies = Object.fromEntries(
  CLOZE_DECODERS.map((d) => [d, { blanks: 0, top1: 0, top5: 0, multiPiece: 0, multiTop1: 0, multiTop5: 0, passes: 0, ms: 0 }]),
) as Record<ClozeDecoder, Tally>;
let skipped = 0;

for (const passage of chunks(text)) {
  const words = contentCandidates(passage, lang).map((c) => c.s);
  const picked = words.filter((_, i) => i % every === every - 1);
  const blanks = picked.filter(eligible);
  skipped += picked.length - blanks.length;
  if (blanks.length === 0) continue;
  const inputs = blanksToDecode(enc, passage, blanks, piecesOf);
  for (const decoder of CLOZE_DECODERS) {
    const t = tallies[decoder];
    const counter = { passes: 0 };
    const started = performance.now();
    const answers = await decodeBlanks(lm, enc, lang, inputs, decoder, TOP_ANSWERS, counter);
    t.ms += performance.now() - started;
    t.passes += counter.passes;
    blanks.forEach((b, i) => {
      const want = canonicalAnswer(b.text);
      const got = answers[i]!.map((a) => canonicalAnswer(a.text));
      const hit1 = got[0] === want;
      const hit5 = got.slice(0, 5).includes(want);
      const multi = inputs[i]!.pieces > 1;
      t.blanks++;
      t.top1 += Number(hit1);
      t.top5 += Number(hit5);
      if (multi) {
        t.multiPiece++;
        t.multiTop1 += Number(hit1);
        t.multiTop5 += Number(hit5);
      }
    });
  }
}
await lm.release();
await hub?.close();

const pct = (n: number, d: number) => (d ? `${((100 * n) / d).toFixed(1)}%` : '—');
const LABEL: Record<ClozeDecoder, string> = {
  'confident-first': 'whole-word, confident-first',
  'left-to-right': 'whole-word, left-to-right',
  independent: 'piece-level (independent)',
};
console.log(`cloze recovery · ${spec.id} (${spec.family}, ${spec.dtype}) · ${lang} · 1 in ${every} content words blanked · ${basename(args.text)}`);
if (skipped) console.log(`(${skipped} picked words skipped: unknown pieces or more than the mask limit)`);
console.log(['decoder'.padEnd(30), 'blanks', 'top-1'.padStart(7), 'top-5'.padStart(7), 'multi-piece', 'm.top-1', 'm.top-5', 'passes', 'ms'].join('  '));
for (const d of CLOZE_DECODERS) {
  const t = tallies[d];
  console.log(
    [
      LABEL[d].padEnd(30),
      String(t.blanks).padStart(6),
      pct(t.top1, t.blanks).padStart(7),
      pct(t.top5, t.blanks).padStart(7),
      String(t.multiPiece).padStart(11),
      pct(t.multiTop1, t.multiPiece).padStart(7),
      pct(t.multiTop5, t.multiPiece).padStart(7),
      String(t.passes).padStart(6),
      t.ms.toFixed(0).padStart(6),
    ].join('  '),
  );
}
if (args.json) writeFileSync(args.json, JSON.stringify({ model: spec, lang, every, skipped, tallies }, null, 2));
