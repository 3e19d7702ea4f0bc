#!/usr/bin/env node
// `npm run bench` — every Sesame tool measured side by side, in Node and in the real extension.
//
//   npm run bench                 full-size random-weight fixtures (bert-base, ernie-3.0-base,
//                                 distilgpt2, gpt2); writes docs/benchmarks.md and .json
//   npm run bench -- --quick      tiny fixtures only, to prove the benchmark runs (well under a
//                                 minute); writes .cache/bench/quick/benchmarks.{md,json}
//
// --layout tied|untied|legacy: the fixtures the rows run on (default tied: the hub's pipeline, v3
// names, LM head tied to the embedding table — the `*-tied` fixtures; untied: the older exports'
// layout; legacy: the GPT-2 rows on the hub's merged decoder, decoder_model_merged_quantized.onnx —
// the `*-legacy` fixtures — and the encoders on the tied v3 files); every row's model name says
// which ([tied v3] / [untied v3] / [legacy merged decoder]).
// --firefox / --no-firefox: the Firefox ESR rows (the MV2 build's background page, one thread),
// measured after the Chromium half of the same run, each request interleaved with the same one
// in a Chromium of their own; on by default (--quick too: ~10–15 s there on a quiet machine).
// Options: --repeats N (every median over N runs), --out DIR, --skip-node, --skip-browser,
// --webgpu / --no-webgpu (WebGPU correctness check; off in --quick unless asked), --no-build
// (reuse .output/chrome-mv3 as it is), --report-only (rebuild the table from the last run's
// .cache/bench/{node,browser}-*.json), --profile distilgpt2|gpt2[:q8|fp32] (a CPU profile of one
// completion in the offscreen host: .cache/bench/profile-*.{cpuprofile,json}), with --after
// emulate,sense,cloze,page,distilgpt2,ghost,extpage (any of them: what the document serves first;
// all of them is the main row's sequence), --latency (only the rows of bench/latency.ts: double-click →
// first substitutes cold and warm, all senses of a page, first ghost token, decoding against the
// memory limit, host memory against file size; .cache/bench/latency-*.json; --compare DIR: another
// build's cold double-click measured interleaved with this one's, e.g. a snapshot of the last commit's;
// --cold-only: the cold rows alone; --memory-only: the memory rows alone, the compared build's too,
// after a load from the cache and on first use, right after the download; --decode-only: the decoding
// row alone, the compared build's too, --repeats fresh browsers each, interleaved; --warm-only: the
// warm rows alone, the same way (four double-clicks in each browser); --profile-warm:
// one more warm double-click, not counted, with the extension process's main thread profiled:
// .cache/bench/latency-warm.{cpuprofile,json}; --profile-cold: one more cold double-click after the
// cold rounds, profiled the same way: .cache/bench/latency-cold.{cpuprofile,json}; --profile-decode: one more 32-token completion after
// the decoding rounds, the offscreen document profiled: .cache/bench/latency-decode.{cpuprofile,json}),
// --known-words (only the known-word marking rows of bench/known-words.ts: a long and a huge page
// with marking on and off, interleaved in one browser; .cache/bench/known-words-*.json and a table
// on stdout; the same rows are section 10 of every run's table, --quick included),
// --webgpu-only (bench/webgpu.ts: sense, cloze and completion on WebGPU against WASM, fp32, within
// stated tolerances; .cache/bench/webgpu-*.json; meant to finish within 5 minutes).
//
// Steps: fixtures (tests/fixtures/ensure.mjs), `npx wxt build` (snapshot of .output/chrome-mv3
// under .cache/bench so a concurrent rebuild cannot change it mid-run), bundle bench/*.ts with
// esbuild, then run the Node half, the browser half and the report as separate processes, one
// after the other (so they never compete for the CPU).
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { ensureFixtures } from '../tests/fixtures/ensure.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const WORK = path.join(ROOT, '.cache', 'bench');

