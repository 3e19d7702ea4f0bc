// GPT continuation, streamed token by token and cancellable.
import {
  BaseStreamer,
  InterruptableStoppingCriteria,
  StoppingCriteria,
  StoppingCriteriaList,
  type Tensor,
} from '@huggingface/transformers';
import type { LoadedModel } from '../host/loader';
import type { CompleteResult } from '../protocol';
import { StreamDecoder } from '../text/stream-decoder';

export interface CompleteQuery {
  prompt: string;
  maxNewTokens: number;
  alternatives: number;
  temperature: number;
  topP: number;
  /** Stop after the first sentence end (ghost text) rather than at max length. */
  stopAtSentence: boolean;
}

export const PROMPT_TOKENS = 384;

class CallbackStreamer extends BaseStreamer {
  private skippedPrompt = false;
  constructor(private readonly onTokens: (ids: number[]) => void) {
    super();
  }
  override put(value: bigint[][]): void {
    if (!this.skippedPrompt) {
      this.skippedPrompt = true;
      return;
    }
    this.onTokens((value[0] ?? []).map(Number));
  }
  override end(): void {}
}

class SentenceEnd extends StoppingCriteria {
  hit = false;
  constructor(private readonly text: () => string) {
    super();
  }
  override _call(inputIds: number[][]): boolean[] {
    this.hit = /[.!?。！？\n]\s*$/u.test(this.text());
    return inputIds.map(() => this.hit);
  }
}

export async function complete(
  lm: LoadedModel,
  q: CompleteQuery,
  signal: AbortSignal,
  onDelta: (index: number, delta: string) => void,
): Promise<Pick<CompleteResult, 'alternatives' | 'stoppedBy'>> {
  const alternatives: string[] = [];
  let stoppedBy: CompleteResult['stoppedBy'] = 'length';
  const eos = (lm.model as unknown as { generation_config?: { eos_token_id?: number } }).generation_config?.eos_token_id;
  for (let index = 0; index < q.alternatives && !signal.aborted; index++) {
    const decoder = new StreamDecoder((ids) => lm.tokenizer.decode(ids, { skip_special_tokens: true }));
    let sawEos = false;
    const interrupt = new InterruptableStoppingCriteria();
    const onAbort = (): void => interrupt.interrupt();
    signal.addEventListener('abort', onAbort);
    const sentence = new SentenceEnd(() => decoder.text);
    const criteria = new StoppingCriteriaList();
    criteria.push(interrupt);
    if (q.stopAtSentence) criteria.push(sentence);
    const inputs = lm.tokenizer(q.prompt) as Record<string, Tensor>;
    const trimmed = trimPrompt(inputs, PROMPT_TOKENS);
    const sample = q.alternatives > 1 || q.temperature > 0;
    try {
      await lm.model.generate({
        ...trimmed,
        max_new_tokens: q.maxNewTokens,
        do_sample: sample,
        temperature: sample ? Math.max(0.05, q.temperature || 0.8) : 1,
        top_p: q.topP,
        repetition_penalty: 1.2,
        no_repeat_ngram_size: 3,
        stopping_criteria: criteria,
        streamer: new CallbackStreamer((ids) => {
          if (eos !== undefined && ids.includes(eos)) sawEos = true;
          const delta = decoder.push(...ids);
          if (delta && !signal.aborted) onDelta(index, delta);
        }),
      } as unknown as Parameters<typeof lm.model.generate>[0]);
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
    alternatives.push(decoder.text);
    stoppedBy = signal.aborted ? 'cancelled' : sawEos ? 'eos' : sentence.hit ? 'sentence' : 'length';
  }
  return { alternatives, stoppedBy };
}

/** Keeps the last `max` prompt tokens: the continuation depends on what is nearest the caret. */
function trimPrompt(inputs: Record<string, Tensor>, max: number): Record<string, Tensor> {
  const ids = inputs.input_ids!;
  const length = ids.dims.at(-1) ?? 0;
  if (length <= max) return inputs;
  const out: Record<string, Tensor> = {};
  for (const [name, tensor] of Object.entries(inputs)) out[name] = tensor.slice(null, [length - max, length]);
  return out;
}
