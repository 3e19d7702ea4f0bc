// The URLs transformers.js 4.3.1 builds for a pinned load: Sesame's remote path template with the
// listing's commit as `revision`, through the real loader (models/host/lm/loader.ts).
import { afterEach, describe, expect, it } from 'vitest';
import { loadModel } from '@/models/host/lm/loader';
import { configureTransformers } from '@/models/host/transformers-env';
import { ModelCache } from '@/models/shared/model-files/model-cache';
import { memoryCache } from '../../../scripts/model-source';

const SHA = '0123456789abcdef0123456789abcdef01234567';
afterEach(() => {
  configureTransformers({ remoteHost: 'https://huggingface.co/', cache: new ModelCache(memoryCache()) });
});

/** Points transformers.js at a host that records every URL asked for and answers 404. */
function recording(host: string): { urls: string[]; cache: ModelCache } {
  const urls: string[] = [];
  const cache = new ModelCache(memoryCache());
  const fetch404 = (async (input: RequestInfo | URL) => {
    urls.push(String(input));
    // tokenizer_config.json exists (so transformers.js goes on to download the tokenizer files); nothing else does.
    if (String(input).endsWith('/tokenizer_config.json')) return new Response('{}', { headers: { 'content-type': 'application/json' } });
    return new Response('Entry not found', { status: 404 });
  }) as typeof fetch;
  configureTransformers({ remoteHost: host, cache, fetch: fetch404 });
  return { urls, cache };
}

describe('pinned download URLs', () => {
  it('the loader downloads at the commit it is given: {host}{id}/resolve/{sha}/{file}', async () => {
    const { urls, cache } = recording('https://hub.example/mirror');
    // As the host does for a load planned from a listing: the probes transformers.js makes at main go to the commit too.
    const unpin = cache.pin('org/pinned-a', { revision: SHA, host: 'https://hub.example/mirror/', files: new Map() });
    await expect(loadModel({ id: 'org/pinned-a', family: 'gpt2', dtype: 'q8' }, 'cpu', () => {}, undefined, SHA)).rejects.toThrow();
    expect(urls.length).toBeGreaterThan(0);
    for (const url of urls) expect(url).toMatch(new RegExp(`^https://hub\\.example/mirror/org/pinned-a/resolve/${SHA}/[\\w./-]+$`));
    unpin();
  });

  it('transformers.js alone still probes tokenizer_config.json at main (4.3.1 passes no revision to that probe): unpinned, it goes there', async () => {
    const { urls } = recording('https://hub.example/');
    await expect(loadModel({ id: 'org/pinned-c', family: 'gpt2', dtype: 'q8' }, 'cpu', () => {}, undefined, SHA)).rejects.toThrow();
    expect(urls[0]).toBe('https://hub.example/org/pinned-c/resolve/main/tokenizer_config.json');
    // Every download itself is at the commit the loader was given.
    expect(urls.length).toBeGreaterThan(1);
    for (const url of urls.slice(1)) expect(url).toMatch(new RegExp(`^https://hub\\.example/org/pinned-c/resolve/${SHA}/[\\w./-]+$`));
  });

  it('without a commit (a mirror without the API): resolve/main, as before', async () => {
    const { urls } = recording('https://hub.example/');
    await expect(loadModel({ id: 'org/pinned-b', family: 'gpt2', dtype: 'q8' }, 'cpu')).rejects.toThrow();
    expect(urls.length).toBeGreaterThan(0);
    for (const url of urls) expect(url).toMatch(/^https:\/\/hub\.example\/org\/pinned-b\/resolve\/main\/[\w./-]+$/);
  });
});
