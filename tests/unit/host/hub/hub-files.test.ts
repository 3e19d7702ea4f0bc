// Which ONNX file Sesame asks for, from listings shaped like the hub's.
import { describe, expect, it } from 'vitest';
import {
  candidatesFor,
  choiceOfFile,
  fetchListing,
  ListingError,
  onnxPath,
  pickFiles,
  type RepoListing,
  TF_DTYPE_SUFFIX,
  treeEntry,
} from '@/models/host/hub/hub-files';
import { REGISTRY } from '@/models/shared/registry';
import { planDeps, planFiles } from '@/models/host/hub/repo-plan';

const MB = 1_000_000;
const file = (path: string, bytes: number) => ({ path, bytes });
const side = [
  file('config.json', 907),
  file('generation_config.json', 119),
  file('merges.txt', 456_318),
  file('tokenizer.json', 2_107_653),
  file('tokenizer_config.json', 234),
  file('vocab.json', 1_042_301),
];

/**
 * `Xenova/gpt2` as issue 15 reports the hub's listing: v3 files (`model.onnx` 501 MB, `model_int8`
 * 281 MB, `model_fp16` 251 MB, `model_q4` and `model_bnb4` 500 MB) beside legacy
 * `decoder_model(_merged)(_quantized).onnx` (127–128 MB quantized), and no `onnx/model_quantized.onnx`.
 * The legacy fp32 sizes and the side files' sizes are placeholders (not from a listing).
 */
const XENOVA_GPT2: RepoListing = {
  files: [
    ...side,
    file('onnx/model.onnx', 501 * MB),
    file('onnx/model_int8.onnx', 281 * MB),
    file('onnx/model_fp16.onnx', 251 * MB),
    file('onnx/model_q4.onnx', 500 * MB),
    file('onnx/model_bnb4.onnx', 500 * MB),
    file('onnx/decoder_model.onnx', 498 * MB),
    file('onnx/decoder_model_merged.onnx', 499 * MB),
    file('onnx/decoder_model_quantized.onnx', 127 * MB),
    file('onnx/decoder_model_merged_quantized.onnx', 128 * MB),
  ],
};

describe('file names', () => {
  it('uses transformers.js 4.3 suffixes per dtype', async () => {
    // The same table as node_modules/@huggingface/transformers (src/utils/dtypes.js).
    // @ts-expect-error the library's source file has no declarations
    const { DEFAULT_DTYPE_SUFFIX_MAPPING } = (await import('../../../../node_modules/@huggingface/transformers/src/utils/dtypes.js')) as {
      DEFAULT_DTYPE_SUFFIX_MAPPING: Record<string, string>;
    };
    for (const [dtype, suffix] of Object.entries(TF_DTYPE_SUFFIX)) expect(DEFAULT_DTYPE_SUFFIX_MAPPING[dtype], dtype).toBe(suffix);
    expect(onnxPath('model', 'q8')).toBe('onnx/model_quantized.onnx');
    expect(onnxPath('decoder_model_merged', 'int8')).toBe('onnx/decoder_model_merged_int8.onnx');
  });

  it('reads a file name back into model_file_name + dtype', () => {
    expect(choiceOfFile('onnx/model_int8.onnx')).toEqual({ file: 'onnx/model_int8.onnx', base: 'model', dtype: 'int8' });
    expect(choiceOfFile('onnx/model_q4f16.onnx')).toEqual({ file: 'onnx/model_q4f16.onnx', base: 'model', dtype: 'q4f16' });
    expect(choiceOfFile('onnx/decoder_model_merged_quantized.onnx')).toEqual({
      file: 'onnx/decoder_model_merged_quantized.onnx',
      base: 'decoder_model_merged',
      dtype: 'q8',
    });
    expect(choiceOfFile('onnx/model.onnx')).toEqual({ file: 'onnx/model.onnx', base: 'model', dtype: 'fp32' });
    expect(choiceOfFile('config.json')).toBeNull();
    for (const c of [...candidatesFor('q8', 'gpt2'), ...candidatesFor('q4', 'gpt2'), ...candidatesFor('fp16', 'bert')]) expect(choiceOfFile(c.file)).toEqual(c);
  });
});

