// A kernel thread in Node (worker_threads), for tests: the same task loop as the browser's.
import { parentPort } from 'node:worker_threads';
import { serveGemvTasks } from '../../models/host/kernels/gemv-worker';
import { openFsSyncFile } from './fs-image-files';

const parent = parentPort!;
serveGemvTasks(
  {
    postMessage: (message) => parent.postMessage(message),
    set onmessage(handler: ((event: { data: unknown }) => void) | null) {
      parent.removeAllListeners('message');
      if (handler) parent.on('message', (data: unknown) => handler({ data }));
    },
  },
  openFsSyncFile,
);
