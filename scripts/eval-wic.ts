// Word-in-Context evaluation of the word-sense vectors: each pair's target word is embedded in
// both sentences the way the extension embeds a word's uses (masked, every hidden state), and
// "same sense" is cosine ≥ a threshold fitted on train, reported on dev and test. Ablations:
// last layer, default α, uniform α, each single layer, substitute vectors, unmasked targets;
// `--fit-alpha` fits the layer-mix weights on train and writes them for Settings.
//
//   npm run eval:wic -- --model <hub id | fixture id | folder> --data <WiC folder>
//       [--dtype q8|fp32] [--lang en] [--limit N] [--batch 16] [--masked-only] [--fit-alpha [out.json]]
//
// The folder holds train/train.{data,gold}.txt, dev/dev.{data,gold}.txt and optionally
// test/test.{data,gold}.txt (Pilehvar & Camacho-Collados 2019). Models are found as in eval:cloze.
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ModelCache } from '../models/shared/model-files/model-cache';
import { defaultDtype, memoryCache, modelSource } from './model-source';
import { loadModel, type LoadedModel } from '../models/host/lm/loader';
import { configureTransformers } from '../models/host/transformers-env';
import { LANGS, type Lang, type ModelSpec } from '../models/shared/protocol';
import { guessFamily, isCausalFamily } from '../models/shared/registry';
import { cosineMatrix } from '../models/host/tools/sense/cluster';
import { embedTargets, substituteVectors, type Target } from '../models/host/tools/sense/embed';
import { ensureHiddenStates, exposeHiddenStates, onnxFileFor } from '../models/host/onnx/hidden-states';
import { defaultLayerWeights } from '../models/host/tools/sense/layer-mix';
import {
  accuracy,
  cosinesFor,
  fitLayerWeights,
  fitThreshold,
  layerCosines,
  pairGrams,
  parseWic,
  rocAuc,
  type PairGrams,
  type WicPair,
} from '../models/host/tools/sense/wic';
// @ts-expect-error plain ESM helper without types
import { startHubServer } from '../tests/support/hub-server.mjs';

const USAGE =
  'usage: npm run eval:wic -- --model <id or folder> --data <WiC folder> [--dtype q8|fp32] [--lang en|zh] [--limit N] [--batch N] [--masked-only] [--fit-alpha [out.json]]';
const DEFAULT_ALPHA_FILE = '.cache/wic-alpha.json';
const SPLITS = ['train', 'dev', 'test'] as const;
type Split = (typeof SPLITS)[number];
/** Pairs embedded together; bounds the memory the mask predictions take (vocab floats per sentence). */
const PAIRS_PER_CHUNK = 64;

function fail(message: string): never {
  console.error(`eval:wic: ${message}`);
  console.error(USAGE);
  process.exit(2);
}

// `--fit-alpha` takes an optional path, which parseArgs cannot express: give it the default.
function withAlphaDefault(argv: string[]): string[] {
  const out = argv.filter((a) => a !== '--');
  const at = out.indexOf('--fit-alpha');
  if (at >= 0 && (at === out.length - 1 || out[at + 1]!.startsWith('--'))) out.splice(at + 1, 0, DEFAULT_ALPHA_FILE);
  return out;
}

function cliArgs() {
  try {
    return parseArgs({
      args: withAlphaDefault(process.argv.slice(2)),
      options: {
        model: { type: 'string' },
        data: { type: 'string' },
        dtype: { type: 'string' },
        lang: { type: 'string', default: 'en' },
        limit: { type: 'string' },
        batch: { type: 'string', default: '16' },
        'masked-only': { type: 'boolean', default: false },
        'fit-alpha': { type: 'string' },
      },
    }).values;
  } catch (error) {
    fail((error as Error).message);
  }
}

function positive(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) fail(`--${name} wants a positive integer, got "${value}"`);
  return n;
}

function readSplits(folder: string, limit: number | undefined): Partial<Record<Split, WicPair[]>> {
  if (!existsSync(folder) || !statSync(folder).isDirectory()) fail(`no WiC folder at ${folder}`);
  const out: Partial<Record<Split, WicPair[]>> = {};
  for (const split of SPLITS) {
    const data = join(folder, split, `${split}.data.txt`);
    const gold = join(folder, split, `${split}.gold.txt`);
    if (!existsSync(data) || !existsSync(gold)) {
      if (split !== 'test') fail(`missing ${existsSync(data) ? gold : data}`);
      if (existsSync(data)) console.log(`(test split skipped: ${gold} is missing)`);
      continue;
    }
    try {
      out[split] = parseWic(readFileSync(data, 'utf8'), readFileSync(gold, 'utf8'), `${split}.data.txt`).slice(0, limit);
    } catch (error) {
      fail((error as Error).message);
    }
  }
  return out;
}

