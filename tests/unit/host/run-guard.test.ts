// One failed inference must not fail every later one. This runs transformers.js 4.3.1's own
// sessionRun (src/models/session.js → runInferenceSession in src/backends/onnx.js) as it runs in a
// browser (`apis.IS_WEB_ENV`: a window with a document), with fake onnxruntime sessions: without
// the guard one rejected run poisons the web inference chain for every model; with it, the error
// reaches its own request only.
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { failedOutputs, guardSessionRuns, runFailure } from '@/models/host/run-guard';
import { installRunFaults } from '@/models/host/run-faults';

type SessionRun = (session: object, inputs: Record<string, unknown>) => Promise<Record<string, unknown>>;
let sessionRun: SessionRun;

beforeAll(async () => {
  // What transformers.js' env.js reads to decide it runs on the web (evaluated on import).
  vi.stubGlobal('window', { document: {} });
  // Plain JS without declarations: imported by a path the type checker does not follow.
  const src = '../../../node_modules/@huggingface/transformers/src';
  const env = (await import(/* @vite-ignore */ `${src}/env.js`)) as { apis: { IS_WEB_ENV: boolean } };
  expect(env.apis.IS_WEB_ENV).toBe(true);
  ({ sessionRun } = (await import(/* @vite-ignore */ `${src}/models/session.js`)) as { sessionRun: SessionRun });
  // transformers.js logs a failed run's inputs; quiet here.
  vi.spyOn(console, 'error').mockImplementation(() => undefined);
});

/** An onnxruntime InferenceSession stand-in: no inputs, a run that fails when told to. */
function sessionClass() {
  return class FakeSession {
    inputNames: string[] = [];
    constructor(
      readonly name: string,
      readonly fail: () => Error | null = () => null,
    ) {}
    async run(): Promise<Record<string, unknown>> {
      const error = this.fail();
      if (error) throw error;
      return { logits: `${this.name} output` };
    }
  };
}

describe('transformers.js web inference chain', () => {
  it('with the guard, the failed run gets its own error and the next runs of every model work', async () => {
    const Session = sessionClass();
    let oom = true;
    guardSessionRuns(Session);
    guardSessionRuns(Session); // once is enough
    const gpt = new Session('gpt', () => (oom ? new Error('RuntimeError: Aborted(OOM)') : null));
    const bert = new Session('bert');
    const error = await sessionRun(gpt, {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toBe('RuntimeError: Aborted(OOM)');
    oom = false;
    expect(await sessionRun(bert, {})).toEqual({ logits: 'bert output' });
    expect(await sessionRun(gpt, {})).toEqual({ logits: 'gpt output' });
  });

  it('the test fault hook under the guard: a failed run is isolated the same way', async () => {
    const Session = sessionClass();
    installRunFaults(Session);
    guardSessionRuns(Session);
    const bert = new Session('bert');
    globalThis.sesameRunFault = 'fail';
    await expect(sessionRun(bert, {})).rejects.toThrow(/Injected inference failure/);
    expect(globalThis.sesameRunFault).toBeUndefined();
    expect(await sessionRun(bert, {})).toEqual({ logits: 'bert output' });
  });

  it("the test hook 'lose-device' loses the device first, then runs on it: the run's own failure is what the caller sees", async () => {
    let lost = false;
    const Session = sessionClass();
    installRunFaults(Session, async () => void (lost = true));
    guardSessionRuns(Session);
    const bert = new Session('bert', () => (lost ? new Error('BufferManager::Download failed: device lost') : null));
    globalThis.sesameRunFault = 'lose-device';
    await expect(sessionRun(bert, {})).rejects.toThrow(/device lost/);
    expect(lost).toBe(true);
    expect(globalThis.sesameRunFault).toBeUndefined();
  });
  it('a run that throws synchronously is caught too', async () => {
    class Sync {
      inputNames: string[] = [];
      run(): Promise<unknown> {
        throw new Error('session released');
      }
    }
    guardSessionRuns(Sync);
    await expect(sessionRun(new Sync(), {})).rejects.toThrow('session released');
  });
  // Last: the chain is transformers.js' module state, shared by this file's tests, and stays broken.
  it('without the guard, one failed run fails every later run of every model (the bug)', async () => {
    const Session = sessionClass();
    let oom = true;
    const gpt = new Session('gpt', () => (oom ? new Error('RuntimeError: Aborted(OOM)') : null));
    const bert = new Session('bert');
    await expect(sessionRun(gpt, {})).rejects.toThrow(/OOM/);
    oom = false;
    await expect(sessionRun(bert, {})).rejects.toThrow(/OOM/);
    await expect(sessionRun(gpt, {})).rejects.toThrow(/OOM/);
  });
});

describe('failed outputs', () => {
  it('are no thenable, throw the error on any read, and remember it', async () => {
    const error = new Error('x');
    const out = failedOutputs(error);
    expect(await Promise.resolve(out)).toBe(out);
    expect(() => (out as Record<string, unknown>).logits).toThrow(error);
    expect(() => Object.keys(out)).toThrow(error);
    expect(() => 'logits' in out).toThrow(error);
    expect(runFailure(out)).toEqual({ error });
    expect(runFailure({})).toBeNull();
    expect(runFailure(null)).toBeNull();
  });
});
