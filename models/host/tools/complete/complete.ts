// Continuation by a causal LM (GPT-2, Qwen2), streamed token by token and cancellable. Sesame runs
// its own decoding loop (gpt-step.ts) rather than transformers.js' `generate`, so that a text
// field's keys/values outlive the request (kv-cache.ts) and the prompt is computed once for all
// alternatives. Qwen2 runs in the graph only (no kernel decoder); the loop is the same.
import type { LoadedModel } from '../../lm/loader';
import { type CompleteResult, ToolError } from '../../../shared/protocol';
import { StreamDecoder } from './stream-decoder';
import { type Past, type Step, disposePast, forward, truncatePast } from '../../lm/gpt-step';
import { type CachedPast, type FieldKvCache, reusablePrefix, tokenWindow } from './kv-cache';
import { argmax, controlRepetition, sampleToken } from './sampling';
import { endsMidWord, type Healing, healTail, maskToFit, restAfter, skipper } from './token-healing';
import { EventYield } from '../../lm/event-yield';

export interface CompleteQuery {
  prompt: string;
  maxNewTokens: number;
  alternatives: number;
  temperature: number;
  topP: number;
  /** Stop after the first sentence end (ghost text) rather than at max length. */
  stopAtSentence: boolean;
  /** The text field asking; its past is reused by its next request. */
  fieldKey?: string;
  /** A prompt ending inside a word continues that word (token-healing.ts). */
  healPartialWord?: boolean;
}

export interface CompleteDeps {
  cache?: FieldKvCache<Past>;
  random?: () => number;
}

export type CompleteOutput = Pick<CompleteResult, 'alternatives' | 'stoppedBy' | 'promptTokens' | 'reusedTokens'>;

/** Prompt tokens the model sees: the continuation depends on what is nearest the caret. */
export const PROMPT_TOKENS = 384;
const SENTENCE_END = /[.!?。！？\n]\s*$/u;

type StoppedBy = CompleteResult['stoppedBy'];
type Chooser = (logits: Float32Array, context: readonly number[]) => number;

interface Run {
  text: string;
  stoppedBy: StoppedBy;
  /** Generated tokens whose keys/values are in `past` (all but the last one chosen). */
  fed: number[];
  past: Past;
}

export async function complete(
  lm: LoadedModel,
  q: CompleteQuery,
  signal: AbortSignal,
  onDelta: (index: number, delta: string) => void,
  deps: CompleteDeps = {},
): Promise<CompleteOutput> {
  const lease = q.fieldKey && deps.cache ? await deps.cache.checkout(q.fieldKey, lm) : undefined;
  const cached = lease?.entry;
  let keep: CachedPast<Past> | undefined = cached;
  try {
    const full = tokenWindow(lm.tokenizer.encode(q.prompt), PROMPT_TOKENS, cached?.ids);
    if (!full.length) throw new ToolError('empty-input', 'Nothing to continue.');
    const healing = q.healPartialWord && endsMidWord(q.prompt) ? healTail(full, (ids) => lm.tokenizer.decode(ids, { skip_special_tokens: true })) : null;
    const window = healing?.ids ?? full;
    if (signal.aborted) return { alternatives: [], stoppedBy: 'cancelled' };
    const reused = cached ? reusablePrefix(cached.ids, window) : 0;
    keep = undefined;
    const start = reused ? await truncatePast(cached!.past, reused) : null;
    if (cached && start !== cached.past) disposePast(cached.past);
    const prompt = await forward(lm, window.slice(reused), start, reused);
    disposePast(start);
    if (deps.cache) {
      deps.cache.counters.reusedTokens += reused;
      deps.cache.counters.computedTokens += window.length - reused;
    }

    const runs: Run[] = [];
    const pick = picker(q, deps.random ?? Math.random);
    for (let index = 0; index < q.alternatives && !signal.aborted; index++) {
      runs.push(await continueFrom(lm, prompt, window, q, pick, signal, (delta) => onDelta(index, delta), healing));
    }
    const first = runs[0];
    if (lease) keep = { owner: lm, ids: [...window, ...(first?.fed ?? [])], past: first?.past ?? prompt.past };
    for (const past of new Set([prompt.past, ...runs.map((r) => r.past)])) if (past !== keep?.past) disposePast(past);
    return {
      alternatives: runs.map((r) => r.text),
      stoppedBy: signal.aborted ? 'cancelled' : (runs.at(-1)?.stoppedBy ?? 'length'),
      promptTokens: window.length,
      reusedTokens: reused,
    };
  } finally {
    if (deps.cache) {
      deps.cache.counters.requests++;
      if (signal.aborted) deps.cache.counters.cancelled++;
    }
    lease?.done(keep);
  }
}