/** What the table needs of a split, per embedding: Gram matrices and substitute cosines. */
interface Embedded {
  labels: boolean[];
  masked: PairGrams[];
  substitutes: number[];
  unmasked: PairGrams[];
}

async function embedSplit(lm: LoadedModel, pairs: readonly WicPair[], lang: Lang, batchSize: number, unmasked: boolean): Promise<Embedded> {
  const out: Embedded = { labels: pairs.map((p) => p.same), masked: [], substitutes: [], unmasked: [] };
  for (let from = 0; from < pairs.length; from += PAIRS_PER_CHUNK) {
    const chunk = pairs.slice(from, from + PAIRS_PER_CHUNK);
    const targets: Target[] = chunk.flatMap((p) => [p.a, p.b]);
    const masked = await embedTargets(lm, targets, { lang, mask: true, batchSize });
    chunk.forEach((_, k) => {
      const [a, b] = [masked[2 * k]!, masked[2 * k + 1]!];
      if (a.layers.length > 0) out.masked.push(pairGrams(a.layers, b.layers));
      const [va, vb] = substituteVectors([a.maskLogProbs, b.maskLogProbs]);
      out.substitutes.push(cosineMatrix([va!, vb!])[0]![1]!);
    });
    if (unmasked) {
      const plain = await embedTargets(lm, targets, { lang, batchSize });
      chunk.forEach((_, k) => {
        if (plain[2 * k]!.layers.length > 0) out.unmasked.push(pairGrams(plain[2 * k]!.layers, plain[2 * k + 1]!.layers));
      });
    }
  }
  return out;
}

interface Row {
  method: string;
  threshold: number;
  accuracy: Partial<Record<Split, number>>;
  devAuc: number;
}

/** Threshold fitted on train; accuracy on every split at that threshold. */
function evaluate(method: string, scoresOf: (e: Embedded) => number[], splits: Partial<Record<Split, Embedded>>): Row {
  const train = splits.train!;
  const { threshold } = fitThreshold(scoresOf(train), train.labels);
  const row: Row = { method, threshold, accuracy: {}, devAuc: rocAuc(scoresOf(splits.dev!), splits.dev!.labels) };
  for (const split of SPLITS) {
    const e = splits[split];
    if (e) row.accuracy[split] = accuracy(scoresOf(e), e.labels, threshold);
  }
  return row;
}

function mixRows(prefix: string, pick: (e: Embedded) => PairGrams[], size: number, splits: Partial<Record<Split, Embedded>>): Row[] {
  const rows = [
    evaluate(`${prefix} · last layer`, (e) => layerCosines(pick(e), size - 1), splits),
    evaluate(`${prefix} · default α`, (e) => cosinesFor(pick(e), defaultLayerWeights(size)), splits),
    evaluate(`${prefix} · uniform α`, (e) => cosinesFor(pick(e), new Array<number>(size).fill(0)), splits),
  ];
  const layers = Array.from({ length: size }, (_, i) =>
    evaluate(`${prefix} · layer ${i}${i === 0 ? ' (embeddings)' : ''}`, (e) => layerCosines(pick(e), i), splits),
  );
  // Best single layer on dev, ties to train accuracy, then the lower layer.
  const best = layers.reduce((b, r) => ((r.accuracy.dev! - b.accuracy.dev! || r.accuracy.train! - b.accuracy.train!) > 1e-12 ? r : b));
  best.method += '  ← best layer';
  return [...rows, ...layers];
}

const pct = (x: number | undefined) => (x === undefined ? '—' : `${(100 * x).toFixed(1)}%`);

function printTable(rows: readonly Row[]): void {
  const width = Math.max(...rows.map((r) => r.method.length), 6);
  console.log(['method'.padEnd(width), 'threshold', '  train', '    dev', '   test', 'dev AUC'].join('  '));
  for (const r of rows) {
    console.log(
      [r.method.padEnd(width), r.threshold.toFixed(4).padStart(9), ...SPLITS.map((s) => pct(r.accuracy[s]).padStart(7)), r.devAuc.toFixed(3).padStart(7)].join(
        '  ',
      ),
    );
  }
}

const started = performance.now();
const seconds = (from: number) => `${((performance.now() - from) / 1000).toFixed(1)}s`;
const args = cliArgs();
if (!args.model || !args.data) fail('--model and --data are required');
if (!(LANGS as readonly string[]).includes(args.lang!)) fail(`--lang must be one of ${LANGS.join(', ')}`);
if (args.dtype && !['fp32', 'fp16', 'q8', 'q4'].includes(args.dtype)) fail(`--dtype must be q8 or fp32 (or fp16, q4), got "${args.dtype}"`);
const lang = args.lang as Lang;
const limit = positive('limit', args.limit);
const batchSize = positive('batch', args.batch)!;
const pairs = readSplits(resolve(args.data), limit);
if (!pairs.train?.length || !pairs.dev?.length) fail('train and dev need at least one pair each');

