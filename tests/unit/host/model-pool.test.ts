import { describe, expect, it } from 'vitest';
import { ModelPool, WARM_FACTOR, warmFactorFor } from '@/models/host/model-pool';
import { fakeClock } from '@/tests/support/fake-clock';

function model(name: string, log: string[]) {
  return { name, release: async () => void log.push(`release ${name}`) };
}

describe('model pool', () => {
  it('loads a model once for concurrent users and shares it across tools', async () => {
    const log: string[] = [];
    const clock = fakeClock();
    const pool = new ModelPool<ReturnType<typeof model>>({ idleMs: 1000, ...clock });
    let loads = 0;
    const load = async () => {
      loads++;
      await new Promise((r) => setTimeout(r, 5));
      return model('bert', log);
    };
    const results = await Promise.all([pool.use('bert', load, async (m) => `sense:${m.name}`), pool.use('bert', load, async (m) => `cloze:${m.name}`)]);
    expect(results).toEqual(['sense:bert', 'cloze:bert']);
    expect(loads).toBe(1);
    expect(pool.entries()).toHaveLength(1);
  });

  it('releases a model after the idle time, not before, and never while in use', async () => {
    const log: string[] = [];
    const clock = fakeClock();
    const pool = new ModelPool<ReturnType<typeof model>>({ idleMs: 1000, ...clock });
    await pool.use(
      'a',
      async () => model('a', log),
      async () => undefined,
    );
    await clock.advance(999);
    expect(log).toEqual([]);
    let finish!: () => void;
    const busy = pool.use(
      'b',
      async () => model('b', log),
      () => new Promise<void>((r) => (finish = r)),
    );
    await clock.advance(1);
    expect(log).toEqual(['release a']);
    await clock.advance(5000);
    expect(log).toEqual(['release a']);
    finish();
    await busy;
    await clock.advance(1000);
    expect(log).toEqual(['release a', 'release b']);
    expect(pool.entries()).toEqual([]);
  });

  it('reloads a released model on the next use and releases selectively', async () => {
    const log: string[] = [];
    const clock = fakeClock();
    const pool = new ModelPool<ReturnType<typeof model>>({ idleMs: 0, ...clock });
    let loads = 0;
    const load = async () => {
      loads++;
      return model('x', log);
    };
    await pool.use('x|q8', load, async () => undefined);
    await pool.use(
      'y|q8',
      async () => model('y', log),
      async () => undefined,
    );
    await pool.releaseAll((k) => k.startsWith('x|'));
    expect(log).toEqual(['release x']);
    await pool.use('x|q8', load, async () => undefined);
    expect(loads).toBe(2);
  });

  it('does not cache a failed load', async () => {
    const pool = new ModelPool<ReturnType<typeof model>>({ idleMs: 1000, ...fakeClock() });
    await expect(
      pool.use(
        'bad',
        async () => Promise.reject(new Error('404')),
        async () => 1,
      ),
    ).rejects.toThrow('404');
    expect(
      await pool.use(
        'bad',
        async () => model('ok', []),
        async (m) => m.name,
      ),
    ).toBe('ok');
  });

  it('says when an idle release leaves nothing loaded or loading, and only then', async () => {
    const log: string[] = [];
    const clock = fakeClock();
    let empties = 0;
    const pool = new ModelPool<ReturnType<typeof model>>({ idleMs: 1000, ...clock, onEmpty: () => void empties++ });
    await pool.use(
      'bert',
      async () => model('bert', log),
      async () => undefined,
    );
    await clock.advance(500);
    await pool.use(
      'gpt2',
      async () => model('gpt2', log),
      async () => undefined,
    );
    await clock.advance(600); // bert idle for 1100 ms, gpt2 for 600: one left
    expect(log).toEqual(['release bert']);
    expect(empties).toBe(0);
    // A load in progress when the last model goes idle keeps the pool from being empty.
    let finish!: () => void;
    const loading = pool.use(
      'ernie',
      () => new Promise((ok) => (finish = () => ok(model('ernie', log)))),
      async () => undefined,
    );
    await clock.advance(500);
    expect(log).toEqual(['release bert', 'release gpt2']);
    expect(empties).toBe(0);
    finish();
    await loading;
    await clock.advance(1000);
    expect(log).toEqual(['release bert', 'release gpt2', 'release ernie']);
    expect(empties).toBe(1);
    // An explicit release (models deleted from the options page) is not an idle one.
    await pool.use(
      'bert',
      async () => model('bert', log),
      async () => undefined,
    );
    await pool.releaseAll();
    expect(empties).toBe(1);
  });

  it('keeps the last-used model warm for warmFactor times the idle time, and releases the others at the idle time', async () => {
    const log: string[] = [];
    const clock = fakeClock();
    const pool = new ModelPool<ReturnType<typeof model>>({ idleMs: 1000, ...clock, warmFactor: () => 3 });
    const use = (name: string) =>
      pool.use(
        name,
        async () => model(name, log),
        async () => undefined,
      );
    await use('a');
    await clock.advance(10);
    await use('b');
    await clock.advance(1000);
    expect(log).toEqual(['release a']);
    await clock.advance(1980);
    expect(log).toEqual(['release a']);
    await clock.advance(20);
    expect(log).toEqual(['release a', 'release b']);
    expect(pool.entries()).toEqual([]);
  });

  it('keeps no model past the idle time with a warm factor of 1', async () => {
    const log: string[] = [];
    const clock = fakeClock();
    const pool = new ModelPool<ReturnType<typeof model>>({ idleMs: 1000, ...clock, warmFactor: () => 1 });
    await pool.use(
      'a',
      async () => model('a', log),
      async () => undefined,
    );
    await clock.advance(1000);
    expect(log).toEqual(['release a']);
  });

  it('keeps models warm longer only where the device reports enough memory', () => {
    expect(warmFactorFor(8)).toBe(WARM_FACTOR);
    expect(warmFactorFor(4)).toBe(1);
    expect(warmFactorFor(undefined)).toBe(1);
  });
});