/** Greedy for a single ghost suggestion; sampling for alternatives or when asked for a temperature. */
function picker(q: CompleteQuery, random: () => number): Chooser {
  const sample = q.alternatives > 1 || q.temperature > 0;
  const temperature = Math.max(0.05, q.temperature || 0.8);
  // One working copy for every step of the request (a decoding step's logits are 200 KB: a fresh copy each token kept the collector busy).
  let scores = new Float32Array(0);
  return (logits, context) => {
    if (scores.length !== logits.length) scores = new Float32Array(logits.length);
    scores.set(logits);
    controlRepetition(scores, context);
    return sample ? sampleToken(scores, { temperature, topP: q.topP, random }) : argmax(scores);
  };
}

/** Generates one alternative from the prompt's step; the prompt's past is left for the others. */
async function continueFrom(
  lm: LoadedModel,
  prompt: Step,
  window: readonly number[],
  q: CompleteQuery,
  pick: Chooser,
  signal: AbortSignal,
  emit: (delta: string) => void,
  healing: Healing | null = null,
): Promise<Run> {
  const eos = eosIds(lm);
  const decoder = new StreamDecoder((ids) => lm.tokenizer.decode(ids, { skip_special_tokens: true }));
  const context = [...window];
  const fed: number[] = [];
  let { logits, past } = prompt;
  let text = '';
  /** The taken-back token's text still to be spelt, and the typed part to keep out of the stream. */
  let rest = healing?.text ?? '';
  const typed = skipper(rest.length);
  const textOf = (id: number): string => lm.tokenizer.decode([id], { skip_special_tokens: true });
  const events = new EventYield();
  try {
    for (;;) {
      await events.next();
      if (signal.aborted) return { text, stoppedBy: 'cancelled', fed, past };
      let token: number;
      if (rest && healing) {
        const masked = maskToFit(logits, rest, textOf);
        token = masked ? pick(masked, context) : healing.token;
        rest = restAfter(textOf(token), rest);
      } else {
        token = pick(logits, context);
      }
      if (eos.has(token)) return { text, stoppedBy: 'eos', fed, past };
      context.push(token);
      const delta = typed(decoder.push(token));
      if (delta) {
        text += delta;
        emit(delta);
      }
      if (q.stopAtSentence && SENTENCE_END.test(text)) return { text, stoppedBy: 'sentence', fed, past };
      if (context.length - window.length >= q.maxNewTokens) return { text, stoppedBy: 'length', fed, past };
      const next = await forward(lm, [token], past, window.length + fed.length);
      if (past !== prompt.past) disposePast(past);
      ({ logits, past } = next);
      fed.push(token);
    }
  } finally {
    events.close();
  }
}

/** The generation config's end tokens, else the model config's (a model loaded without a session has no generation config). */
function eosIds(lm: LoadedModel): Set<number> {
  type Eos = { eos_token_id?: number | number[] | null } | null | undefined;
  const model = lm.model as unknown as { generation_config?: Eos; config?: Eos };
  return new Set([model.generation_config?.eos_token_id ?? model.config?.eos_token_id ?? []].flat());
}
