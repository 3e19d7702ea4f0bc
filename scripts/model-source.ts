// Where the command-line tools (eval:cloze, eval:wic) and Node tests get model files: a loopback
// hub over a local folder or the fixture hub, or the real hub; cached in memory only.
import { existsSync, statSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import type { CacheLike } from '../models/shared/model-files/model-cache';
import type { Dtype } from '../models/shared/protocol';

export function memoryCache(): CacheLike & { map: Map<string, Response> } {
  const map = new Map<string, Response>();
  return {
    map,
    match: async (k) => map.get(k)?.clone(),
    put: async (k, r) => void map.set(k, r),
    delete: async (k) => map.delete(k),
    keys: async () => [...map.keys()].map((url) => ({ url })),
  };
}

/** A model folder (served by a loopback hub over its parent), a fixture id, or a hub id. */
export function modelSource(model: string): { id: string; root: string | null } {
  const folder = resolve(model);
  if (existsSync(folder) && statSync(folder).isDirectory()) return { id: basename(folder), root: dirname(folder) };
  if (existsSync(resolve('.fixtures/hub', model, 'config.json'))) return { id: model, root: resolve('.fixtures/hub') };
  return { id: model, root: null };
}

/** fp32 when the folder has the plain export, q8 when it only has the quantized one. */
export function defaultDtype(source: { id: string; root: string | null }, requested?: string): Dtype {
  if (requested) return requested as Dtype;
  return source.root && !existsSync(resolve(source.root, source.id, 'onnx', 'model.onnx')) ? 'q8' : 'fp32';
}
