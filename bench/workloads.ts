// The inputs every benchmark row uses, and the model set of a full and a quick run.
import type { ModelSpec } from '@/models/shared/protocol';

/** The word looked up and twenty sentences using it (several senses). */
export const SENSE_WORD = 'bank';
export const SENSE_SENTENCES = [
  'She deposited her first paycheck at the bank on the corner before it closed.',
  'We spread a blanket on the grassy bank of the river and watched the boats.',
  'The bank raised its interest rates for the second time this year.',
  'Heavy rain made the muddy bank collapse into the stream overnight.',
  'He asked the bank for a small loan to repair the roof of the shop.',
  'A heron stood perfectly still on the far bank, waiting for fish.',
  'The central bank warned that inflation would stay high for months.',
  'Children slid down the snowy bank behind the school all afternoon.',
  'My bank charges a fee whenever I use another machine to withdraw cash.',
  'Wild flowers grew thickly along the bank of the old canal.',
  'The robbers fled the bank in a stolen car just before the police arrived.',
  'Fog rolled in from the sea and hid the sand bank from the fishermen.',
  'After the merger, the bank closed half of its branches in rural towns.',
  'They pulled the canoe up onto the bank and set up camp for the night.',
  'Her savings account at the bank earned almost nothing last year.',
  'A steep bank of earth separated the road from the railway line.',
  'The investment bank hired hundreds of graduates this autumn.',
  'Otters built their den in the soft bank under the willow roots.',
  'I called the bank to report that my card had been stolen.',
  'The pilot put the plane into a gentle bank to the left over the lake.',
] as const;

/** A passage for the 10-blank cloze (English, ~150 tokens). */
export const CLOZE_PASSAGE =
  'The old lighthouse stood on a rocky island a mile from the harbour. For more than a century its keeper ' +
  'climbed the narrow stairs every evening to light the great lamp, and sailors trusted the steady beam to ' +
  'guide them past the dangerous reefs. When the light was finally automated, the keeper moved to the village, ' +
  'where he spent his mornings repairing fishing nets and his afternoons telling stories to curious children. ' +
  'Visitors still take the small ferry across the water to climb the tower, read the faded logbooks, and ' +
  'admire the brass instruments that once measured the wind, the tides and the approaching storms.';
export const CLOZE_BLANKS = 10;

/** A prompt for completion (~60 tokens), like the text before the caret in a field. */
export const COMPLETION_PROMPT =
  'Dear Ms. Patel, thank you for your letter about the delayed shipment. We have checked the order with our ' +
  'warehouse team and found that the parcel was sent to the wrong address last Tuesday. A replacement is';
export const COMPLETION_TOKENS = 32;
/** The libraries' generation settings: the same repetition control as Sesame's `complete`. */
export const GEN_OPTIONS = { do_sample: false, repetition_penalty: 1.2, no_repeat_ngram_size: 3 } as const;
/** The ghost-text request the content script sends after a pause (settings default maxTokens). */
export const GHOST_TOKENS = 24;

/** Chinese text for the ERNIE cold start. */
export const ZH_TEXT = '我今天去银行把工资存了进去，然后在河边散步。';
export const ZH_WORD = '银行';

export interface ModelSet {
  bert: ModelSpec;
  ernie: ModelSpec;
  distilgpt2: ModelSpec;
  gpt2: ModelSpec | null;
}

/**
 * Which fixture files the rows run on: `tied` (default) the hub's pipeline, v3 names — optimum's
 * tied-weight de-duplication and onnxruntime's quantizer with transformers.js's settings, as users
 * download them (the `*-tied` fixtures); `untied` the older exports' layout (the head weight
 * stored apart, this project's own q8), where Sesame's int8 head is the graph's bit for bit;
 * `legacy` the GPT-2 rows on optimum's merged decoder (`onnx/decoder_model_merged(_quantized).onnx`,
 * one `If` on `use_cache_branch`: `Xenova/distilgpt2`'s only q8 file, the `*-legacy` fixtures) —
 * encoders were never exported under legacy names, so there the BERT/ERNIE rows read the tied v3 files.
 */
export type FixtureLayout = 'tied' | 'untied' | 'legacy';
export const FIXTURE_LAYOUTS: Record<FixtureLayout, string> = {
  tied: 'tied v3 (hub pipeline: optimum de-duplication + onnxruntime quantizer; onnx/model_quantized.onnx)',
  untied: "untied v3 (older exports: head weight apart, Sesame's own q8; onnx/model_quantized.onnx)",
  legacy:
    'legacy (hub pipeline; GPT-2 rows on the merged decoder onnx/decoder_model_merged_quantized.onnx, as Xenova/distilgpt2 ships it; BERT/ERNIE rows on the tied v3 files, encoders have no legacy names)',
};

/** The fixture names' suffix per layout: [encoders, decoders]. */
const SUFFIX: Record<FixtureLayout, [string, string]> = { tied: ['-tied', '-tied'], untied: ['', ''], legacy: ['-tied', '-legacy'] };

