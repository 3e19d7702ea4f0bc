// The stored rewrite is read as the load begins (HeadDetacher.prefetch, issue #21), once, and the
// first match uses that read.
import { describe, expect, it } from 'vitest';
import type { GemvThreads } from '@/models/host/kernels';
import { HeadDetacher } from '@/models/host/lm/attach-head';
import { IMAGE_FORMAT, KernelImage } from '@/models/host/lm/kernel-image';
import { pack } from '@/models/host/onnx';
import type { ImageFiles } from '@/models/shared/model-files/image-files';

function store() {
  const log: string[] = [];
  return {
    log,
    store: {
      read: async () => {
        log.push('read');
        return undefined;
      },
      write: async () => true,
    },
  };
}

const file = () => new Response(new Uint8Array([1, 2, 3]), { headers: { 'content-length': '3' } });

describe('HeadDetacher.prefetch', () => {
  it('reads the stored rewrite before the first match, and the match does not read it again', async () => {
    const s = store();
    const d = new HeadDetacher(undefined, undefined, undefined, s.store);
    d.prefetch();
    d.prefetch();
    expect(s.log).toEqual(['read']);
    const served = await d.rewrite(file());
    expect(s.log).toEqual(['read']);
    expect(d.fromStore).toBe(false);
    // Nothing stored: the file itself is served (not a graph: its head stays, and the reason is kept).
    expect([...new Uint8Array(await served.arrayBuffer())]).toEqual([1, 2, 3]);
    expect(d.reason).toBeTruthy();
  });

  it('without a prefetch the first match reads it', async () => {
    const s = store();
    const d = new HeadDetacher(undefined, undefined, undefined, s.store);
    await d.rewrite(file());
    expect(s.log).toEqual(['read']);
  });

  it('a failed read ahead is no stored rewrite', async () => {
    const d = new HeadDetacher(undefined, undefined, undefined, { read: () => Promise.reject(new Error('quota')), write: async () => true });
    d.prefetch();
    await d.rewrite(file());
    expect(d.fromStore).toBe(false);
  });

  it('where there is a kernel image, does not read the stored rewrite ahead; the match reads it when the image is not of this file', async () => {
    const s = store();
    const meta = pack({ format: IMAGE_FORMAT, source: { bytes: 99, revision: '' }, head: {}, groups: [] });
    const files = { readMeta: async () => meta } as unknown as ImageFiles;
    const d = new HeadDetacher(undefined, undefined, undefined, s.store, undefined, undefined, new KernelImage(files, 'm', 'f', {} as GemvThreads));
    d.prefetch();
    await new Promise((r) => setTimeout(r, 10));
    expect(s.log).toEqual([]);
    await d.rewrite(file());
    expect(s.log).toEqual(['read']);
    expect([d.fromImage, d.fromStore]).toEqual([false, false]);
  });
});