describe('pickFiles', () => {
  it('Xenova/gpt2 without model_quantized.onnx: q8 loads model_int8.onnx, with its size and the side files', () => {
    const pick = pickFiles(XENOVA_GPT2, 'Xenova/gpt2', 'q8', 'gpt2');
    expect(pick.ok).toBe(true);
    if (!pick.ok) return;
    expect(pick.choice).toEqual({ file: 'onnx/model_int8.onnx', base: 'model', dtype: 'int8' });
    expect(pick.files.map((f) => f.path)).toEqual(['config.json', 'tokenizer.json', 'tokenizer_config.json', 'generation_config.json', 'onnx/model_int8.onnx']);
    expect(pick.bytes).toBe(281 * MB + 907 + 2_107_653 + 234 + 119);
  });

  it('Xenova/gpt2: fp32 model.onnx, fp16 model_fp16.onnx, q4 model_q4.onnx (never bnb4 for q4)', () => {
    const of = (dtype: 'fp32' | 'fp16' | 'q4') => {
      const p = pickFiles(XENOVA_GPT2, 'Xenova/gpt2', dtype, 'gpt2');
      return p.ok ? [p.choice.file, p.files.at(-1)!.bytes] : p.reason;
    };
    expect(of('fp32')).toEqual(['onnx/model.onnx', 501 * MB]);
    expect(of('fp16')).toEqual(['onnx/model_fp16.onnx', 251 * MB]);
    expect(of('q4')).toEqual(['onnx/model_q4.onnx', 500 * MB]);
  });

  it('prefers model_quantized.onnx when the repo has it', () => {
    const listing = { files: [...XENOVA_GPT2.files, file('onnx/model_quantized.onnx', 126 * MB)] };
    const pick = pickFiles(listing, 'Xenova/gpt2', 'q8', 'gpt2');
    expect(pick.ok && pick.choice).toEqual({ file: 'onnx/model_quantized.onnx', base: 'model', dtype: 'q8' });
  });

  it('a legacy-only GPT-2 repo: decoder_model_merged_quantized before decoder_model_quantized', () => {
    const legacy = XENOVA_GPT2.files.filter((f) => !f.path.startsWith('onnx/model'));
    const pick = pickFiles({ files: legacy }, 'Xenova/distilgpt2', 'q8', 'gpt2');
    expect(pick.ok && pick.choice).toEqual({ file: 'onnx/decoder_model_merged_quantized.onnx', base: 'decoder_model_merged', dtype: 'q8' });
    const older = legacy.filter((f) => !f.path.includes('merged'));
    const pick2 = pickFiles({ files: older }, 'Xenova/distilgpt2', 'q8', 'gpt2');
    expect(pick2.ok && pick2.choice.file).toBe('onnx/decoder_model_quantized.onnx');
  });

  it('uint8 when only uint8 is there; encoders never take decoder_* files', () => {
    const u8 = pickFiles({ files: [...side, file('onnx/model_uint8.onnx', 110 * MB), file('onnx/model.onnx', 438 * MB)] }, 'x/bert', 'q8', 'bert');
    expect(u8.ok && u8.choice.dtype).toBe('uint8');
    const enc = pickFiles({ files: [...side, file('onnx/decoder_model_merged_quantized.onnx', 110 * MB)] }, 'x/bert', 'q8', 'bert');
    expect(enc.ok).toBe(false);
  });

  it('says plainly when a repo has nothing usable', () => {
    const fp16only = pickFiles({ files: [...side, file('onnx/model_fp16.onnx', 251 * MB), file('onnx/model_bnb4.onnx', 500 * MB)] }, 'x/gpt', 'q8', 'gpt2');
    expect(fp16only).toMatchObject({ ok: false, onnx: ['onnx/model_bnb4.onnx', 'onnx/model_fp16.onnx'] });
    expect(!fp16only.ok && fp16only.reason).toBe(
      'x/gpt has no q8 ONNX file Sesame can load (looked for onnx/model_quantized.onnx, onnx/model_int8.onnx, onnx/model_uint8.onnx, ' +
        'onnx/decoder_model_merged_quantized.onnx, onnx/decoder_model_quantized.onnx, onnx/decoder_model_merged_int8.onnx, onnx/decoder_model_int8.onnx, ' +
        'onnx/decoder_model_merged_uint8.onnx, onnx/decoder_model_uint8.onnx); it holds onnx/model_bnb4.onnx, onnx/model_fp16.onnx.',
    );
    const none = pickFiles({ files: side }, 'x/pytorch-only', 'fp32', 'bert');
    expect(!none.ok && none.reason).toMatch(/it holds no ONNX file\.$/);
  });

  it('counts external data files with their graph', () => {
    const pick = pickFiles({ files: [...side, file('onnx/model.onnx', 2 * MB), file('onnx/model.onnx_data', 2000 * MB)] }, 'x/big', 'fp32', 'gpt2');
    expect(pick.ok && pick.files.map((f) => f.path).slice(-2)).toEqual(['onnx/model.onnx', 'onnx/model.onnx_data']);
  });
});

