// The Node half: Sesame's ModelHost on onnxruntime-node vs plain transformers.js 4.3.1 pipelines
// and @xenova/transformers 2.17.2 (onnxruntime-node 1.14) on the same fixture files.
import { spawnSync } from 'node:child_process';
import { cpus } from 'node:os';
import { join, resolve } from 'node:path';
import {
  AutoTokenizer,
  BaseStreamer,
  BertForMaskedLM,
  GPT2LMHeadModel,
  type PreTrainedModel,
  type PreTrainedTokenizer,
  pipeline,
  type Tensor,
} from '@huggingface/transformers';
import { type LoadedModel, NATIVE_SESSION_OPTIONS, sessionInputNames } from '@/models/host/lm/loader';
import type { ModelSpec, ToolResult } from '@/models/shared/protocol';
import { makeCloze } from '@/models/host/tools/cloze/cloze';
import { complete } from '@/models/host/tools/complete/complete';
import { maskToken, predictMasks } from '@/models/host/lm/masked-lm';
// @ts-expect-error plain ESM helper without types
import { startHubServer } from '@/tests/support/hub-server.mjs';
import { fixtureCache } from './fixture-cache';
import { dimsOf, FlopMeter, type Kind, type Work } from './flops';
import { gemvShape, matmulShape, nativePeak, type PeakResult } from './matmul';
import { benchHost, type GenerationTrace, instrument } from './node-host';
import { interleave, load1, machineInfo, median, type Sample, sample, timed } from './stats';
import type { PreTrainedModel as Model } from '@huggingface/transformers';
import {
  CLOZE_BLANKS,
  CLOZE_PASSAGE,
  COMPLETION_PROMPT,
  COMPLETION_TOKENS,
  GEN_OPTIONS,
  GHOST_TOKENS,
  maskedSentence,
  hasQ4,
  libraryFileOptions,
  modelSet,
  type FixtureLayout,
  repeats,
  SENSE_WORD,
  pageSenseRequest,
  perBlankRequests,
  senseTargets,
  ZH_TEXT,
  ZH_WORD,
} from './workloads';

/** Runs each variant once under the meter, returning the work it did and the time in forward calls. */
async function workOf(meter: FlopMeter, variants: Record<string, () => Promise<unknown>>): Promise<Record<string, Work & { wallMs: number }>> {
  const out: Record<string, Work & { wallMs: number }> = {};
  for (const [name, f] of Object.entries(variants)) out[name] = (await meter.measure(f)).work;
  return out;
}

async function warmUp(variants: Record<string, () => Promise<unknown>>): Promise<void> {
  for (const f of Object.values(variants)) await f();
}

export interface BenchOptions {
  quick: boolean;
  /** The fixtures' layout (workloads.ts): tied v3 hub files (default) or the older untied ones. */
  layout?: FixtureLayout;
  hubRoot: string;
  repeats?: number;
}

export interface GenStats {
  ttftMs: Sample;
  /** Decoding rate: (tokens − 1) / (last token − first token). */
  tokensPerSec: Sample;
  totalMs: Sample;
  tokens: number;
  text: string;
}

export interface ColdResult {
  model: string;
  dtype: string;
  tool: string;
  /** Process start to ready to take the first request (module loading), ms. */
  startupMs: number;
  /** First request on a fresh host (model read from the cache, session built, inference), ms. */
  firstResultMs: number;
  warmMs: number;
  rssBeforeMiB: number;
  rssAfterMiB: number;
  heapUsedMiB: number;
  externalMiB: number;
}

const MiB = 2 ** 20;

function tokensOf(tokenizer: PreTrainedTokenizer, texts: string[]): number[] {
  return texts.map((t) => ((tokenizer(t) as Record<string, Tensor>).input_ids!.dims.at(-1) ?? 0) as number);
}

/** transformers.js streamer that time-stamps each new token (the first `put` is the prompt). */
class TimingStreamer extends BaseStreamer {
  times: number[] = [];
  private prompt = true;
  override put(): void {
    if (this.prompt) this.prompt = false;
    else this.times.push(performance.now());
  }
  override end(): void {}
}

function genStats(runs: { t0: number; tokenTimes: number[]; firstVisible?: number; end: number }[], text: string): GenStats {
  const ttft = runs.map((r) => (r.firstVisible ?? r.tokenTimes[0] ?? r.end) - r.t0);
  const tps = runs.map((r) => {
    const n = r.tokenTimes.length;
    if (n < 2) return Number.NaN;
    return ((n - 1) * 1000) / (r.tokenTimes[n - 1]! - r.tokenTimes[0]!);
  });
  return {
    ttftMs: sample(ttft),
    tokensPerSec: sample(tps, 'tok/s'),
    totalMs: sample(runs.map((r) => r.end - r.t0)),
    tokens: median(runs.map((r) => r.tokenTimes.length)),
    text,
  };
}

