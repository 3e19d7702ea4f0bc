// Small numeric helpers for the benchmark: medians, timing, machine load.
import { cpus, loadavg, totalmem } from 'node:os';
import { readFileSync } from 'node:fs';

export function median(values: readonly number[]): number {
  const v = values.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return Number.NaN;
  const mid = Math.floor(v.length / 2);
  return v.length % 2 ? v[mid]! : (v[mid - 1]! + v[mid]!) / 2;
}

/** A measured quantity: every sample and their median. */
export interface Sample {
  median: number;
  samples: number[];
  unit: string;
}

export function sample(values: readonly number[], unit = 'ms'): Sample {
  return { median: median(values), samples: values.map((v) => round(v, 3)), unit };
}

export function round(x: number, digits = 1): number {
  if (!Number.isFinite(x)) return x;
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

export async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t0 = performance.now();
  const value = await fn();
  return { ms: performance.now() - t0, value };
}

/**
 * Runs every variant once per round, rotating the order each round, so that load from other
 * processes on a shared machine falls on all variants alike. Returns milliseconds per variant.
 */
export async function interleave(rounds: number, variants: Record<string, () => Promise<unknown>>): Promise<Record<string, number[]>> {
  const names = Object.keys(variants);
  const out: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
  for (let r = 0; r < rounds; r++) {
    for (let i = 0; i < names.length; i++) {
      const name = names[(i + r) % names.length]!;
      const t0 = performance.now();
      await variants[name]!();
      out[name]!.push(performance.now() - t0);
    }
  }
  return out;
}

export interface MachineInfo {
  cpuModel: string;
  logicalCpus: number;
  memGiB: number;
  node: string;
  platform: string;
  flags: string[];
}

export function machineInfo(): MachineInfo {
  let flags: string[] = [];
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('flags'));
    const all = new Set((line ?? '').split(':')[1]?.trim().split(/\s+/) ?? []);
    flags = ['avx2', 'fma', 'avx512f', 'avx512_vnni', 'avx_vnni', 'avx512_bf16'].filter((f) => all.has(f));
  } catch {
    // not Linux
  }
  const c = cpus();
  return {
    cpuModel: c[0]?.model ?? 'unknown',
    logicalCpus: c.length,
    memGiB: round(totalmem() / 2 ** 30, 1),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    flags,
  };
}

export function load1(): number {
  return round(loadavg()[0] ?? 0, 2);
}