describe('reading the hub API', () => {
  const SHA = 'a'.repeat(40);
  const json = (body: unknown, headers: Record<string, string> = {}) =>
    new Response(JSON.stringify(body), { headers: { 'content-type': 'application/json', ...headers } });

  it('reads the revision sha, then the tree of that commit (lfs sizes, directories skipped, pages followed)', async () => {
    const urls: string[] = [];
    const fetchFn = async (url: string) => {
      urls.push(url);
      if (url.includes('/revision/')) return json({ id: 'Xenova/gpt2', sha: SHA, siblings: [{ rfilename: 'config.json' }] });
      if (url.includes('cursor=2'))
        return json([
          { type: 'file', path: 'onnx/model_int8.onnx', size: 281 * MB, oid: 'b'.repeat(40), lfs: { oid: 'c'.repeat(64), size: 281 * MB, pointerSize: 134 } },
        ]);
      return json(
        [
          { type: 'file', path: 'config.json', size: 907, oid: 'd'.repeat(40) },
          { type: 'directory', path: 'onnx', size: 0, oid: 'e'.repeat(40) },
          { type: 'file', path: 'broken' },
        ],
        { link: `<https://huggingface.co/api/models/Xenova/gpt2/tree/${SHA}?recursive=true&cursor=2>; rel="next"` },
      );
    };
    const listing = await fetchListing('https://huggingface.co/', 'Xenova/gpt2', fetchFn);
    expect(listing).toEqual({
      sha: SHA,
      files: [
        { ...file('config.json', 907), blobSha1: 'd'.repeat(40) },
        { ...file('onnx/model_int8.onnx', 281 * MB), sha256: 'c'.repeat(64) },
      ],
    });
    expect(urls).toEqual([
      'https://huggingface.co/api/models/Xenova/gpt2/revision/main',
      `https://huggingface.co/api/models/Xenova/gpt2/tree/${SHA}?recursive=true`,
      `https://huggingface.co/api/models/Xenova/gpt2/tree/${SHA}?recursive=true&cursor=2`,
    ]);
  });

  it('keeps a mirror prefix and fails with a ListingError where there is no API', async () => {
    const urls: string[] = [];
    const noApi = async (url: string) => {
      urls.push(url);
      return new Response('Not Found', { status: 404 });
    };
    const error = await fetchListing('https://mirror.example/hf', 'Xenova/gpt2', noApi).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ListingError);
    expect(error).toMatchObject({ status: 404 });
    expect(urls).toEqual(['https://mirror.example/hf/api/models/Xenova/gpt2/revision/main']);
    const html = async () => new Response('<html>', { status: 200 });
    await expect(fetchListing('https://mirror.example/', 'Xenova/gpt2', html)).rejects.toThrow(/did not answer JSON/);
    const down = async () => Promise.reject(new TypeError('Failed to fetch'));
    await expect(fetchListing('https://mirror.example/', 'Xenova/gpt2', down)).rejects.toThrow(/could not reach .*Failed to fetch/);
  });

  it('reads only file entries with a size', () => {
    expect(treeEntry({ type: 'file', path: 'a.onnx', size: 10, lfs: { size: 12 } })).toEqual(file('a.onnx', 12));
    expect(treeEntry({ type: 'file', path: 'a', size: -1 })).toBeNull();
    expect(treeEntry({ type: 'directory', path: 'onnx', size: 0 })).toBeNull();
    expect(treeEntry(null)).toBeNull();
  });

  it("keeps the hashes the tree gives: an LFS file's content SHA-256 (not its pointer's oid), a git file's blob id", () => {
    const lfs = { type: 'file', path: 'onnx/model.onnx', size: 12, oid: 'b'.repeat(40), lfs: { oid: 'C'.repeat(64), size: 12 } };
    expect(treeEntry(lfs)).toEqual({ ...file('onnx/model.onnx', 12), sha256: 'c'.repeat(64) });
    expect(treeEntry({ type: 'file', path: 'config.json', size: 3, oid: 'e'.repeat(40) })).toEqual({ ...file('config.json', 3), blobSha1: 'e'.repeat(40) });
    // Malformed hashes are no hashes: the file is not checked rather than refused.
    expect(treeEntry({ ...lfs, lfs: { oid: 'not-hex', size: 12 } })).toEqual(file('onnx/model.onnx', 12));
    expect(treeEntry({ type: 'file', path: 'config.json', size: 3, oid: 'e'.repeat(39) })).toEqual(file('config.json', 3));
  });
});

