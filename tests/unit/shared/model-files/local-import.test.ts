// Local folder import: only the model's files, within limits, and all or nothing.
import { describe, expect, it } from 'vitest';
import { IMPORT_LIMITS, importModelFolder, planImport } from '@/models/shared/model-files/local-import';
import { ModelCache } from '@/models/shared/model-files/model-cache';
import { memoryCache } from '../../../../scripts/model-source';

const file = (path: string, body = '{}') => Object.assign(new Blob([body]), { name: path.split('/').pop()!, webkitRelativePath: path });
const sized = (path: string, size: number) => ({ name: path.split('/').pop()!, webkitRelativePath: path, size });

describe('local folder import', () => {
  it('takes only model files: not the rest of the folder', () => {
    const plan = planImport([
      sized('m/config.json', 10),
      sized('m/tokenizer.json', 10),
      sized('m/vocab.txt', 10),
      sized('m/onnx/model_quantized.onnx', 100),
      sized('m/onnx/model.onnx_data', 100),
      sized('m/.git/objects/ab/cdef', 5),
      sized('m/photos/passport.jpg', 5),
      sized('m/notes/diary.txt', 5),
      sized('m/.DS_Store', 5),
    ]);
    expect(plan.files.map((f) => f.path)).toEqual(['config.json', 'tokenizer.json', 'vocab.txt', 'onnx/model_quantized.onnx', 'onnx/model.onnx_data']);
    expect(plan.skipped).toBe(4);
    expect(plan.bytes).toBe(230);
  });

  it('refuses folders over the limits', () => {
    const base = [sized('m/config.json', 1), sized('m/onnx/model.onnx', 1)];
    expect(() => planImport([...base, sized('m/onnx/big.onnx', IMPORT_LIMITS.fileBytes + 1)])).toThrow(/larger than 2 GB/);
    const halves = [0, 1, 2].map((i) => sized(`m/onnx/part${i}.onnx`, IMPORT_LIMITS.fileBytes - 1));
    expect(() => planImport([...base, ...halves])).toThrow(/more than 4 GB/);
    const many = Array.from({ length: IMPORT_LIMITS.files }, (_, i) => sized(`m/extra${i}.json`, 1));
    expect(() => planImport([...base, ...many])).toThrow(/Too many model files/);
  });

  it('an import that fails part-way (storage full) keeps nothing', async () => {
    const store = memoryCache();
    const put = store.put;
    let puts = 0;
    store.put = async (k, r) => {
      if (++puts === 3) throw Object.assign(new Error('The quota has been exceeded.'), { name: 'QuotaExceededError' });
      return put(k, r);
    };
    const cache = new ModelCache(store);
    const folder = [file('m/config.json'), file('m/tokenizer.json'), file('m/onnx/model.onnx', 'graph'), file('m/vocab.txt', 'a')];
    await expect(importModelFolder(folder, cache)).rejects.toThrow(/Import failed and nothing was kept: The quota has been exceeded/);
    expect(await cache.list()).toEqual([]);
  });

  it('a re-import replaces the model whole', async () => {
    const cache = new ModelCache(memoryCache());
    await importModelFolder([file('m/config.json'), file('m/onnx/old.onnx', 'x'), file('m/old.txt', 'x')], cache);
    expect(await importModelFolder([file('m/config.json'), file('m/onnx/model.onnx', 'y')], cache)).toBe('local/m');
    expect((await cache.list())[0]!.files.map((f) => f.file).sort()).toEqual(['config.json', 'onnx/model.onnx']);
  });
});
