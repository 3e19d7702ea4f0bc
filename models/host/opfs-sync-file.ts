// How a kernel thread opens a kernel image's file (models/shared/model-files/image-files.ts) in
// the origin private file system: a synchronous access handle, which reads into and writes from
// shared memory directly (workers only).
import type { OpenSyncFile } from './kernels';

/** Reads read-only, so that several threads read one file at once. */
export const openOpfsSyncFile: OpenSyncFile = async (path, write) => {
  let folder = await navigator.storage.getDirectory();
  for (const name of path.slice(0, -1)) folder = await folder.getDirectoryHandle(name, { create: write });
  const handle = await folder.getFileHandle(path.at(-1)!, { create: write });
  // FileSystemSyncAccessHandle (workers only; not in the DOM library's types).
  interface Handle {
    read(into: Uint8Array, options: { at: number }): number;
    write(from: Uint8Array, options: { at: number }): number;
    truncate(size: number): void;
    flush(): void;
    close(): void;
  }
  const opener = handle as unknown as { createSyncAccessHandle(options?: { mode: string }): Promise<Handle> };
  const sync = await opener.createSyncAccessHandle(write ? undefined : { mode: 'read-only' });
  return {
    read: (into, at) => sync.read(into, { at }),
    write: (from, at) => sync.write(from, { at }),
    truncate: (size) => sync.truncate(size),
    flush: () => sync.flush(),
    close: () => sync.close(),
  };
};