/** Loader like models/host/lm/loader.ts (BERT and GPT-2 only) with explicit session options. */
async function loadWithThreads(spec: ModelSpec, threads: number): Promise<LoadedModel> {
  const tokenizer = await AutoTokenizer.from_pretrained(spec.id);
  const cls = spec.family === 'gpt2' ? GPT2LMHeadModel : BertForMaskedLM;
  const model = (await cls.from_pretrained(spec.id, {
    device: 'cpu',
    dtype: spec.dtype,
    // the file Sesame's loader picks (models/hub-files.ts): the merged decoder of a legacy repo
    ...libraryFileOptions(spec.id).transformers4,
    session_options: { ...NATIVE_SESSION_OPTIONS, intraOpNumThreads: threads, interOpNumThreads: 1 },
  } as Parameters<typeof cls.from_pretrained>[1])) as PreTrainedModel;
  return { spec, device: 'cpu', tokenizer, model, inputNames: sessionInputNames(model), release: () => model.dispose().then(() => undefined) };
}

interface XenovaModule {
  env: { allowLocalModels: boolean; allowRemoteModels: boolean; localModelPath: string; backends: { onnx: { versions?: unknown } } };
  pipeline(
    task: string,
    model: string,
    options: Record<string, unknown>,
  ): Promise<(text: string, options: Record<string, unknown>) => Promise<{ generated_text: string }[]>>;
}

