// Loads tokenizer + ONNX model for a registry spec with transformers.js. The ERNIE family is
// not mapped by transformers.js 4.3, so it loads through the BERT masked-LM class, the
// architecture it shares; extra integer inputs (ERNIE's task_type_ids) are fed zeros. Causal LMs:
// GPT-2 and Qwen2 (grouped-query attention; the completion tool feeds it position_ids itself).
import {
  AutoConfig,
  AutoTokenizer,
  BertForMaskedLM,
  DistilBertForMaskedLM,
  GPT2LMHeadModel,
  type PreTrainedModel,
  type PreTrainedTokenizer,
  type ProgressInfo,
  Qwen2ForCausalLM,
  Tensor,
} from '@huggingface/transformers';
import type { BertEncoder, Gpt2Decoder } from '../kernels';
import { defaultChoice, type OnnxChoice } from '../hub/hub-files';
import type { Int8Kernel } from '../kernels';
import type { ModelSpec } from '../../shared/protocol';
import { HIDDEN_ROWS_INPUT, sessionFailure, WORD_EMBEDDINGS_INPUT } from '../onnx';
import type { DeviceName } from '../onnx';
import { span } from '../../shared/spans';

export type { DeviceName };

export interface LoadedModel {
  spec: ModelSpec;
  device: DeviceName;
  tokenizer: PreTrainedTokenizer;
  model: PreTrainedModel;
  /** The ONNX file the session was built from (e.g. `onnx/model_int8.onnx`), as the repo names it. */
  file?: string;
  /** ONNX input names of the model session (read from it: a rebuilt session may take more, attach-head.ts, hidden-states.ts). */
  readonly inputNames: string[];
  /** A q8 LM head computed by Sesame's kernel; the session then outputs its input instead of logits (lm-head/). */
  head?: Int8Kernel;
  /** GPT-2's prompt passes and one-token steps outside the session, with `head` (kernels/gpt2-step.ts). */
  decoder?: Gpt2Decoder;
  /** A BERT's (or ERNIE's) encoder passes outside the session, with `head` (kernels/bert-encoder.ts): `runModel` runs it. */
  encoder?: BertEncoder;
  /** Where the graph's last decoding step left its keys and values (onnxruntime's tensor locations: 'gpu-buffer' on WebGPU, where they should stay). */
  pastLocation?: string;
  release(): Promise<void>;
}

/** onnxruntime-web's `externalData` session option: a block of initializer bytes a served graph names (attach-head.ts). */
export interface ExternalDataFile {
  path: string;
  readonly data: Uint8Array;
}

export interface FileProgress {
  file: string;
  status: 'initiate' | 'download' | 'progress' | 'done' | 'ready';
  loaded?: number;
  total?: number;
}

/**
 * onnxruntime-node (Node: tests, benchmarks): intra-op threads wait without spinning. On a small
 * shared machine a spinning pool competes with the JS thread between one-token steps; measured
 * interleaved here, a distilgpt2 q8 step went 13–16.5 → 11.5–14 ms.
 */
export const NATIVE_SESSION_OPTIONS = { extra: { session: { intra_op: { allow_spinning: '0' } } } } as const;

const MODEL_CLASS = {
  bert: BertForMaskedLM,
  ernie: BertForMaskedLM,
  distilbert: DistilBertForMaskedLM,
  gpt2: GPT2LMHeadModel,
  qwen2: Qwen2ForCausalLM,
} as const;

