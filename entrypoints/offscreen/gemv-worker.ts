// A kernel thread of the offscreen document (models/host/kernels/gemv-threads.ts).
// The worker's own file, not the kernels' index: the worker bundle must hold the kernel alone.
import { serveGemvTasks } from '@/models/host/kernels/gemv-worker';
import { openOpfsSyncFile } from '@/models/host/opfs-sync-file';

serveGemvTasks(self as unknown as Parameters<typeof serveGemvTasks>[0], openOpfsSyncFile);
