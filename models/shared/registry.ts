// What models Sesame knows, which tools use them, and how to pick one for a request.
import type { Dtype, Lang, ModelSpec } from './protocol';

export type Family = ModelSpec['family'];
import type { Tool } from './tools';

export type { Tool };

export interface RegistryEntry {
  id: string;
  family: Family;
  langs: Lang[];
  tools: Tool[];
  /** Dtypes the hub repo ships ONNX files for, the first being our default. */
  dtypes: Dtype[];
  /**
   * Download size per dtype in MB, from the public listing in the README's Models table: shown
   * (as "about") only when the model host gives no file list.
   */
  sizeMb: Partial<Record<Dtype, number>>;
  /**
   * The ONNX file the public listing holds for each dtype (what hub-files.ts picks from it), asked
   * for when the host gives no file list (a mirror without the hub's API); transformers.js's
   * default name otherwise.
   */
  onnx?: Partial<Record<Dtype, string>>;
  /** True when this id's files could not be fetched and checked from this project's machines. */
  unverified: boolean;
  /** The ONNX file per dtype as the hub lists it, where it is not transformers.js' default name. */
  files?: Partial<Record<Dtype, string>>;
  /** Files the repo lists that Sesame does not use, with why (e.g. WebGPU-only precisions). */
  unused?: string;
  /** Where the repo's file listing was seen. */
  listing?: string;
  note?: string;
}

export const REGISTRY: readonly RegistryEntry[] = [
  {
    id: 'Xenova/bert-base-uncased',
    family: 'bert',
    langs: ['en'],
    tools: ['sense', 'cloze'],
    dtypes: ['q8', 'fp32'],
    sizeMb: { q8: 111, fp32: 438 },
    onnx: { q8: 'onnx/model_quantized.onnx', fp32: 'onnx/model.onnx' },
    unverified: true,
  },
  {
    id: 'Xenova/distilbert-base-uncased',
    family: 'distilbert',
    langs: ['en'],
    tools: ['sense', 'cloze'],
    dtypes: ['q8', 'fp32'],
    sizeMb: { q8: 68, fp32: 268 },
    onnx: { q8: 'onnx/model_quantized.onnx', fp32: 'onnx/model.onnx' },
    unverified: true,
  },
  {
    id: 'Xenova/ernie-3.0-base-zh',
    family: 'ernie',
    langs: ['zh'],
    tools: ['sense', 'cloze'],
    dtypes: ['q8', 'fp32'],
    sizeMb: { q8: 119, fp32: 472 },
    onnx: { q8: 'onnx/model_quantized.onnx', fp32: 'onnx/model.onnx' },
    unverified: true,
    note: 'config says model_type "ernie"; loaded as a BERT-family masked LM',
  },
  {
    id: 'Xenova/bert-base-chinese',
    family: 'bert',
    langs: ['zh'],
    tools: ['sense', 'cloze'],
    dtypes: ['q8', 'fp32'],
    sizeMb: { q8: 104, fp32: 409 },
    onnx: { q8: 'onnx/model_quantized.onnx', fp32: 'onnx/model.onnx' },
    unverified: true,
  },
  {
    id: 'Xenova/distilgpt2',
    family: 'gpt2',
    langs: ['en'],
    tools: ['complete'],
    dtypes: ['q8', 'fp32'],
    sizeMb: { q8: 85, fp32: 330 },
    onnx: { q8: 'onnx/decoder_model_merged_quantized.onnx', fp32: 'onnx/decoder_model_merged.onnx' },
    unverified: true,
  },
  {
    id: 'Xenova/gpt2',
    family: 'gpt2',
    langs: ['en'],
    tools: ['complete'],
    dtypes: ['q8', 'fp32'],
    sizeMb: { q8: 281, fp32: 501 },
    onnx: { q8: 'onnx/model_int8.onnx', fp32: 'onnx/model.onnx' },
    unverified: true,
  },
  {
    // Listed (tree/main/onnx): model.onnx 1.99 GB, model_fp16 997 MB, model_int8 / model_uint8 /
    // model_quantized 512 MB, model_q4 786 MB, model_q4f16 483 MB, model_bnb4 764 MB.
    id: 'onnx-community/Qwen2.5-0.5B-Instruct',
    family: 'qwen2',
    langs: ['zh', 'en'],
    tools: ['complete'],
    // q8 first: the WASM backend's precision (int8 MatMuls; model_quantized is the same 512 MB as
    // model_int8). q4 is larger here (its tied 151936×896 embedding stays fp32).
    dtypes: ['q8', 'q4', 'fp16', 'fp32'],
    sizeMb: { q8: 512, q4: 786, fp16: 997, fp32: 1990 },
    files: { q8: 'onnx/model_quantized.onnx', q4: 'onnx/model_q4.onnx', fp16: 'onnx/model_fp16.onnx', fp32: 'onnx/model.onnx' },
    unused:
      'onnx/model_q4f16.onnx (483 MB): 4-bit weights with fp16 activations and keys/values, for WebGPU with shader-f16; ' +
      'onnxruntime-web WASM has no fp16 kernels for it. onnx/model_int8.onnx, model_uint8.onnx, model_bnb4.onnx: other 8/4-bit variants',
    listing: 'https://huggingface.co/onnx-community/Qwen2.5-0.5B-Instruct/tree/main/onnx',
    unverified: true,
    note: 'Qwen2.5 0.5B (instruction-tuned; continues raw text without a chat template), grouped-query attention',
  },
];

