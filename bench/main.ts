// Entry of the bundled benchmark (.cache/bench/dist/bench.mjs); bench/run.mjs builds and calls it.
//   bench.mjs node '{"quick":false,"hubRoot":"…","out":"file.json"}'
//   bench.mjs cold '{"spec":{…},"tool":"sense","hubRoot":"…"}'
//   bench.mjs browser '{"quick":false,"hubRoot":"…","extDir":"…","out":"file.json","webgpu":true}'
//   bench.mjs firefox '{"quick":false,"hubRoot":"…","out":"file.json","layout":"tied"}'
//   bench.mjs latency '{"quick":false,"hubRoot":"…","extDir":"…","pagesDir":"…","out":"file.json"}'
//   bench.mjs known-words '{"quick":false,"extDir":"…","out":"file.json"}'
//   bench.mjs webgpu '{"quick":false,"hubRoot":"…","extDir":"…","out":"file.json"}'
//   bench.mjs profile '{"hubRoot":"…","extDir":"…","out":"path-prefix","gpt":"distilgpt2","dtype":"q8"}'
//   bench.mjs report '{"node":"file.json","browser":"file.json","out":"dir","quick":false,…}'
import { writeFileSync } from 'node:fs';

async function main(): Promise<void> {
  const [command, raw] = process.argv.slice(2);
  const arg = JSON.parse(raw ?? '{}') as Record<string, unknown> & { out?: string };
  switch (command) {
    case 'node': {
      const { runNodeBench } = await import('./node-bench');
      const result = await runNodeBench(arg as never);
      writeFileSync(arg.out!, JSON.stringify(result, null, 1));
      break;
    }
    case 'cold': {
      const { runCold } = await import('./node-bench');
      const result = await runCold(arg as never);
      process.stdout.write(`${JSON.stringify(result)}\n`);
      break;
    }
    case 'browser': {
      const { runBrowserBench } = await import('./browser-bench');
      const result = await runBrowserBench(arg as never);
      writeFileSync(arg.out!, JSON.stringify(result, null, 1));
      break;
    }
    case 'firefox': {
      const { runFirefoxBench } = await import('./firefox-bench');
      const result = await runFirefoxBench(arg as never);
      writeFileSync(arg.out!, JSON.stringify(result, null, 1));
      break;
    }
    case 'latency': {
      const { runLatencyBench, latencyTable } = await import('./latency');
      const result = await runLatencyBench(arg as never);
      writeFileSync(arg.out!, JSON.stringify(result, null, 1));
      process.stdout.write(`${latencyTable(result)}\n`);
      break;
    }
    case 'known-words': {
      const { runKnownWordsBench, knownWordsTable } = await import('./known-words');
      const result = await runKnownWordsBench(arg as never);
      writeFileSync(arg.out!, JSON.stringify(result, null, 1));
      process.stdout.write(`${knownWordsTable(result as never)}\n`);
      break;
    }
    case 'webgpu': {
      const { runWebgpuOnly } = await import('./webgpu');
      const result = await runWebgpuOnly(arg as never);
      writeFileSync(arg.out!, JSON.stringify(result, null, 1));
      process.stdout.write(`${JSON.stringify({ wallSeconds: result.wallSeconds, backend: result.backend, comparison: result.comparison })}\n`);
      break;
    }
    case 'profile': {
      const { runProfile } = await import('./browser-bench');
      process.stdout.write(`${JSON.stringify(await runProfile(arg as never), null, 1)}\n`);
      break;
    }
    case 'report': {
      const { writeReport } = await import('./report');
      writeReport(arg as never);
      break;
    }
    default:
      throw new Error(`unknown command ${command}`);
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : error);
    process.exit(1);
  },
);
