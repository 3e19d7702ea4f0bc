// Importing a model from a local folder (the hub repo's layout: config.json, tokenizer files,
// onnx/*.onnx) straight into the model cache, under the id `local/<folder name>`.
import { ModelCache } from './model-cache';

export interface FolderFile {
  name: string;
  webkitRelativePath: string;
}

export function planImport(files: ArrayLike<FolderFile>): { id: string; paths: string[] } {
  const all = Array.from(files);
  const first = all[0]?.webkitRelativePath.split('/')[0];
  if (!first) throw new Error('The folder is empty.');
  const paths = all.map((f) => f.webkitRelativePath.split('/').slice(1).join('/'));
  if (!paths.includes('config.json')) throw new Error('No config.json in this folder: it is not a model folder.');
  if (!paths.some((p) => /^onnx\/.+\.onnx$/.test(p))) throw new Error('No onnx/*.onnx file in this folder: transformers.js cannot load it.');
  const id = `local/${first.replace(/[^\w.-]+/g, '-')}`;
  return { id, paths };
}

export async function importModelFolder(files: FileList): Promise<string> {
  const { id, paths } = planImport(files);
  const cache = await ModelCache.open();
  for (let i = 0; i < files.length; i++) {
    const path = paths[i]!;
    if (path) await cache.store(id, path, files[i]!);
  }
  return id;
}