export async function runNodeBench(o: BenchOptions): Promise<Record<string, unknown>> {
  const R = repeats(o.quick, o.repeats);
  const models = modelSet(o.quick, o.layout);
  const hub = (await startHubServer({ root: o.hubRoot })) as { url: string; close(): Promise<void> };
  const t0 = Date.now();
  const log = (s: string): void => console.error(`[node ${((Date.now() - t0) / 1000).toFixed(0)} s] ${s}`);
  const out: Record<string, unknown> = { machine: machineInfo(), load1Start: load1() };
  const shape = matmulShape(o.quick);
  const peakRuns = o.quick ? 5 : 12;
  const threadsAll = cpus().length;
  const gemv = gemvShape(o.quick);
  const peaks: PeakResult[] = [];
  const gemvPeaks: PeakResult[] = [];
  const measurePeaks = async (): Promise<void> => {
    for (const kind of ['fp32', 'int8'] as const) for (const t of [1, threadsAll]) peaks.push(await nativePeak(shape, kind, t, peakRuns));
    for (const t of [1, threadsAll]) gemvPeaks.push(await nativePeak(gemv, 'int8', t, peakRuns * 2));
  };
  const meter = new FlopMeter();
  const watch = (model: unknown, id: string, kind: Kind, maskId?: number | null): void => meter.watch(model, dimsOf(o.hubRoot, id), kind, maskId ?? undefined);
  try {
    log('MatMul peaks (onnxruntime-node)');
    await measurePeaks();
    const {
      run,
      model: hostModel,
      cache,
    } = benchHost(hub.url, fixtureCache(o.hubRoot), (lm) => watch(lm.model, lm.spec.id, lm.spec.family === 'gpt2' ? 'gpt' : 'mlm', lm.tokenizer.mask_token_id));

    // ------------------------------------------------------------ 1. sense, 20 occurrences
    log('sense: 20 occurrences');
    const bert = models.bert;
    const targets = senseTargets();
    await run({ type: 'sense', text: targets[0]!.text, start: targets[0]!.start, end: targets[0]!.end, topK: 10 }, bert);
    const lm = hostModel(bert);
    const masked = targets.map((t) => maskedSentence(t, maskToken(lm)));
    type Pipe = (input: string, options?: Record<string, unknown>) => Promise<unknown>;
    // The baselines read the files as published: no surgery on their graphs.
    const fillMask = (await cache.asPublished(() => pipeline('fill-mask', bert.id, { dtype: bert.dtype, device: 'cpu' }))) as unknown as Pipe;
    const extract = (await cache.asPublished(() => pipeline('feature-extraction', bert.id, { dtype: bert.dtype, device: 'cpu' }))) as unknown as Pipe;
    watch((fillMask as unknown as { model: Model }).model, bert.id, 'mlm');
    watch((extract as unknown as { model: Model }).model, bert.id, 'mlm');
    let round = 0;
    const senseVariants = {
      batched: () => run(pageSenseRequest(++round), bert),
      cached: () => run(pageSenseRequest(0), bert),
      logitsOnly: () => predictMasks(lm, masked),
      naive: async () => {
        for (let i = 0; i < targets.length; i++) {
          await fillMask(masked[i]!, { top_k: 10 });
          await extract(targets[i]!.text);
        }
      },
      naiveFillMask: async () => {
        for (const m of masked) await fillMask(m, { top_k: 10 });
      },
    };
    await warmUp(senseVariants);
    const senseMs = await interleave(R.slow, senseVariants);
    const senseWork = await workOf(meter, senseVariants);
    out.sense = {
      model: bert.id,
      dtype: bert.dtype,
      word: SENSE_WORD,
      occurrences: targets.length,
      tokens: tokensOf(lm.tokenizer, masked),
      ms: Object.fromEntries(Object.entries(senseMs).map(([k, v]) => [k, sample(v)])),
      work: senseWork,
    };

    // ------------------------------------------------------------ 2. cloze, 10 blanks
    log('cloze: 10 blanks');
    const first = await run({ type: 'cloze', text: CLOZE_PASSAGE, blanks: CLOZE_BLANKS, seed: 1, lang: 'en' }, bert);
    const blanks = (first.result as Extract<ToolResult, { type: 'cloze' }>).blanks;
    let blankRound = 0;
    const clozeVariants = {
      batched: () => run({ type: 'cloze', text: CLOZE_PASSAGE, blanks: CLOZE_BLANKS, seed: 1, lang: 'en' }, bert),
      perBlank: async () => {
        for (const r of perBlankRequests(blanks, ++blankRound)) await run(r, bert);
      },
    };
    await warmUp(clozeVariants);
    const clozeMs = await interleave(R.fast, clozeVariants);
    const clozeWork = await workOf(meter, clozeVariants);
    out.cloze = {
      model: bert.id,
      dtype: bert.dtype,
      blanks: blanks.length,
      blankWords: blanks.map((b) => b.answer),
      tokens: tokensOf(lm.tokenizer, [CLOZE_PASSAGE])[0]!,
      ms: { batched: sample(clozeMs.batched!), perBlank: sample(clozeMs.perBlank!) },
      work: clozeWork,
    };
    await (fillMask as unknown as { dispose?: () => Promise<void> }).dispose?.();
    await (extract as unknown as { dispose?: () => Promise<void> }).dispose?.();

    // ------------------------------------------------------------ 3. completion
    const xenova = await import('@xenova/transformers').then(
      (m) => m as unknown as XenovaModule,
      (e: Error) => ({ error: e.message }) as const,
    );
    if (!('error' in xenova)) {
      xenova.env.allowLocalModels = true;
      xenova.env.allowRemoteModels = false;
      xenova.env.localModelPath = `${resolve(o.hubRoot)}/`;
    }
    const completion: Record<string, unknown>[] = [];
    for (const spec of [models.distilgpt2, ...(models.gpt2 ? [models.gpt2] : [])]) {
      log(`completion: ${spec.id}`);
      const request = { type: 'complete' as const, prompt: COMPLETION_PROMPT, maxNewTokens: COMPLETION_TOKENS, alternatives: 1, temperature: 0 };
      await run(request, spec);
      const glm = hostModel(spec);
      const promptTokens = tokensOf(glm.tokenizer, [COMPLETION_PROMPT])[0]!;
      const files = libraryFileOptions(spec.id);
      const gen4 = (await cache.asPublished(() =>
        pipeline('text-generation', spec.id, { dtype: spec.dtype, device: 'cpu', ...files.transformers4 }),
      )) as unknown as (text: string, options: Record<string, unknown>) => Promise<{ generated_text: string }[]>;
      watch((gen4 as unknown as { model: Model }).model, spec.id, 'gpt');
      let genX: Awaited<ReturnType<XenovaModule['pipeline']>> | null = null;
      let xenovaError: string | null = 'error' in xenova ? xenova.error : null;
      if (!('error' in xenova)) {
        try {
          genX = await xenova.pipeline('text-generation', spec.id, { quantized: spec.dtype === 'q8', ...files.xenova });
          watch((genX as unknown as { model: unknown }).model, spec.id, 'gpt');
        } catch (e) {
          xenovaError = (e as Error).message;
        }
      }
      type Run = { t0: number; tokenTimes: number[]; firstVisible?: number; end: number };
      const runs: Record<'sesame' | 'transformers4' | 'xenova', Run[]> = { sesame: [], transformers4: [], xenova: [] };
      const texts: Record<string, string> = {};
      const variants: Record<string, () => Promise<unknown>> = {
        sesame: async () => {
          const r = await run(request, spec);
          runs.sesame.push({
            t0: 0,
            tokenTimes: r.tokenMs,
            ...(r.firstPartialMs !== undefined ? { firstVisible: r.firstPartialMs } : {}),
            end: r.ms,
          });
          texts.sesame = (r.result as Extract<ToolResult, { type: 'complete' }>).alternatives[0] ?? '';
        },
        transformers4: async () => {
          const streamer = new TimingStreamer();
          const t0 = performance.now();
          const res = await gen4(COMPLETION_PROMPT, { max_new_tokens: COMPLETION_TOKENS, ...GEN_OPTIONS, streamer });
          runs.transformers4.push({ t0, tokenTimes: streamer.times, end: performance.now() });
          texts.transformers4 = (res[0]?.generated_text ?? '').slice(COMPLETION_PROMPT.length);
        },
      };
      if (genX) {
        const g = genX;
        variants.xenova = async () => {
          const times: number[] = [];
          const t0 = performance.now();
          const res = await g(COMPLETION_PROMPT, { max_new_tokens: COMPLETION_TOKENS, ...GEN_OPTIONS, callback_function: () => times.push(performance.now()) });
          runs.xenova.push({ t0, tokenTimes: times, end: performance.now() });
          texts.xenova = (res[0]?.generated_text ?? '').slice(COMPLETION_PROMPT.length);
        };
      }
      await warmUp(variants);
      for (const k of Object.keys(runs) as (keyof typeof runs)[]) runs[k].length = 0;
      await interleave(R.gen, variants);
      const keep = { sesame: runs.sesame.length, transformers4: runs.transformers4.length, xenova: runs.xenova.length };
      const genWork = await workOf(meter, variants); // one more run each, metered (not in the medians)
      for (const k of Object.keys(keep) as (keyof typeof keep)[]) runs[k].length = keep[k];
      // The ghost-text request, as the content script sends it after a pause.
      const ghost: Run[] = [];
      const ghostRequest = { type: 'complete' as const, prompt: COMPLETION_PROMPT, maxNewTokens: GHOST_TOKENS, temperature: 0 };
      const ghostWork = (await meter.measure(() => run(ghostRequest, spec))).work;
      for (let i = 0; i < R.gen; i++) {
        const r = await run(ghostRequest, spec);
        ghost.push({ t0: 0, tokenTimes: r.tokenMs, ...(r.firstPartialMs !== undefined ? { firstVisible: r.firstPartialMs } : {}), end: r.ms });
      }
      completion.push({
        model: spec.id,
        dtype: spec.dtype,
        promptTokens,
        maxNewTokens: COMPLETION_TOKENS,
        sesame: genStats(runs.sesame, texts.sesame ?? ''),
        transformers4: genStats(runs.transformers4, texts.transformers4 ?? ''),
        xenova: genX ? genStats(runs.xenova, texts.xenova ?? '') : { error: xenovaError ?? 'not loaded' },
        ghost: genStats(ghost, ''),
        work: { ...genWork, ghost: ghostWork },
      });
      await glm.release().catch(() => undefined);
      await (gen4 as unknown as { dispose?: () => Promise<void> }).dispose?.();
      await (genX as unknown as { dispose?: () => Promise<void> } | null)?.dispose?.();
    }
    out.completion = completion;

    // ------------------------------------------------------------ 4. threads × dtype
    log('threads × dtype');
    const threadRows: Record<string, unknown>[] = [];
    // q4 (MatMulNBits) at the default thread count only: what a user choosing q4 would get (where the files exist).
    const configs = [
      ...(['q8', 'fp32'] as const).flatMap((dtype) => [1, threadsAll].map((threads) => ({ dtype, threads }))),
      ...(hasQ4(models.distilgpt2.id) ? [{ dtype: 'q4' as const, threads: threadsAll }] : []),
    ];
    for (const { dtype, threads } of configs) {
      const b = await loadWithThreads({ ...bert, dtype }, threads);
      const g = await loadWithThreads({ ...models.distilgpt2, dtype }, threads);
      watch(b.model, bert.id, 'mlm', b.tokenizer.mask_token_id);
      watch(g.model, models.distilgpt2.id, 'gpt');
      const traces: GenerationTrace[] = [];
      instrument(g, traces);
      // One trace per forward pass: a generation's token times are the passes it made.
      const tps: number[] = [];
      const gen = async () => {
        const before = traces.length;
        await complete(
          g,
          { prompt: COMPLETION_PROMPT, maxNewTokens: COMPLETION_TOKENS, alternatives: 1, temperature: 0, topP: 0.9, stopAtSentence: false },
          new AbortController().signal,
          () => undefined,
        );
        const t = traces.slice(before).map((x) => x.tokenTimes[0]!);
        tps.push(t.length < 2 ? Number.NaN : ((t.length - 1) * 1000) / (t.at(-1)! - t[0]!));
      };
      const cloze = () => makeCloze(b, CLOZE_PASSAGE, 'en', CLOZE_BLANKS, 1);
      await warmUp({ cloze, gen });
      tps.length = 0;
      const ms = await interleave(R.fast, { cloze, gen });
      const timed = tps.splice(0);
      const work = await workOf(meter, { cloze, gen });
      threadRows.push({
        dtype,
        threads,
        clozeMs: sample(ms.cloze!),
        tokensPerSec: sample(timed, 'tok/s'),
        tokens: COMPLETION_TOKENS,
        work,
      });
      await b.release();
      await g.release();
    }
    out.threads = threadRows;

    log('MatMul peaks again');
    await measurePeaks();
    out.peak = { shape, native: peaks };
    out.gemv = { shape: gemv, native: gemvPeaks };
  } finally {
    await hub.close();
  }

  // ------------------------------------------------------------ 5. cold start, one process per model
  const cold: (ColdResult | { model: string; error: string })[] = [];
  const coldModels: [ModelSpec, string][] = [
    [models.bert, 'sense'],
    [models.ernie, 'sense'],
    [models.distilgpt2, 'complete'],
    ...(models.gpt2 ? ([[models.gpt2, 'complete']] as [ModelSpec, string][]) : []),
    ...(o.quick
      ? []
      : ([
          [{ ...models.bert, dtype: 'fp32' }, 'sense'],
          [{ ...models.distilgpt2, dtype: 'fp32' }, 'complete'],
        ] as [ModelSpec, string][])),
  ];
  for (const [spec, tool] of coldModels) {
    log(`cold start: ${spec.id} ${spec.dtype}`);
    const r = spawnSync(process.execPath, [process.argv[1]!, 'cold', JSON.stringify({ spec, tool, hubRoot: o.hubRoot })], {
      encoding: 'utf8',
      maxBuffer: 16 * MiB,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const line = r.stdout.trim().split('\n').pop() ?? '';
    try {
      cold.push(JSON.parse(line) as ColdResult);
    } catch {
      cold.push({ model: spec.id, error: `exit ${r.status}: ${line.slice(0, 300)}` });
    }
  }
  out.cold = cold;
  out.load1End = load1();
  return out;
}

/** One model, fresh process: time from a new host to the first result, and memory after. */
export async function runCold(arg: { spec: ModelSpec; tool: 'sense' | 'complete'; hubRoot: string }): Promise<ColdResult> {
  const startupMs = performance.now(); // since process start (timeOrigin)
  const hub = (await startHubServer({ root: arg.hubRoot })) as { url: string; close(): Promise<void> };
  try {
    const rssBefore = process.memoryUsage().rss;
    const { run } = benchHost(hub.url, fixtureCache(arg.hubRoot));
    const zh = arg.spec.family === 'ernie';
    const text = zh ? ZH_TEXT : senseTargets()[0]!.text;
    const at = text.indexOf(zh ? ZH_WORD : SENSE_WORD);
    const request =
      arg.tool === 'sense'
        ? { type: 'sense' as const, text, start: at, end: at + (zh ? ZH_WORD : SENSE_WORD).length, topK: 10 }
        : { type: 'complete' as const, prompt: COMPLETION_PROMPT, maxNewTokens: 8, alternatives: 1, temperature: 0 };
    const first = await timed(() => run(request, arg.spec));
    const warm = await timed(() => run(request, arg.spec));
    const mem = process.memoryUsage();
    return {
      model: arg.spec.id,
      dtype: arg.spec.dtype,
      tool: arg.tool,
      startupMs,
      firstResultMs: first.ms,
      warmMs: warm.ms,
      rssBeforeMiB: rssBefore / MiB,
      rssAfterMiB: mem.rss / MiB,
      heapUsedMiB: mem.heapUsed / MiB,
      externalMiB: (mem.external + mem.arrayBuffers) / MiB,
    };
  } finally {
    await hub.close();
  }
}

export const HUB_ROOT_DEFAULT = join(process.cwd(), '.fixtures', 'hub');