describe('planFiles', () => {
  const spec = { id: 'Xenova/gpt2', family: 'gpt2' as const, dtype: 'q8' as const };
  const deps = (cached: { path: string; bytes: number }[], listing: () => Promise<RepoListing>) => ({ cached: async () => cached, listing });

  it('from the listing: the chosen file, exact bytes, the sha, and a note that model_quantized is missing', async () => {
    const plan = await planFiles(
      spec,
      'https://huggingface.co/',
      deps([], async () => ({ ...XENOVA_GPT2, sha: 'f'.repeat(40) })),
    );
    expect(plan).toMatchObject({ source: 'hub', choice: { file: 'onnx/model_int8.onnx' }, sha: 'f'.repeat(40) });
    expect(plan.bytes).toBeGreaterThan(281 * MB);
    expect(plan.note).toBe('Xenova/gpt2 has no onnx/model_quantized.onnx; Sesame loads onnx/model_int8.onnx.');
  });

  it('from the cache first, without asking the host (offline stays offline)', async () => {
    const plan = await planFiles(
      spec,
      'https://huggingface.co/',
      deps([file('config.json', 907), file('onnx/model_int8.onnx', 281 * MB)], () => Promise.reject(new Error('no network'))),
    );
    expect(plan).toMatchObject({ source: 'cache', choice: { file: 'onnx/model_int8.onnx' }, bytes: 281 * MB + 907 });
  });

  it('a mirror without the API: the registry estimate and the file its public listing holds, said so', async () => {
    const plan = await planFiles(
      spec,
      'https://mirror.example/',
      deps([], () => Promise.reject(new ListingError('https://mirror.example/api/models/Xenova/gpt2/revision/main answered 404', 404))),
    );
    expect(plan).toMatchObject({ source: 'estimate', choice: { file: 'onnx/model_int8.onnx', base: 'model', dtype: 'int8' }, bytes: 281 * MB, files: [] });
    expect(plan.note).toMatch(
      /^No file list from https:\/\/mirror\.example\/ \(.*answered 404\): sizes are estimates, Sesame asks for onnx\/model_int8\.onnx at main, and no hashes check the files\.$/,
    );
    const distil = await planFiles(
      { ...spec, id: 'Xenova/distilgpt2' },
      'https://mirror.example/',
      deps([], () => Promise.reject(new ListingError('x'))),
    );
    expect(distil).toMatchObject({ choice: { file: 'onnx/decoder_model_merged_quantized.onnx', base: 'decoder_model_merged', dtype: 'q8' }, bytes: 85 * MB });
    // An id the registry lacks: transformers.js's default name, size unknown.
    const unknown = await planFiles(
      { ...spec, id: 'someone/else' },
      'https://mirror.example/',
      deps([], () => Promise.reject(new ListingError('x'))),
    );
    expect(unknown).toMatchObject({ choice: { file: 'onnx/model_quantized.onnx' }, bytes: null });
  });

  it('the registry names, per dtype, the file the picker takes from a listing like the public one', () => {
    for (const entry of REGISTRY) {
      for (const [dtype, file] of Object.entries(entry.onnx ?? {})) {
        const d = dtype as 'q8' | 'fp32';
        expect(
          candidatesFor(d, entry.family).map((c) => c.file),
          `${entry.id} ${dtype}`,
        ).toContain(file);
        expect(entry.sizeMb[d], `${entry.id} ${dtype}`).toBeGreaterThan(0);
      }
    }
    // Xenova/distilgpt2's listing (README): legacy names only.
    const distil = {
      files: [
        file('onnx/decoder_model.onnx', 329 * MB),
        file('onnx/decoder_model_merged.onnx', 330 * MB),
        file('onnx/decoder_model_merged_quantized.onnx', 84.9 * MB),
        file('onnx/decoder_model_quantized.onnx', 83.5 * MB),
        file('onnx/decoder_model_fp16.onnx', 165 * MB),
      ],
    };
    const entry = REGISTRY.find((e) => e.id === 'Xenova/distilgpt2')!;
    for (const d of ['q8', 'fp32'] as const) {
      const pick = pickFiles(distil, entry.id, d, 'gpt2');
      expect(pick.ok && pick.choice.file).toBe(entry.onnx?.[d]);
    }
    const gpt2 = REGISTRY.find((e) => e.id === 'Xenova/gpt2')!;
    expect(pickFiles(XENOVA_GPT2, gpt2.id, 'q8', 'gpt2')).toMatchObject({ choice: { file: gpt2.onnx?.q8 } });
  });

  it('nothing usable: no choice and the reason', async () => {
    const plan = await planFiles(
      spec,
      'https://huggingface.co/',
      deps([], async () => ({ files: side })),
    );
    expect(plan).toMatchObject({ source: 'hub', choice: null, bytes: null });
    expect(plan.note).toMatch(/^Xenova\/gpt2 has no q8 ONNX file Sesame can load .* it holds no ONNX file\.$/);
  });

  it('local folders: from the cache only', async () => {
    const local = { ...spec, id: 'local/my-gpt2' };
    const never = () => Promise.reject(new Error('must not ask the host'));
    expect(
      await planFiles(local, 'https://huggingface.co/', deps([file('config.json', 1), file('onnx/decoder_model_merged_quantized.onnx', 5)], never)),
    ).toMatchObject({
      source: 'cache',
      choice: { base: 'decoder_model_merged', dtype: 'q8' },
      bytes: 6,
      note: 'local/my-gpt2 was imported from a local folder: no hashes check its files.',
    });
    // A hub model from the cache has no such note.
    expect(
      (await planFiles(spec, 'https://huggingface.co/', deps([file('config.json', 1), file('onnx/model_quantized.onnx', 5)], never))).note,
    ).toBeUndefined();
    const fp32Only = await planFiles(local, 'https://huggingface.co/', deps([file('config.json', 1), file('onnx/model.onnx', 5)], never));
    expect(fp32Only).toMatchObject({ source: 'cache', choice: null });
    expect(fp32Only.note).toMatch(/local\/my-gpt2 has no q8 ONNX file/);
    expect((await planFiles(local, 'https://huggingface.co/', deps([], never))).note).toMatch(/import its folder again/);
  });

  it('planDeps reads the model cache listing and the host through fetch', async () => {
    const d = planDeps(
      async () => new Response('nope', { status: 404 }),
      async () => [{ id: 'a/b', files: [{ file: 'config.json', bytes: 3 }], bytes: 3 }],
    );
    expect(await d.cached('a/b')).toEqual([file('config.json', 3)]);
    expect(await d.cached('c/d')).toEqual([]);
    await expect(d.listing('http://127.0.0.1:1/', 'a/b')).rejects.toBeInstanceOf(ListingError);
  });
});