function parseArgs(argv) {
  const o = {
    quick: false,
    repeats: 0,
    out: '',
    node: true,
    browser: true,
    firefox: null,
    webgpu: null,
    build: true,
    reportOnly: false,
    profile: '',
    after: [],
    layout: 'tied',
    latency: false,
    compare: '',
    coldOnly: false,
    memoryOnly: false,
    decodeOnly: false,
    warmOnly: false,
    profileWarm: false,
    profileCold: false,
    profileDecode: false,
    webgpuOnly: false,
    knownWordsOnly: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--quick') o.quick = true;
    else if (a === '--repeats') o.repeats = Number(argv[++i]);
    else if (a === '--out') o.out = path.resolve(argv[++i]);
    else if (a === '--skip-node') o.node = false;
    else if (a === '--skip-browser') o.browser = false;
    else if (a === '--firefox') o.firefox = true;
    else if (a === '--no-firefox') o.firefox = false;
    else if (a === '--webgpu') o.webgpu = true;
    else if (a === '--no-webgpu') o.webgpu = false;
    else if (a === '--no-build') o.build = false;
    else if (a === '--report-only') o.reportOnly = true;
    else if (a === '--profile') o.profile = argv[++i];
    else if (a === '--after') o.after = argv[++i].split(',').filter(Boolean);
    else if (a === '--layout') o.layout = argv[++i];
    else if (a === '--latency') o.latency = true;
    else if (a === '--webgpu-only') o.webgpuOnly = true;
    else if (a === '--known-words') o.knownWordsOnly = true;
    else if (a === '--compare') o.compare = path.resolve(argv[++i]);
    else if (a === '--cold-only') o.coldOnly = true;
    else if (a === '--memory-only') o.memoryOnly = true;
    else if (a === '--decode-only') o.decodeOnly = true;
    else if (a === '--warm-only') o.warmOnly = true;
    else if (a === '--profile-warm') o.profileWarm = true;
    else if (a === '--profile-cold') o.profileCold = true;
    else if (a === '--profile-decode') o.profileDecode = true;
    else if (a === '-h' || a === '--help') {
      console.log(
        'usage: npm run bench [-- --quick] [--layout tied|untied|legacy] [--repeats N] [--out DIR] [--skip-node] [--skip-browser] [--firefox|--no-firefox] [--webgpu|--no-webgpu] [--no-build] [--known-words] [--latency [--cold-only|--memory-only|--decode-only|--warm-only] [--compare DIR] [--profile-warm] [--profile-cold] [--profile-decode]] [--webgpu-only] [--report-only]',
      );
      process.exit(0);
    } else throw new Error(`unknown argument ${a}`);
  }
  if (!LAYOUT_SUFFIX[o.layout]) throw new Error(`--layout must be tied, untied or legacy (got ${o.layout})`);
  o.webgpu ??= !o.quick;
  // --known-words needs neither model fixtures nor the Firefox build.
  o.firefox ??= !o.knownWordsOnly;
  o.out ||= o.quick ? path.join(WORK, 'quick') : path.join(ROOT, 'docs');
  return o;
}

/** Fixture name suffixes per layout, [encoders, decoders] (as bench/workloads.ts modelSet names them). */
const LAYOUT_SUFFIX = { tied: ['-tied', '-tied'], untied: ['', ''], legacy: ['-tied', '-legacy'] };