/** The layout a fixture repo's files are in, from its name: what every row says it ran on. */
export function layoutLabel(id: string): string {
  if (id.endsWith('-legacy')) return 'legacy merged decoder';
  return id.endsWith('-tied') ? 'tied v3' : 'untied v3';
}

export function modelSet(quick: boolean, layout: FixtureLayout = 'tied'): ModelSet {
  const set = untiedModelSet(quick);
  const [enc, dec] = SUFFIX[layout];
  const named = (m: ModelSpec, suffix: string): ModelSpec => ({ ...m, id: `${m.id}${suffix}` });
  return { bert: named(set.bert, enc), ernie: named(set.ernie, enc), distilgpt2: named(set.distilgpt2, dec), gpt2: set.gpt2 && named(set.gpt2, dec) };
}

/**
 * What each library must be told to load a GPT fixture's file (transformers.js `model_file_name`,
 * without the dtype suffix): 4.3.1 looks for `onnx/model{suffix}.onnx` unless told, @xenova 2.17.2
 * for `onnx/decoder_model_merged{_quantized}.onnx`. The same files for all three in every row.
 */
export function libraryFileOptions(id: string): { transformers4: Record<string, string>; xenova: Record<string, string> } {
  return id.endsWith('-legacy')
    ? { transformers4: { model_file_name: 'decoder_model_merged' }, xenova: {} }
    : { transformers4: {}, xenova: { model_file_name: 'model' } };
}

/** Whether a fixture has q4 files (`onnx/model_q4.onnx`): the legacy merged decoder has none. */
export function hasQ4(id: string): boolean {
  return !id.endsWith('-legacy');
}

function untiedModelSet(quick: boolean): ModelSet {
  const org = 'sesame-fixtures';
  return quick
    ? {
        bert: { id: `${org}/tiny-bert-uncased`, family: 'bert', dtype: 'q8' },
        ernie: { id: `${org}/tiny-ernie-zh`, family: 'ernie', dtype: 'q8' },
        distilgpt2: { id: `${org}/tiny-gpt2`, family: 'gpt2', dtype: 'q8' },
        gpt2: null,
      }
    : {
        bert: { id: `${org}/bert-base-uncased`, family: 'bert', dtype: 'q8' },
        ernie: { id: `${org}/ernie-3.0-base-zh`, family: 'ernie', dtype: 'q8' },
        distilgpt2: { id: `${org}/distilgpt2`, family: 'gpt2', dtype: 'q8' },
        gpt2: { id: `${org}/gpt2`, family: 'gpt2', dtype: 'q8' },
      };
}

/** Repeats per measurement (medians are taken over these). */
export interface Repeats {
  fast: number;
  slow: number;
  /** Completion runs (cheap and noisy: more of them). */
  gen: number;
  browserFast: number;
  browserSlow: number;
}

export function repeats(quick: boolean, override?: number): Repeats {
  if (override) return { fast: override, slow: override, gen: override, browserFast: override, browserSlow: override };
  return quick ? { fast: 2, slow: 2, gen: 2, browserFast: 2, browserSlow: 1 } : { fast: 5, slow: 3, gen: 15, browserFast: 5, browserSlow: 2 };
}

/** Where the sense word sits in each sentence. */
export function senseTargets(): { text: string; start: number; end: number }[] {
  return SENSE_SENTENCES.map((text) => {
    const start = text.indexOf(SENSE_WORD);
    if (start < 0) throw new Error(`no "${SENSE_WORD}" in: ${text}`);
    return { text, start, end: start + SENSE_WORD.length };
  });
}

/** The sentence with the word masked the way Sesame's substitutes tool masks an English word. */
export function maskedSentence(t: { text: string; start: number; end: number }, mask: string): string {
  return `${t.text.slice(0, t.start)} ${mask} ${t.text.slice(t.end)}`;
}

/**
 * One `sense` request for the whole page, as the content script sends it: the first use
 * selected, all twenty as occurrences. `round` > 0 prefixes every sentence with its number so
 * the host's per-page vector cache cannot answer it (a fresh page); round 0 is the cached case.
 */
export function pageSenseRequest(round: number) {
  const prefix = round > 0 ? `${round}. ` : '';
  const occurrences = senseTargets().map((t) => ({ text: prefix + t.text, start: t.start + prefix.length, end: t.end + prefix.length }));
  const first = occurrences[0]!;
  return { type: 'sense' as const, text: first.text, start: first.start, end: first.end, topK: 10, occurrences, selected: 0, glosses: false };
}

/**
 * The per-blank baseline: one `sense` request per blank on the passage. `round` prefixes the
 * passage so the host's vector cache cannot answer a repeat (each round is a fresh passage).
 */
export function perBlankRequests(blanks: readonly { start: number; end: number }[], round: number) {
  const prefix = `${round}. `;
  return blanks.map((b) => ({
    type: 'sense' as const,
    text: prefix + CLOZE_PASSAGE,
    start: b.start + prefix.length,
    end: b.end + prefix.length,
    lang: 'en' as const,
    topK: 5,
    glosses: false,
  }));
}