export async function loadModel(
  spec: ModelSpec,
  device: DeviceName,
  onProgress: (p: FileProgress) => void = () => {},
  /** The ONNX file to load (models/host/hub/hub-files.ts); transformers.js's default name for the dtype when absent. */
  onnx: OnnxChoice = defaultChoice(spec.dtype, spec.family),
  /**
   * The commit to download from (the listing's sha: `{host}{id}/resolve/{revision}/{file}`), so
   * every file comes from one commit even if the branch moves; transformers.js's `main` when absent.
   */
  revision?: string,
  /** onnxruntime-web's `externalData` (a rewritten graph's weights): passed to the session as they are. */
  externalData?: ExternalDataFile[],
): Promise<LoadedModel> {
  const pinned = revision ? { revision } : {};
  const progress_callback = progressCallback(onProgress);
  // The tokenizer and the session load side by side: the session's file read and graph build
  // need not wait for tokenizer.json to be fetched and parsed.
  const loadSession = async (): Promise<PreTrainedModel> => {
    const config = spec.family === 'ernie' ? await ernieAsBert(spec.id, progress_callback, revision) : null;
    return MODEL_CLASS[spec.family].from_pretrained(spec.id, {
      device,
      // transformers.js fetches exactly `onnx/{model_file_name}{suffix(dtype)}.onnx`.
      dtype: onnx.dtype,
      model_file_name: onnx.base,
      progress_callback,
      ...pinned,
      ...(config ? { config } : {}),
      ...(device === 'cpu' ? { session_options: NATIVE_SESSION_OPTIONS } : externalData ? { session_options: { externalData } } : {}),
    } as Parameters<(typeof MODEL_CLASS)[typeof spec.family]['from_pretrained']>[1]);
  };
  const [tokenizer, model] = await bothOrRelease(
    AutoTokenizer.from_pretrained(spec.id, { progress_callback, ...pinned }).finally(() => span('load:tokenizer')),
    loadSession().finally(() => span('load:session')),
  );
  const failed = sessionFailure(model);
  if (failed) {
    await model.dispose();
    throw failed.error;
  }
  return loaded(spec, device, tokenizer, model, onnx);
}

/**
 * A GPT-2 whose prompts and steps all run in Sesame's kernels (kernels/gpt2-step.ts), or a BERT or
 * ERNIE whose encoder passes do (kernels/bert-encoder.ts): its tokenizer, its config and the model
 * object transformers.js makes, without an onnxruntime session (issue #21: the session held the
 * GPT-2 body a second time; an encoder session's heap grows by a fifth for a batch and never
 * shrinks). The host reads the ONNX file itself, through the rewrite that builds the kernels;
 * nothing here may run the model (`model.forward` has no session).
 */
export async function loadWithoutSession(
  spec: ModelSpec,
  device: DeviceName,
  onProgress: (p: FileProgress) => void = () => {},
  onnx: OnnxChoice = defaultChoice(spec.dtype, spec.family),
  revision?: string,
): Promise<LoadedModel> {
  const { family } = spec;
  if (family !== 'gpt2' && family !== 'bert' && family !== 'ernie') throw new Error(`${family} models run in a session`);
  const progress_callback = progressCallback(onProgress);
  const options = { progress_callback, ...(revision ? { revision } : {}) };
  const [tokenizer, config] = await Promise.all([
    AutoTokenizer.from_pretrained(spec.id, options).finally(() => span('load:tokenizer')),
    family === 'ernie' ? ernieAsBert(spec.id, progress_callback, revision) : AutoConfig.from_pretrained(spec.id, options),
  ]);
  return loaded(spec, device, tokenizer, family === 'gpt2' ? new GPT2LMHeadModel(config, {}, {}) : new BertForMaskedLM(config, {}, {}), onnx);
}

function loaded(spec: ModelSpec, device: DeviceName, tokenizer: PreTrainedTokenizer, model: PreTrainedModel, onnx: OnnxChoice): LoadedModel {
  return {
    spec,
    device,
    tokenizer,
    model,
    file: onnx.file,
    // What a pass takes: Sesame's encoder's inputs where it runs the passes (the tools' `extraInputs`
    // then add only the hidden-state rows), else the session's.
    get inputNames() {
      return this.encoder ? ENCODER_INPUTS : sessionInputNames(model);
    },
    release: () => model.dispose().then(() => undefined),
  };
}

/** The inputs Sesame's encoder reads (ERNIE's task type is 0, as `extraZeroInputs` feeds a session). */
const ENCODER_INPUTS = ['input_ids', 'attention_mask', 'token_type_ids', HIDDEN_ROWS_INPUT];

