// Importing a model from a local folder (the hub repo's layout: config.json, tokenizer files,
// onnx/*.onnx) straight into the model cache, under the id `local/<folder name>`. Only the files a
// model needs are taken (JSON and text files at the top, ONNX files under onnx/), within limits;
// an import that fails part-way keeps nothing.
import { ModelCache } from './model-cache';

export interface FolderFile {
  name: string;
  webkitRelativePath: string;
  size?: number;
}

export const IMPORT_LIMITS = {
  /** As many files as a cached model may list (protocol.ts: cachedModel). */
  files: 64,
  fileBytes: 2 * 1024 ** 3,
  totalBytes: 4 * 1024 ** 3,
} as const;

/** Files a transformers.js model folder holds: configs, tokenizer files, ONNX graphs and their external data. */
const MODEL_FILE = /^(onnx\/[^/]+\.onnx(_data(_\d+)?)?|[^/]+\.(json|txt|model))$/;

export interface ImportPlan {
  id: string;
  files: { index: number; path: string; bytes: number }[];
  bytes: number;
  /** Files in the folder that are not model files (left out). */
  skipped: number;
}

const gib = (n: number) => `${(n / 1024 ** 3).toFixed(n % 1024 ** 3 ? 1 : 0)} GB`;

export function planImport(files: ArrayLike<FolderFile>): ImportPlan {
  const all = Array.from(files);
  const first = all[0]?.webkitRelativePath.split('/')[0];
  if (!first) throw new Error('The folder is empty.');
  const chosen = all
    .map((f, index) => ({ index, path: f.webkitRelativePath.split('/').slice(1).join('/'), bytes: f.size ?? 0 }))
    .filter((f) => MODEL_FILE.test(f.path));
  const paths = chosen.map((f) => f.path);
  if (!paths.includes('config.json')) throw new Error('No config.json in this folder: it is not a model folder.');
  if (!paths.some((p) => /^onnx\/.+\.onnx$/.test(p))) throw new Error('No onnx/*.onnx file in this folder: transformers.js cannot load it.');
  if (chosen.length > IMPORT_LIMITS.files) throw new Error(`Too many model files in this folder (${chosen.length}; at most ${IMPORT_LIMITS.files}).`);
  const big = chosen.find((f) => f.bytes > IMPORT_LIMITS.fileBytes);
  if (big) throw new Error(`${big.path} is larger than ${gib(IMPORT_LIMITS.fileBytes)}: not imported.`);
  const bytes = chosen.reduce((sum, f) => sum + f.bytes, 0);
  if (bytes > IMPORT_LIMITS.totalBytes) throw new Error(`The model files add up to more than ${gib(IMPORT_LIMITS.totalBytes)}: not imported.`);
  const id = `local/${first.replace(/[^\w.-]+/g, '-')}`;
  return { id, files: chosen, bytes, skipped: all.length - chosen.length };
}

/** Imports the folder; on any failure (storage full…) every file of the model is removed again. */
export async function importModelFolder(files: ArrayLike<FolderFile & Blob>, cache?: ModelCache): Promise<string> {
  const plan = planImport(files);
  const store = cache ?? (await ModelCache.open());
  // A re-import replaces the model whole: old and new files never mix.
  await store.deleteModel(plan.id);
  try {
    for (const f of plan.files) await store.store(plan.id, f.path, files[f.index]!);
  } catch (error) {
    await store.deleteModel(plan.id).catch(() => 0);
    throw new Error(`Import failed and nothing was kept: ${(error as Error)?.message ?? String(error)}`);
  }
  return plan.id;
}
