// The tokenizer and the session load side by side (lm/loader.ts): both, or the first failure,
// with a session that loaded beside a failed tokenizer released.
import type { PreTrainedModel } from '@huggingface/transformers';
import { describe, expect, it, vi } from 'vitest';
import { bothOrRelease } from '@/models/host/lm/loader';

const session = () => ({ dispose: vi.fn(async () => []) }) as unknown as PreTrainedModel & { dispose: ReturnType<typeof vi.fn> };

describe('bothOrRelease', () => {
  it('starts both loads before either ends, and returns both', async () => {
    const started: string[] = [];
    let endTokenizer!: (v: string) => void;
    const tokenizer = new Promise<string>((ok) => {
      started.push('tokenizer');
      endTokenizer = ok;
    });
    const model = session();
    const pending = bothOrRelease(
      tokenizer,
      new Promise<PreTrainedModel>((ok) => {
        started.push('session');
        setTimeout(() => ok(model), 5);
      }),
    );
    expect(started).toEqual(['tokenizer', 'session']);
    endTokenizer('tok');
    await expect(pending).resolves.toEqual(['tok', model]);
    expect(model.dispose).not.toHaveBeenCalled();
  });

  it('releases a session that loaded when the tokenizer failed', async () => {
    const model = session();
    await expect(bothOrRelease(Promise.reject(new Error('no tokenizer.json')), Promise.resolve(model))).rejects.toThrow('no tokenizer.json');
    expect(model.dispose).toHaveBeenCalledOnce();
  });

  it("answers the session's failure when the tokenizer loaded", async () => {
    await expect(bothOrRelease(Promise.resolve('tok'), Promise.reject(new Error('bad graph')))).rejects.toThrow('bad graph');
  });
});