/** transformers.js's progress events as the host reports them (files only). */
function progressCallback(onProgress: (p: FileProgress) => void): (info: ProgressInfo) => void {
  return (info) => {
    if (!('file' in info) || typeof info.file !== 'string') return;
    const status = info.status as FileProgress['status'];
    const event: FileProgress = { file: info.file, status };
    if ('loaded' in info && typeof info.loaded === 'number') event.loaded = info.loaded;
    if ('total' in info && typeof info.total === 'number') event.total = info.total;
    onProgress(event);
  };
}

/**
 * Both, or the first failure once both settled: a session built while the tokenizer failed is
 * released, not left to the collector.
 */
export async function bothOrRelease<T>(tokenizer: Promise<T>, session: Promise<PreTrainedModel>): Promise<[T, PreTrainedModel]> {
  const [t, m] = await Promise.allSettled([tokenizer, session]);
  if (t.status === 'fulfilled' && m.status === 'fulfilled') return [t.value, m.value];
  if (m.status === 'fulfilled') await m.value.dispose().catch(() => undefined);
  throw t.status === 'rejected' ? t.reason : (m as PromiseRejectedResult).reason;
}

/** ERNIE's config, presented as the BERT masked LM it is architecturally. */
async function ernieAsBert(id: string, progress_callback: (info: ProgressInfo) => void, revision?: string) {
  const config = await AutoConfig.from_pretrained(id, { progress_callback, ...(revision ? { revision } : {}) });
  return Object.assign(config, { model_type: 'bert', architectures: ['BertForMaskedLM'], original_model_type: 'ernie' });
}

export function sessionInputNames(model: PreTrainedModel): string[] {
  const sessions = (model as unknown as { sessions: Record<string, { inputNames: string[] }> }).sessions;
  return [...(sessions.model?.inputNames ?? [])];
}

/**
 * Zero tensors for integer inputs the session declares beyond what transformers.js fills in
 * itself (ERNIE's `task_type_ids`), shaped like `input_ids`.
 */
export function extraZeroInputs(inputNames: string[], inputIds: Tensor): Record<string, Tensor> {
  // A decoder's too (gpt-step.ts): transformers.js sets a merged file's branch and the logits kept itself.
  const known = new Set([
    'input_ids',
    'attention_mask',
    'token_type_ids',
    'position_ids',
    'inputs_embeds',
    'use_cache_branch',
    'num_logits_to_keep',
    WORD_EMBEDDINGS_INPUT,
    HIDDEN_ROWS_INPUT,
  ]);
  const extra: Record<string, Tensor> = {};
  for (const name of inputNames) {
    if (known.has(name) || name.startsWith('past_key_values')) continue;
    extra[name] = new Tensor('int64', new BigInt64Array(inputIds.data.length), inputIds.dims);
  }
  return extra;
}

/**
 * The inputs a session takes beyond the tokenizer's (and a decoder's past): `extraZeroInputs`, the word
 * embeddings of `inputIds` when the lookup was taken out of the graph (head-graph.ts
 * `WORD_EMBEDDINGS_INPUT`), read from the head kernel's table, and the rows of the hidden states
 * the pass returns (hidden-states-graph.ts `HIDDEN_ROWS_INPUT`: `hiddenRows`, flat batch ·
 * sequence + position; the first token's alone when the caller reads none).
 */
export function extraInputs(lm: Pick<LoadedModel, 'inputNames' | 'head'>, inputIds: Tensor, hiddenRows: readonly number[] = [0]): Record<string, Tensor> {
  const extra = extraZeroInputs(lm.inputNames, inputIds);
  if (lm.inputNames.includes(HIDDEN_ROWS_INPUT)) {
    extra[HIDDEN_ROWS_INPUT] = new Tensor('int64', BigInt64Array.from(hiddenRows, BigInt), [hiddenRows.length]);
  }
  if (!lm.inputNames.includes(WORD_EMBEDDINGS_INPUT)) return extra;
  if (!lm.head) throw new Error(`the session takes ${WORD_EMBEDDINGS_INPUT} but has no head kernel to read them from`);
  const rows = lm.head.tableRows(inputIds.data as BigInt64Array);
  extra[WORD_EMBEDDINGS_INPUT] = new Tensor('float32', rows, [...inputIds.dims, lm.head.k]);
  return extra;
}