function step(label) {
  const t0 = Date.now();
  console.error(`\n== ${label}`);
  return () => console.error(`   (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
}

function run(args, label, extraNodeFlags = []) {
  const done = step(label);
  const r = spawnSync(process.execPath, [...extraNodeFlags, path.join(WORK, 'dist', 'bench.mjs'), ...args], {
    cwd: ROOT,
    stdio: 'inherit',
    env: { ...process.env, ONNXRUNTIME_NODE_INSTALL: 'skip' },
  });
  done();
  if (r.status !== 0) throw new Error(`${label} failed (exit ${r.status ?? r.signal})`);
}

async function main() {
  const o = parseArgs(process.argv.slice(2));
  const started = Date.now();
  mkdirSync(WORK, { recursive: true });
  mkdirSync(o.out, { recursive: true });
  const hubRoot = path.join(ROOT, '.fixtures', 'hub');

  const extDir = path.join(WORK, 'chrome-mv3');
  let done = () => {};
  if (!o.reportOnly && !o.knownWordsOnly) {
    // Only the fixtures this layout's rows read (bench/workloads.ts modelSet): full-size ones take minutes each.
    const [enc, dec] = LAYOUT_SUFFIX[o.layout];
    const names = o.quick ? ['tiny-bert-uncased', 'tiny-ernie-zh', 'tiny-gpt2'] : ['bert-base-uncased', 'ernie-3.0-base-zh', 'distilgpt2', 'gpt2'];
    const only = names.map((n) => `sesame-fixtures/${n}${n.includes('gpt2') ? dec : enc}`);
    done = step(`fixtures (${o.quick ? 'tiny' : 'full'}, ${o.layout} layout: ${only.join(', ')})`);
    ensureFixtures({ root: hubRoot, size: o.quick ? 'tiny' : 'full', only });
    done();
  }
  // The Chromium build serves the Chromium half and the Chromium rounds interleaved with Firefox's.
  if ((o.browser || o.firefox) && !o.reportOnly) {
    done = step(o.build ? 'extension: npx wxt build' : 'extension: reuse .output/chrome-mv3');
    if (o.build) {
      const r = spawnSync('npx', ['wxt', 'build'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
      if (r.status !== 0) throw new Error('npx wxt build failed');
    }
    const built = path.join(ROOT, '.output', 'chrome-mv3');
    if (!existsSync(path.join(built, 'manifest.json'))) throw new Error('no .output/chrome-mv3/manifest.json (build the extension first)');
    rmSync(extDir, { recursive: true, force: true });
    cpSync(built, extDir, { recursive: true });
    for (const f of ['manifest.json', 'offscreen.html', 'background.js']) {
      if (!existsSync(path.join(extDir, f))) throw new Error(`extension snapshot lacks ${f} (a concurrent build?); run again`);
    }
    done();
  }
  if (o.firefox && !o.reportOnly) {
    // The Firefox driver (tests/e2e/driver/firefox.ts) installs .output/firefox-mv2 as it is.
    done = step(o.build ? 'extension: npx wxt build -b firefox' : 'extension: reuse .output/firefox-mv2');
    if (o.build) {
      const r = spawnSync('npx', ['wxt', 'build', '-b', 'firefox'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
      if (r.status !== 0) throw new Error('npx wxt build -b firefox failed');
    }
    if (!existsSync(path.join(ROOT, '.output', 'firefox-mv2', 'manifest.json')))
      throw new Error('no .output/firefox-mv2/manifest.json (build the extension first)');
    done();
  }

  done = step('bundle bench/*.ts (esbuild)');
  const alias = {
    name: 'alias-at',
    setup(b) {
      b.onResolve({ filter: /^@\// }, async (args) => {
        const r = await b.resolve(`./${args.path.slice(2)}`, { resolveDir: ROOT, kind: args.kind });
        // Plain .mjs helpers stay their own modules: bundled, their "run as CLI" check would fire.
        return { path: r.path, errors: r.errors, external: r.path.endsWith('.mjs') };
      });
      // The same for the .mjs helpers the bundled test code imports by relative path (the Firefox driver's hub server).
      b.onResolve({ filter: /^\.\.?\/.*\.mjs$/ }, (args) => ({ path: path.resolve(args.resolveDir, args.path), external: true }));
    },
  };
  await build({
    entryPoints: [path.join(ROOT, 'bench', 'main.ts')],
    outfile: path.join(WORK, 'dist', 'bench.mjs'),
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    plugins: [alias],
    logLevel: 'warning',
  });
  for (const name of ['t4', 'x2', 'kernel', 'kernel-worker']) {
    await build({
      entryPoints: [path.join(ROOT, 'bench', 'pages', `${name}.ts`)],
      outfile: path.join(WORK, 'dist', 'pages', `${name}.js`),
      bundle: true,
      platform: 'browser',
      format: 'esm',
      target: 'chrome120',
      logLevel: 'warning',
    });
  }
  done();

  if (o.webgpuOnly) {
    // Only the WebGPU check (bench/webgpu.ts): every tool on WebGPU against WASM; .cache/bench/webgpu-{quick,full}.json.
    run(
      ['webgpu', JSON.stringify({ quick: o.quick, layout: o.layout, hubRoot, extDir, out: path.join(WORK, `webgpu-${o.quick ? 'quick' : 'full'}.json`) })],
      'WebGPU: every tool against WASM (fp32), in the extension',
      ['--experimental-websocket', '--disable-warning=ExperimentalWarning'],
    );
    return;
  }

  const knownOut = path.join(WORK, `known-words-${o.quick ? 'quick' : 'full'}.json`);
  const knownWords = () =>
    run(
      ['known-words', JSON.stringify({ quick: o.quick, extDir, out: knownOut, ...(o.repeats ? { rounds: o.repeats } : {}) })],
      'Known words: a long and a huge page with marking on and off, interleaved (the extension in headless Chromium)',
    );
  if (o.knownWordsOnly) {
    rmSync(knownOut, { force: true });
    knownWords();
    return;
  }

  if (o.latency) {
    // Only what a reader feels (bench/latency.ts, issue #21): .cache/bench/latency-{quick,full}.json and a table on stdout.
    const out = path.join(WORK, `latency-${o.quick ? 'quick' : 'full'}.json`);
    run(
      [
        'latency',
        JSON.stringify({
          quick: o.quick,
          layout: o.layout,
          hubRoot,
          extDir,
          pagesDir: path.join(WORK, 'dist', 'pages'),
          out,
          ...(o.repeats ? { rounds: o.repeats } : {}),
          ...(o.compare ? { compareExtDir: o.compare } : {}),
          ...(o.coldOnly ? { coldOnly: true } : {}),
          ...(o.memoryOnly ? { memoryOnly: true } : {}),
          ...(o.decodeOnly ? { decodeOnly: true } : {}),
          ...(o.warmOnly ? { warmOnly: true } : {}),
          ...(o.profileWarm ? { profileWarm: true } : {}),
          ...(o.profileCold ? { profileCold: true } : {}),
          ...(o.profileDecode ? { profileDecode: true } : {}),
        }),
      ],
      'Latency: what a reader feels, in the extension (2 threads, q8)',
      ['--experimental-websocket', '--disable-warning=ExperimentalWarning'],
    );
    return;
  }

  if (o.profile) {
    const [gpt, dtype = 'q8'] = o.profile.split(':');
    run(
      ['profile', JSON.stringify({ layout: o.layout, hubRoot, extDir, out: path.join(WORK, `profile-${gpt}-${dtype}`), gpt, dtype, after: o.after })],
      `Profile: one ${gpt} ${dtype} ${gpt === 'bert' ? 'lookup' : 'completion'} in the offscreen host`,
      ['--experimental-websocket', '--disable-warning=ExperimentalWarning'],
    );
    return;
  }

  const nodeOut = path.join(WORK, `node-${o.quick ? 'quick' : 'full'}.json`);
  const browserOut = path.join(WORK, `browser-${o.quick ? 'quick' : 'full'}.json`);
  const firefoxOut = path.join(WORK, `firefox-${o.quick ? 'quick' : 'full'}.json`);
  const common = { quick: o.quick, hubRoot, layout: o.layout, ...(o.repeats ? { repeats: o.repeats } : {}) };
  if (o.node && !o.reportOnly) {
    rmSync(nodeOut, { force: true });
    run(['node', JSON.stringify({ ...common, out: nodeOut })], 'Node: Sesame host on onnxruntime-node vs transformers.js pipelines');
  }
  if (o.browser && !o.reportOnly) {
    rmSync(browserOut, { force: true });
    run(
      ['browser', JSON.stringify({ ...common, extDir, pagesDir: path.join(WORK, 'dist', 'pages'), out: browserOut, webgpu: o.webgpu })],
      'Browser: the extension offscreen host in headless Chromium',
      ['--experimental-websocket', '--disable-warning=ExperimentalWarning'],
    );
  }
  if (o.browser && !o.reportOnly) {
    rmSync(knownOut, { force: true });
    knownWords();
  }
  if (o.firefox && !o.reportOnly) {
    rmSync(firefoxOut, { force: true });
    run(
      ['firefox', JSON.stringify({ ...common, extDir, out: firefoxOut })],
      'Firefox ESR: the MV2 background page (one thread), interleaved with the same requests in Chromium',
      ['--experimental-websocket', '--disable-warning=ExperimentalWarning'],
    );
  }
  run(
    [
      'report',
      JSON.stringify({
        quick: o.quick,
        layout: o.layout,
        node: o.node ? nodeOut : null,
        browser: o.browser ? browserOut : null,
        firefox: o.firefox ? firefoxOut : null,
        knownWords: o.browser ? knownOut : null,
        out: o.out,
        hubRoot,
        extDir: o.browser || o.firefox ? extDir : null,
        command: `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`,
        wallSeconds: Math.round((Date.now() - started) / 1000),
      }),
    ],
    'report',
  );
}

main().catch((e) => {
  console.error(`bench: ${e.message}`);
  process.exit(1);
});
