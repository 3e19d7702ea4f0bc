// `npm run bench -- --webgpu-only`: every tool's results on WebGPU against WASM, in the built
// extension (fp32, the same files), within stated tolerances, in a few minutes — so that it can run
// on a real GPU when one is lent. Here Chromium's adapter is SwiftShader (every kernel on the CPU):
// a correctness check, no speed claims.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Scored, ToolRequest } from '@/models/shared/protocol';
// @ts-expect-error plain ESM helper without types
import { startHubServer } from '@/tests/support/hub-server.mjs';
import { launch, must, type Session, type SettingsFor, setSettings } from './browser-bench';
import { load1 } from './stats';
import { CLOZE_PASSAGE, COMPLETION_PROMPT, type FixtureLayout, modelSet, senseTargets } from './workloads';

export interface WebgpuOptions {
  quick: boolean;
  layout?: FixtureLayout;
  hubRoot: string;
  extDir: string;
}

/** Tokens generated (SwiftShader runs every kernel on the CPU). */
const TOKENS = 4;
/** The tolerances the check states: substitute probabilities within this, absolute. */
export const SCORE_TOLERANCE = 1e-3;

interface ToolOutputs {
  substitutes: Scored[];
  cloze: string[][];
  text: string;
  backend: unknown;
  ms: Record<string, number>;
  errors: Record<string, string>;
}

async function outputs(s: Session, requests: { sense: ToolRequest; cloze: ToolRequest; complete: ToolRequest }): Promise<ToolOutputs> {
  // One tool failing (the host's watchdog restarts a document that makes no progress for 90 s:
  // SwiftShader on a busy machine) is recorded, and the others still run.
  const errors: Record<string, string> = {};
  const ask = async (name: string, r: ToolRequest) => {
    try {
      return await must(s, r);
    } catch (error) {
      errors[name] = (error as Error).message;
      return { ms: Number.NaN, result: undefined } as Partial<Awaited<ReturnType<typeof must>>> & { ms: number };
    }
  };
  const sense = await ask('sense', requests.sense);
  const cloze = await ask('cloze', requests.cloze);
  const complete = await ask('complete', requests.complete);
  const status = (await must(s, { type: 'status' })).result!;
  const blanks = (cloze.result?.blanks as { candidates?: Scored[] }[] | undefined) ?? [];
  return {
    substitutes: (sense.result?.substitutes as Scored[]) ?? [],
    cloze: blanks.map((b) => (b.candidates ?? []).slice(0, 3).map((g) => g.text)),
    text: String((complete.result?.alternatives as string[] | undefined)?.[0] ?? ''),
    backend: status.backend,
    ms: { sense: sense.ms, cloze: cloze.ms, complete: complete.ms },
    errors,
  };
}

/** Sense: the same top 5 (as a set) and every shared substitute's probability within SCORE_TOLERANCE; cloze: the same first guess per blank; completion: the same text. */
export function compareOutputs(cpu: Omit<ToolOutputs, 'ms' | 'backend' | 'errors'>, gpu: Omit<ToolOutputs, 'ms' | 'backend' | 'errors'>) {
  let maxScoreDiff = 0;
  for (const g of gpu.substitutes) {
    const c = cpu.substitutes.find((x) => x.text === g.text);
    if (c) maxScoreDiff = Math.max(maxScoreDiff, Math.abs(c.score - g.score));
  }
  const top = (l: Scored[]) => new Set(l.slice(0, 5).map((x) => x.text));
  const gpuTop = top(gpu.substitutes);
  const top5Same = gpuTop.size > 0 && [...top(cpu.substitutes)].every((t) => gpuTop.has(t));
  const clozeSame = cpu.cloze.length === gpu.cloze.length && cpu.cloze.every((g, i) => g[0] === gpu.cloze[i]?.[0]);
  const textSame = cpu.text === gpu.text;
  return { maxScoreDiff, top5Same, clozeSame, textSame, ok: top5Same && maxScoreDiff <= SCORE_TOLERANCE && clozeSame && textSame };
}

export async function runWebgpuOnly(o: WebgpuOptions): Promise<Record<string, unknown>> {
  const started = Date.now();
  const models = modelSet(o.quick, o.layout);
  const hub = (await startHubServer({ root: o.hubRoot })) as { url: string; close(): Promise<void> };
  const profile = mkdtempSync(join(tmpdir(), 'sesame-webgpu-'));
  const clientServer = createServer(
    (_req, res) => void res.writeHead(200, { 'Content-Type': 'text/html' }).end('<!doctype html><title>client</title><p>x</p>'),
  );
  await new Promise<void>((ok) => clientServer.listen(0, '127.0.0.1', ok));
  const ca = clientServer.address();
  const clientUrl = `http://127.0.0.1:${typeof ca === 'object' && ca ? ca.port : 0}/client.html`;
  const t = senseTargets()[0]!;
  const requests = {
    sense: { type: 'sense', text: t.text, start: t.start, end: t.end, topK: 10 } as ToolRequest,
    cloze: { type: 'cloze', text: CLOZE_PASSAGE.slice(0, 220), blanks: 3, seed: 1, lang: 'en' } as ToolRequest,
    complete: { type: 'complete', prompt: COMPLETION_PROMPT, maxNewTokens: TOKENS, alternatives: 1, temperature: 0 } as ToolRequest,
  };
  const settings = (backend: 'wasm' | 'webgpu'): SettingsFor => ({
    hubUrl: hub.url,
    dtype: 'fp32',
    backend,
    mlm: models.bert,
    zh: models.ernie,
    gpt: models.distilgpt2,
  });
  const log = (m: string) => console.error(`[webgpu ${((Date.now() - started) / 1000).toFixed(0)} s] ${m}`);
  let s: Session | null = null;
  try {
    log('WASM (fp32): the reference');
    s = await launch(o.extDir, profile, false, clientUrl);
    await setSettings(s, settings('wasm'));
    const cpu = await outputs(s, requests);
    await s.context.close();
    log('WebGPU (fp32), the same requests');
    s = await launch(o.extDir, profile, true, clientUrl);
    await setSettings(s, settings('webgpu'));
    const gpu = await outputs(s, requests);
    const status = (await must(s, { type: 'status' })).result!;
    return {
      load1: load1(),
      adapter: status.webgpuAdapter,
      backend: status.backend,
      backendNote: status.backendNote ?? null,
      tolerance: { score: SCORE_TOLERANCE },
      comparison: compareOutputs(cpu, gpu),
      cpu,
      gpu,
      tokens: TOKENS,
      wallSeconds: Math.round((Date.now() - started) / 1000),
    };
  } finally {
    if (s) await (s as Session).context.close().catch(() => undefined);
    await hub.close();
    clientServer.close();
    rmSync(profile, { recursive: true, force: true });
  }
}