/** Built-in default model per tool and language. Users override these in the options page. */
export const DEFAULT_MODELS: Record<Tool, Record<Lang, string>> = {
  sense: { en: 'Xenova/bert-base-uncased', zh: 'Xenova/ernie-3.0-base-zh' },
  cloze: { en: 'Xenova/bert-base-uncased', zh: 'Xenova/ernie-3.0-base-zh' },
  complete: { en: 'Xenova/distilgpt2', zh: 'onnx-community/Qwen2.5-0.5B-Instruct' },
};

const FAMILY_BY_MODEL_TYPE: Record<string, Family> = {
  bert: 'bert',
  distilbert: 'distilbert',
  ernie: 'ernie',
  gpt2: 'gpt2',
  qwen2: 'qwen2',
};

/** Family of a model from its config.json `model_type`, for ids not in the registry. */
export function familyFromModelType(modelType: unknown): Family | undefined {
  return typeof modelType === 'string' ? FAMILY_BY_MODEL_TYPE[modelType] : undefined;
}

export function findEntry(id: string): RegistryEntry | undefined {
  return REGISTRY.find((entry) => entry.id === id);
}

/** Causal LMs: they serve completion; the others are masked LMs for sense and cloze. */
export const CAUSAL_FAMILIES: readonly Family[] = ['gpt2', 'qwen2'];

export function isCausalFamily(family: Family): boolean {
  return CAUSAL_FAMILIES.includes(family);
}

export function toolsOfFamily(family: Family): Tool[] {
  return isCausalFamily(family) ? ['complete'] : ['sense', 'cloze'];
}

export function familyServesTool(family: Family, tool: Tool): boolean {
  return toolsOfFamily(family).includes(tool);
}

/**
 * Resolves the model spec for a tool and language: the user's choice (any hub id or folder
 * name; its family given by the user or guessed from the id) or the built-in default.
 */
export function resolveModel(tool: Tool, lang: Lang, choice: { id: string; family?: Family } | undefined, dtype: Dtype): ModelSpec {
  const id = choice?.id || DEFAULT_MODELS[tool][lang];
  const family = choice?.family ?? findEntry(id)?.family ?? guessFamily(id, tool);
  if (!familyServesTool(family, tool)) {
    throw new Error(`Model ${id} (${family}) cannot serve the ${tool} tool`);
  }
  return { id, family, dtype };
}

/** A family for an id we know nothing else about, from its name. */
export function guessFamily(id: string, tool: Tool = 'sense'): Family {
  const name = id.toLowerCase();
  if (name.includes('ernie')) return 'ernie';
  if (name.includes('distilbert')) return 'distilbert';
  if (name.includes('qwen')) return 'qwen2';
  if (name.includes('gpt')) return 'gpt2';
  return tool === 'complete' ? 'gpt2' : 'bert';
}
