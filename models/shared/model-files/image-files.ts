// Where kernel images are kept (models/host/lm/kernel-image.ts): the origin private file system
// (OPFS), one folder a model. A kernel thread reads an image straight into the kernels' shared
// memory through a synchronous access handle (host/opfs-sync-file.ts: no copy, no intermediate
// buffer, where the Cache API can only hand the document a new one); the document reads and writes
// each image's description.
// Deleted with the model (ModelCache.deleteModel) and by "clear".

/** The OPFS folder the images are in. */
export const IMAGE_FOLDER = 'sesame-kernel-images';

/** The document's side of the images' files. */
export interface ImageFiles {
  /** The image file's path, as a worker opens it. */
  imagePath(model: string, name: string): string[];
  /** The image's description, when there is one (written last: an image without one is not used). */
  readMeta(model: string, name: string): Promise<Uint8Array | undefined>;
  writeMeta(model: string, name: string, bytes: Uint8Array<ArrayBuffer>): Promise<void>;
  /** The description only: its image is then never read, and is made anew. */
  removeMeta(model: string, name: string): Promise<void>;
  deleteModel(model: string): Promise<void>;
  clear(): Promise<void>;
}

/** One folder a model, one file name each image's bytes and its description (ids and file paths have slashes): OPFS names are single segments. */
export const imageFolder = (model: string) => encodeURIComponent(model);
export const imageFileName = (name: string, kind: 'image' | 'meta') => `${encodeURIComponent(name)}.${kind}`;
const metaName = (name: string) => imageFileName(name, 'meta');
const folderOf = imageFolder;

/** The images in this origin's OPFS, or none where there is none (an insecure or older context). */
export function opfsImageFiles(): ImageFiles | undefined {
  const storage = globalThis.navigator?.storage as (StorageManager & { getDirectory?: () => Promise<FileSystemDirectoryHandle> }) | undefined;
  if (typeof storage?.getDirectory !== 'function') return undefined;
  const folder = async (model: string, create: boolean) => {
    const root = await storage.getDirectory!();
    return (await root.getDirectoryHandle(IMAGE_FOLDER, { create })).getDirectoryHandle(folderOf(model), { create });
  };
  const missing = (error: unknown) => (error as { name?: string })?.name === 'NotFoundError';
  return {
    imagePath: (model, name) => [IMAGE_FOLDER, folderOf(model), imageFileName(name, 'image')],
    readMeta: async (model, name) => {
      try {
        const file = await (await (await folder(model, false)).getFileHandle(metaName(name))).getFile();
        return new Uint8Array(await file.arrayBuffer());
      } catch (error) {
        if (missing(error)) return undefined;
        throw error;
      }
    },
    writeMeta: async (model, name, bytes) => {
      const writable = await (await (await folder(model, true)).getFileHandle(metaName(name), { create: true })).createWritable();
      await writable.write(bytes);
      await writable.close();
    },
    removeMeta: async (model, name) => {
      try {
        await (await folder(model, false)).removeEntry(metaName(name));
      } catch (error) {
        if (!missing(error)) throw error;
      }
    },
    deleteModel: async (model) => {
      try {
        await (await (await storage.getDirectory!()).getDirectoryHandle(IMAGE_FOLDER)).removeEntry(folderOf(model), { recursive: true });
      } catch (error) {
        if (!missing(error)) throw error;
      }
    },
    clear: async () => {
      try {
        await (await storage.getDirectory!()).removeEntry(IMAGE_FOLDER, { recursive: true });
      } catch (error) {
        if (!missing(error)) throw error;
      }
    },
  };
}