const source = modelSource(args.model);
const family = guessFamily(source.id);
if (isCausalFamily(family)) fail(`${source.id} looks like a causal LM; WiC needs a masked LM (BERT, DistilBERT, ERNIE)`);
if (!source.root && (/^[./~]/.test(args.model) || args.model.split('/').length > 2)) fail(`no model folder at ${resolve(args.model)}`);
const hub = source.root ? await startHubServer({ root: source.root }) : null;
const cache = new ModelCache(memoryCache());
configureTransformers({ remoteHost: hub ? `${hub.url}/` : 'https://huggingface.co/', cache });
const dtype = defaultDtype(source, args.dtype);
const spec: ModelSpec = { id: source.id, family, dtype };

let exitCode = 0;
let lm: LoadedModel | undefined;
try {
  // As the model host loads an encoder: graph rewritten on the way in, else the session swapped.
  cache.rewriteOnnxOf(spec.id, exposeHiddenStates);
  lm = await loadModel(spec, 'cpu').catch((error: Error) => {
    throw new Error(`could not load ${spec.id} (${dtype}) from ${hub ? source.root : 'https://huggingface.co/'}: ${error.message}`);
  });
  const status = await ensureHiddenStates(lm.model, lm.device, () => cache.read(spec.id, onnxFileFor(dtype)));
  const counts = SPLITS.filter((s) => pairs[s])
    .map((s) => `${s} ${pairs[s]!.length}`)
    .join(' / ');
  console.log(`WiC · ${spec.id} (${spec.family}, ${spec.dtype}) · ${lang} · ${args.data} · ${counts} pairs`);
  if (!status.ok) {
    console.log(`no hidden-state outputs (${status.reason}): only substitute vectors can be evaluated`);
    if (args['fit-alpha']) throw new Error(`--fit-alpha needs hidden-state outputs, and ${spec.id} has none: ${status.reason}`);
  } else {
    const size = status.names.length;
    console.log(`hidden states: ${size} (embeddings + ${size - 1} layers)`);
  }

  const embedStart = performance.now();
  const unmasked = status.ok && !args['masked-only'];
  const embedded: Partial<Record<Split, Embedded>> = {};
  for (const split of SPLITS) if (pairs[split]) embedded[split] = await embedSplit(lm, pairs[split], lang, batchSize, unmasked);
  const sentences = SPLITS.reduce((n, s) => n + 2 * (pairs[s]?.length ?? 0), 0);
  console.log(`embedded ${sentences} sentences ${unmasked ? 'masked and unmasked' : 'masked'} in ${seconds(embedStart)} (batch ${batchSize})`);

  const rows: Row[] = [];
  const size = status.ok ? status.names.length : 0;
  if (status.ok) rows.push(...mixRows('masked', (e) => e.masked, size, embedded));

  let fitted: { weights: number[]; row: Row; evaluations: number; took: string; file: string } | null = null;
  if (status.ok && args['fit-alpha']) {
    const fitStart = performance.now();
    const fit = fitLayerWeights(embedded.train!.masked, embedded.train!.labels, { start: defaultLayerWeights(size) });
    const weights = fit.weights.map((w) => Number(w.toFixed(4)));
    const row = evaluate('masked · fitted α', (e) => cosinesFor(e.masked, weights), embedded);
    fitted = { weights, row, evaluations: fit.evaluations, took: seconds(fitStart), file: args['fit-alpha'] };
    rows.push(row);
  }
  rows.push(evaluate('masked · substitutes (top-20)', (e) => e.substitutes, embedded));
  if (unmasked) rows.push(...mixRows('unmasked', (e) => e.unmasked, size, embedded));
  printTable(rows);

  if (fitted) {
    const { accuracy: acc, threshold } = fitted.row;
    const json = { model: spec.id, dtype, weights: fitted.weights, threshold, trainAccuracy: acc.train, devAccuracy: acc.dev, testAccuracy: acc.test };
    mkdirSync(dirname(resolve(fitted.file)), { recursive: true });
    writeFileSync(resolve(fitted.file), `${JSON.stringify(json, null, 2)}\n`);
    console.log(`fitted α (coordinate search from the default, ${fitted.evaluations} evaluations, ${fitted.took}): [${fitted.weights.join(', ')}]`);
    console.log(`  objective: train accuracy at the best threshold, ties by ROC AUC then d′ · written to ${fitted.file}`);
  }
} catch (error) {
  console.error(`eval:wic: ${(error as Error).message}`);
  exitCode = 1;
} finally {
  await lm?.release();
  await hub?.close();
}
console.log(`done in ${seconds(started)}`);
process.exit(exitCode);
