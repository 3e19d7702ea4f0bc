// Kernel images' files on disk, for Node (tests): the document's side (ImageFiles) and a kernel
// thread's (OpenSyncFile), as OPFS gives them in the browser. Paths are absolute, under `root`.
import { closeSync, existsSync, fsyncSync, ftruncateSync, mkdirSync, openSync, readFileSync, readSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { OpenSyncFile } from '@/models/host/kernels';
import { IMAGE_FOLDER, type ImageFiles, imageFileName, imageFolder } from '@/models/shared/model-files/image-files';

export function fsImageFiles(root: string): ImageFiles {
  const folder = (model: string) => join(root, IMAGE_FOLDER, imageFolder(model));
  const meta = (model: string, name: string) => join(folder(model), imageFileName(name, 'meta'));
  return {
    imagePath: (model, name) => [folder(model), imageFileName(name, 'image')],
    readMeta: async (model, name) => (existsSync(meta(model, name)) ? new Uint8Array(readFileSync(meta(model, name))) : undefined),
    writeMeta: async (model, name, bytes) => {
      mkdirSync(folder(model), { recursive: true });
      writeFileSync(meta(model, name), bytes);
    },
    removeMeta: async (model, name) => rmSync(meta(model, name), { force: true }),
    deleteModel: async (model) => rmSync(folder(model), { recursive: true, force: true }),
    clear: async () => rmSync(join(root, IMAGE_FOLDER), { recursive: true, force: true }),
  };
}

/** A kernel thread's files in Node: `path` joined is the file's absolute path. */
export const openFsSyncFile: OpenSyncFile = async (path, write) => {
  const file = join(...path);
  if (write) mkdirSync(dirname(file), { recursive: true });
  const fd = openSync(file, write ? 'w+' : 'r');
  return {
    read: (into, at) => readSync(fd, into, 0, into.length, at),
    write: (from, at) => writeSync(fd, from, 0, from.length, at),
    truncate: (size) => ftruncateSync(fd, size),
    flush: () => fsyncSync(fd),
    close: () => closeSync(fd),
  };
};
